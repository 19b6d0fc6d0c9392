"""Forms of the certification pages: choices and free text only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partners.uploads import PDF, CheckedUpload, check_upload

from .models import JobKind, JobStatus


def _language_choices(blank: str | None = None) -> list[tuple[str, Any]]:
    choices = [(code, label) for code, label in settings.LANGUAGES]
    return [("", blank), *choices] if blank is not None else choices


class IssueForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the certificate"), choices=_language_choices)
    second_language = forms.ChoiceField(
        label=_("Second language (bilingual certificate)"),
        choices=lambda: _language_choices(blank=str(_("None: one language"))),
        required=False,
        help_text=_("Usually the host's language, so that both sides can read it."),
    )

    def languages(self) -> list[str]:
        first = self.cleaned_data["language"]
        second = self.cleaned_data.get("second_language") or ""
        return [first, second] if second and second != first else [first]


class ReissueForm(IssueForm):
    reason = forms.CharField(
        label=_("What was corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Kept in the certificate's history; the previous version is marked as superseded."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("The verification page will say that this certificate was revoked, and when."),
    )


class GroupIssueForm(forms.Form):
    bilingual = forms.BooleanField(
        label=_("Bilingual certificates (learner's language and host's language)"), required=False
    )


class BundleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Format"),
        choices=[(JobKind.BUNDLE_ZIP, _("ZIP of PDF files")), (JobKind.BUNDLE_PDF, _("One PDF"))],
    )
    centre = forms.IntegerField(required=False, widget=forms.HiddenInput)


class JobFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[("", _("All documents")), *JobKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *JobStatus.choices], required=False
    )


class VerifyLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        help_text=_("As printed on the certificate, for example EM-2026-7K3Q-9XWD-P2MA-4HCN."),
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The certificate's PDF file or its digital credential (.jsonld)"),
        help_text=_("The file is compared with the one we issued and is not kept."),
    )

    def clean_file(self) -> CheckedUpload | bytes:
        """A PDF (checked by content), or a credential: JSON text, sealed or not, returned as bytes."""
        upload = self.cleaned_data.get("file")
        if upload is not None and 0 < (upload.size or 0) <= 4 * 1024 * 1024:
            upload.seek(0)
            head = upload.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
            if head.startswith(b"{"):
                upload.seek(0)
                return upload.read()
            upload.seek(0)
        try:
            return check_upload(upload, allowed=(PDF,), max_bytes=10 * 1024 * 1024)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
