"""The operator's screen for partnership agreements."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from partners.agreements.models import PartnershipAgreement
from partners.audit.admin import AuditedAdmin


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
