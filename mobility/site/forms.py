"""What every form of the referent's pages shares: date inputs, language choices, searchable pickers,
and service errors shown on the fields they concern.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from mobility.learners.models import Learner
from partners.directory.forms import organisation_label
from partners.directory.models import Organisation
from partners.widgets import SearchCheckboxes, SearchSelect

__all__ = ["SearchCheckboxes", "SearchSelect"]

# Languages a participant, an agreement or a placement may use: the EU's and a few frequent others.
LANGUAGE_CODES = (
    "fr", "en", "de", "es", "it", "pt", "nl", "pl", "ro", "el", "cs", "sk", "sl", "hr", "hu", "bg",
    "da", "sv", "fi", "et", "lv", "lt", "ga", "mt", "ar", "tr", "uk",
)  # fmt: skip


def language_choices(blank: bool = False) -> list[tuple[str, str]]:
    choices = []
    for code in LANGUAGE_CODES:
        try:
            name = get_language_info(code)["name_local"]
        except KeyError:
            name = code
        choices.append((code, name[:1].upper() + name[1:]))
    return [("", "—"), *choices] if blank else choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: Any, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def _options_attrs(role: str, target: str) -> dict[str, str]:
    """htmx attributes that refresh a dependent contact list when an organisation is chosen."""
    return {
        "hx-get": reverse("mobility:contact-options"),
        "hx-vals": json.dumps({"role": role}),
        "hx-target": target,
        "hx-trigger": "change",
        "hx-include": "this",
    }


def contact_label(obj: Any) -> str:
    return f"{obj.full_name}{f' — {obj.position}' if obj.position else ''}"


def participant_label(obj: Learner) -> str:
    born = f", {obj.date_of_birth.year}" if obj.date_of_birth else ""
    return f"{obj.last_name.upper()} {obj.first_name} ({obj.centre.display_name}{born})"


def member_label(obj: Learner) -> str:
    extra = " · ".join(
        x for x in (obj.trade, _("year %s") % obj.training_year if obj.training_year else "") if x
    )
    return f"{obj.last_name.upper()} {obj.first_name}{f' — {extra}' if extra else ''}"


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return organisation_label(obj)


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return contact_label(obj)


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.min_days and obj.max_days:
            return _("%(name)s (%(min)s–%(max)s days)") % {
                "name": obj.label,
                "min": obj.min_days,
                "max": obj.max_days,
            }
        return obj.label


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Learner) -> str:
        return participant_label(obj)


class ParticipantsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Learner) -> str:
        return member_label(obj)


class CentreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.display_name


# --- Pickers: the search widgets, ready for a field ------------------------------------------------
def organisation_picker(kind: str) -> SearchSelect:
    """An organisation among those of ``kind`` (``partners.directory.views.pickers.KINDS``)."""
    return SearchSelect(source="partners:organisation-picker", params={"kind": kind})


def tutor_picker(depends: str = "host_organisation") -> SearchSelect:
    """A tutor of the organisation chosen in the field ``depends`` of the same form."""
    return SearchSelect(source="mobility:picker-contacts", params={"role": "tutor"}, depends=depends)


def contact_picker(depends: str) -> SearchSelect:
    return SearchSelect(source="mobility:picker-contacts", params={"role": "contact"}, depends=depends)


def participant_picker(centre_ids: Any) -> SearchSelect:
    return SearchSelect(
        source="mobility:picker-learners", params={"centre": ",".join(str(c) for c in centre_ids)}
    )
