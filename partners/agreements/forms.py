"""The forms of partnership agreements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partners.agreements.models import PartnershipAgreement
from partners.directory import selectors
from partners.directory.forms import DateInput
from partners.directory.models import (
    Organisation,
)
from partners.uploads import JPEG, PDF, PNG, check_upload
from partners.widgets import SearchCheckboxes


# --- Agreements -------------------------------------------------------------------------------
class AgreementFilterForm(forms.Form):
    STATES = [
        ("", _("All")),
        ("current", _("Valid")),
        ("expiring", _("Ending within 60 days")),
        ("upcoming", _("Not started yet")),
        ("expired", _("Expired")),
    ]
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, reference or partner")}),
    )
    state = forms.ChoiceField(label=_("Validity"), choices=STATES, required=False)


class AgreementForm(forms.ModelForm):
    owner_centre = forms.ModelChoiceField(label=_("Centre"), queryset=Organisation.objects.none())
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        widget=SearchCheckboxes(source="partners:organisation-picker", params={"kind": "partner"}),
    )
    signed_copy = forms.FileField(
        label=_("Signed copy"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
        help_text=_("PDF, PNG or JPEG."),
    )

    class Meta:
        model = PartnershipAgreement
        fields = [
            "owner_centre",
            "title",
            "reference",
            "partners",
            "valid_from",
            "valid_until",
            "scope",
            "signed_copy",
        ]
        widgets = {
            "valid_from": DateInput,
            "valid_until": DateInput,
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        self.fields["signed_copy"].help_text = _("PDF, PNG or JPEG, %(limit)s MB at most.") % {"limit": limit}
        self.fields["partners"].queryset = selectors.organisation_choices_for_user(user=user)
        self.fields["partners"].label_from_instance = lambda o: (
            f"{o.display_name} — {o.city} ({o.country.code})"
        )
        if self.instance.pk:
            del self.fields["owner_centre"]
            if self.instance.signed_copy:
                self.fields["signed_copy"].help_text = _(
                    "A copy is already stored. Choose a file only to replace it (PDF, PNG or JPEG, %(limit)s MB at most)."
                ) % {"limit": limit}
        else:
            owners = selectors.owner_centres_for(user=user)
            self.fields["owner_centre"].queryset = owners
            if owners.count() == 1:
                self.fields["owner_centre"].initial = owners.first()

    def clean_signed_copy(self) -> Any:
        upload = self.cleaned_data.get("signed_copy")
        if not upload:
            return None  # nothing new: the stored copy stays
        check_upload(upload, allowed=(PDF, PNG, JPEG))
        return upload

    def _post_clean(self) -> None:
        # The upload is stored by the service, after every other check has passed.
        signed = self.cleaned_data.pop("signed_copy", None)
        super()._post_clean()
        self.cleaned_data["signed_copy"] = signed
