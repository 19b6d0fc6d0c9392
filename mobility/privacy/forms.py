"""The form that confirms an erasure by typing the learner's last name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mobility.learners.models import Learner


class LearnerEraseForm(forms.Form):
    """Erasing cannot be undone: the referent types the learner's last name to confirm."""

    REASONS = (
        ("request", _("The person asked for the erasure of their data")),
        ("not_needed", _("The data are no longer needed")),
        ("consent_withdrawn", _("Consent was withdrawn")),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    confirm_name = forms.CharField(
        label=_("Type the learner's last name to confirm"), max_length=100, strip=True
    )

    def __init__(self, *args: Any, learner: Learner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.learner = learner

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"]
        if typed.casefold() != self.learner.last_name.strip().casefold():
            raise ValidationError(_("This is not the learner's last name: nothing was erased."))
        return typed
