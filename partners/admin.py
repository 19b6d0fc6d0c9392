"""The technical administration site (platform operators only): every change is audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .audit import audit_record
from .emails import email_body_redacted
from .models import (
    AuditEntry,
    Contact,
    Invitation,
    Membership,
    Organisation,
    OutboundEmail,
    PartnershipAgreement,
    User,
)


class AuditedAdmin(admin.ModelAdmin):
    """Writes our audit entry for each add, change and deletion made in the admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            action="admin.change" if change else "admin.add",
            actor=request.user,
            target=obj,
            data={"changes": dict.fromkeys(form.changed_data)},
            request=request,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(action="admin.delete", actor=request.user, target=obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_record(action="admin.delete", actor=request.user, target=obj, request=request)
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Users ------------------------------------------------------------------------------------
class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )


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


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    list_display = ["email", "organisation", "role", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token_hash", "invited_by", "accepted_at", "created_at"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are sent from the Team page, which e-mails the link


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["last_name", "first_name", "organisation", "email", "is_tutor", "is_employer_contact"]
    list_filter = ["is_tutor", "is_employer_contact"]
    search_fields = ["last_name", "first_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


class AgreementAdminForm(forms.ModelForm):
    class Meta:
        model = PartnershipAgreement
        fields = [
            "owner_centre",
            "partners",
            "title",
            "reference",
            "valid_from",
            "valid_until",
            "scope",
            "signed_copy",
        ]
        # No link to the stored file: media is never public; the copy is downloaded from the agreement page.
        widgets = {"signed_copy": forms.FileInput}


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(AuditedAdmin):
    form = AgreementAdminForm
    list_display = ["title", "owner_centre", "valid_from", "valid_until"]
    search_fields = ["title", "reference", "owner_centre__name"]
    autocomplete_fields = ["owner_centre", "partners"]
    date_hierarchy = "valid_until"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "action"]
    date_hierarchy = "at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "to", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    exclude = ["body_text", "body_html"]
    readonly_fields = ["content"]

    @admin.display(description=_("content"))
    def content(self, message: OutboundEmail) -> str:
        """Where the e-mail carried a personal link or code, what it was (the secret was never stored)."""
        return email_body_redacted(message)
