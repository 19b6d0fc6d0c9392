"""The timeline's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mobility.mobilities.models import MobilityGroup, MobilityStatus
from mobility.projects.models import Project
from partners.directory.models import Organisation


# --- Timeline ---------------------------------------------------------------------------------
class TimelineFilterForm(forms.Form):
    start = forms.CharField(
        label=_("From (month)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    months = forms.TypedChoiceField(
        label=_("Months shown"),
        choices=[(3, "3"), (6, "6"), (12, "12"), (18, "18"), (24, "24")],
        coerce=int,
        initial=12,
        required=False,
        empty_value=12,
    )
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    project = forms.TypedChoiceField(label=_("Project"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(
        self,
        *args: Any,
        centres: list[Organisation],
        groups: list[MobilityGroup],
        projects: list[Project],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        self.fields["centre"].choices = [everything] + [(c.pk, c.display_name) for c in centres]
        if len(centres) < 2:
            del self.fields["centre"]
        self.fields["group"].choices = [everything] + [(g.pk, g.name) for g in groups]
        self.fields["project"].choices = [everything] + [
            (p.pk, p.grant_agreement_number or p.title) for p in projects
        ]
        self.fields["status"].choices = [everything, *MobilityStatus.choices]

    def clean_start(self) -> date | None:
        value = (self.cleaned_data.get("start") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(x) for x in value.split("-")[:2])
            return date(year, month, 1)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Enter a month as YYYY-MM."), code="month") from exc
