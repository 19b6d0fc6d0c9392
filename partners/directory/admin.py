"""The operator's screens for organisations and contacts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from partners.audit.admin import AuditedAdmin
from partners.directory import services
from partners.directory.models import Contact, Organisation


# --- Organisations ----------------------------------------------------------------------------
class ContactInline(admin.TabularInline):
    model = Contact
    fk_name = "organisation"
    extra = 0
    fields = ["first_name", "last_name", "position", "email", "phone", "is_tutor", "is_employer_contact"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "city", "country", "oid", "network"]
    list_filter = ["kind", "country", "sector"]
    search_fields = ["name", "short_name", "city", "oid", "pic", "national_id"]
    list_select_related = ["network"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["network", "owner_centre", "created_at", "updated_at"]
    inlines = [ContactInline]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.organisation_place_in_network(organisation=obj)


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["last_name", "first_name", "organisation", "email", "is_tutor", "is_employer_contact"]
    list_filter = ["is_tutor", "is_employer_contact"]
    search_fields = ["last_name", "first_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]
