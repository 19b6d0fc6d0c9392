"""The forms of the guest pages, written for a tutor on a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.tracking.models import FollowUpChannel

LANGUAGE_ROWS = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def text_field(label: Any, *, rows: int = 4, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class ConfirmationForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("yes", _("Yes, we host the learner on these dates")),
            ("other", _("We host the learner, but on other dates")),
        ],
        widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--stacked"}),
    )
    proposed_start = forms.DateField(label=_("Start date you propose"), required=False, widget=DateInput())
    proposed_end = forms.DateField(label=_("End date you propose"), required=False, widget=DateInput())
    comment = forms.CharField(
        label=_("Comment for the training centre"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SignatureForm(forms.Form):
    signer_name = forms.CharField(label=_("Your full name"), max_length=200)
    agree = forms.BooleanField(
        label=_("I have read the learning agreement and I sign it."),
        required=True,
    )


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Date of the check-in"), widget=DateInput())
    channel = forms.ChoiceField(label=_("How"), choices=[("", "—"), *FollowUpChannel.choices], required=False)
    wellbeing = forms.TypedChoiceField(
        label=_("How is it going?"),
        choices=[("", "—"), (5, _("5 — very well")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 — badly"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    needs_attention = forms.BooleanField(
        label=_("The training centre should contact me"),
        required=False,
        help_text=_("The referent is told at once."),
    )

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot be recorded in the future."))
        return day


class UploadForm(forms.Form):
    document_type = forms.TypedChoiceField(label=_("Document"), coerce=int)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG, PNG or WebP; a photo taken with your phone is fine.")
    )

    def __init__(self, *args: Any, document_types: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["document_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t.pk, t.label) for t in document_types]
        self.fields["file"].widget.attrs["accept"] = "application/pdf,image/jpeg,image/png,image/webp"


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with this mobility?"),
        choices=[
            (5, _("Very satisfied")),
            (4, _("Satisfied")),
            (3, _("Neither satisfied nor dissatisfied")),
            (2, _("Not very satisfied")),
            (1, _("Not satisfied at all")),
        ],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--options"}),
    )
    observed_progress = forms.CharField(
        label=_("Progress you have observed since the return"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    would_send_again = forms.TypedChoiceField(
        label=_("Would you send an apprentice abroad again?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--options"}),
    )


class LostLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The address at which you received the invitation."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code received by e-mail"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
