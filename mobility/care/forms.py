"""The incident form (recording and following up)."""

from __future__ import annotations

from django import forms

from mobility.care.models import Incident
from mobility.care.services import FIELDS


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = list(FIELDS)
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "guardians_informed_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 3}),
            "informed": forms.Textarea(attrs={"rows": 2}),
        }
