"""The referent's forms for a mobility: planning, status change, list filters, and the choice fields they share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mobility.catalogue import selectors as catalogue_selectors
from mobility.groups import selectors as groups_selectors
from mobility.learners import selectors as learners_selectors
from mobility.learners.models import Learner
from mobility.mobilities import selectors
from mobility.mobilities.models import MOBILITY_FIELDS, Direction, Mobility, MobilityGroup, MobilityStatus
from mobility.projects import selectors as projects_selectors
from mobility.projects.models import Project
from mobility.site.forms import (
    ActivityChoiceField,
    ContactChoiceField,
    DateInput,
    OrganisationChoiceField,
    ParticipantChoiceField,
    _options_attrs,
    date_field,
    language_choices,
    organisation_picker,
    participant_picker,
    tutor_picker,
)
from partners.directory.models import Organisation, OrganisationKind


# --- Mobilities -------------------------------------------------------------------------------
class MobilityForm(forms.ModelForm):
    main_language = forms.ChoiceField(
        label=_("Main language of the activity"), choices=language_choices(blank=True), required=False
    )

    class Meta:
        model = Mobility
        # The page's centre is the sending organisation: the form does not ask for it.
        fields = [name for name in MOBILITY_FIELDS if name != "sending_organisation"]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    fieldsets = (
        (
            _("Who and what"),
            ("participant", "activity_type", "project", "direction", "group", "is_accompanying_person"),
        ),
        (
            _("Where"),
            ("host_organisation", "host_tutor", "intermediary", "host_city", "host_country", "main_language"),
        ),
        (
            _("When"),
            (
                "planned_start",
                "planned_end",
                "actual_start",
                "actual_end",
                "interruption_days",
                "travel_days",
            ),
        ),
        (_("Travel"), ("green_travel", "distance_band", "accompanying_person")),
        (_("Notes"), ("notes",)),
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        centres: list[Organisation],
        participant: Learner | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        centre_ids = [self.instance.centre_id] if editing else [c.pk for c in centres]
        self.fields["participant"] = ParticipantChoiceField(
            queryset=learners_selectors.learner_choices_for_centres(centre_ids=centre_ids),
            label=_("Participant"),
            widget=participant_picker(centre_ids),
        )
        if participant is not None and not self.is_bound:
            self.initial["participant"] = participant.pk
        self.fields["activity_type"] = ActivityChoiceField(
            queryset=catalogue_selectors.activity_type_list_for_user(user=user),
            label=_("Activity"),
            help_text=_("Durations exclude travel days."),
        )
        self.fields["project"].queryset = projects_selectors.project_list_for_user(user=user)
        self.fields["group"].queryset = groups_selectors.group_choices_for_user(user=user).filter(
            centre_id__in=centre_ids
        )
        self.fields["host_organisation"] = OrganisationChoiceField(
            queryset=selectors.directory_for_user(user=user, kinds=selectors.HOST_KINDS),
            required=False,
            label=_("Host organisation"),
            help_text=_("Host company, partner school or centre abroad."),
            widget=organisation_picker("host"),
        )
        self.fields["host_organisation"].widget.attrs.update(_options_attrs("tutor", "#id_host_tutor"))
        host_id = self.data.get("host_organisation") if self.is_bound else self.instance.host_organisation_id
        self.fields["host_tutor"] = ContactChoiceField(
            queryset=selectors.contacts_for_user(user=user, organisation_id=host_id, tutors_only=True),
            required=False,
            label=_("Host tutor"),
            help_text=_("The tutors of the chosen host organisation. Needed before confirmation."),
            widget=tutor_picker(),
        )
        self.fields["intermediary"] = OrganisationChoiceField(
            queryset=selectors.directory_for_user(user=user, kinds=(OrganisationKind.INTERMEDIARY,)),
            required=False,
            label=_("Intermediary organisation"),
            widget=organisation_picker("intermediary"),
        )
        self.fields["host_city"].required = False
        self.fields["host_city"].help_text = _("Empty: the host organisation's city.")
        self.fields["host_country"].required = False
        self.fields["host_country"].help_text = _("Empty: the host organisation's country.")
        if not editing:
            for name in ("actual_start", "actual_end", "interruption_days"):
                del self.fields[name]
        self.fields["travel_days"].widget.attrs.update({"min": 0, "max": 6})
        self.fields["travel_days"].required = False
        self.fields["is_accompanying_person"].label = _("This participant accompanies a group (staff)")
        if "interruption_days" in self.fields:
            self.fields["interruption_days"].required = False

    def clean_travel_days(self) -> int:
        value = self.cleaned_data.get("travel_days")
        return 2 if value is None else value

    def clean_interruption_days(self) -> int:
        return self.cleaned_data.get("interruption_days") or 0

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end is before the planned start."))
        if not data.get("host_organisation") and not data.get("host_city") and "host_city" not in self.errors:
            self.add_error("host_city", _("Enter the host city, or choose a host organisation."))
        if not data.get("host_organisation") and not data.get("host_country"):
            self.add_error("host_country", _("Choose the host country, or a host organisation."))
        self._host_warning(data.get("host_organisation"))
        return data

    def _host_warning(self, host: Any) -> None:
        """A host marked "to watch" or "not to use": its reason is shown, and saving needs a confirmation."""
        from partners.quality.selectors import host_status_of

        if host is None or (self.instance.pk and self.instance.host_organisation_id == host.pk):
            return
        status = host_status_of(organisation_id=host.pk)
        if status is None or not status.is_warning or self.data.get("confirm_host") == str(host.pk):
            return
        self.host_warning = {"host": host, "status": status}
        self.add_error(
            "host_organisation",
            _("%(host)s is marked “%(status)s”: %(reason)s — tick the confirmation to choose it anyway.")
            % {"host": host.display_name, "status": status.get_status_display(), "reason": status.reason},
        )

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in MOBILITY_FIELDS if name in self.cleaned_data}
        data["host_city"] = data.get("host_city") or ""
        data["host_country"] = data.get("host_country") or ""
        if data.get("host_organisation") is not None and self.instance.pk:
            # A new host without a new place: the place follows the host.
            if self.instance.host_organisation_id != data["host_organisation"].pk:
                if "host_city" not in self.changed_data:
                    data["host_city"] = ""
                if "host_country" not in self.changed_data:
                    data["host_country"] = ""
        return data


class MobilityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    project = forms.TypedChoiceField(label=_("Project"), required=False, coerce=int, empty_value=None)
    activity = forms.TypedChoiceField(label=_("Activity"), required=False, coerce=int, empty_value=None)
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("All")), *Direction.choices]
    )
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    start_from = date_field(_("Starts from"))
    start_to = date_field(_("Starts until"))
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        centres: list[Organisation],
        projects: list[Project],
        activities: list[Any],
        countries_used: list[str],
        groups: list[MobilityGroup] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        self.fields["centre"].choices = [everything] + [(c.pk, c.display_name) for c in centres]
        if len(centres) < 2:
            del self.fields["centre"]
        self.fields["status"].choices = [everything, *MobilityStatus.choices]
        self.fields["country"].choices = [everything] + [(c, countries.name(c) or c) for c in countries_used]
        self.fields["project"].choices = [everything] + [
            (p.pk, p.grant_agreement_number or p.title) for p in projects
        ]
        self.fields["activity"].choices = [everything] + [(a.pk, a.label) for a in activities]
        if groups is None:
            del self.fields["group"]
        else:
            self.fields["group"].choices = [everything] + [(g.pk, g.name) for g in groups]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Name, reference, city, host…")}
        )

    def filters(self) -> selectors.MobilityFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.MobilityFilters(
            search=data.get("q") or "",
            centre_id=data.get("centre"),
            status=data.get("status") or "",
            country=data.get("country") or "",
            project_id=data.get("project"),
            activity_type_id=data.get("activity"),
            group_id=data.get("group"),
            direction=data.get("direction") or "",
            starts_after=data.get("start_from"),
            starts_before=data.get("start_to"),
        )


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=MobilityStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to cancel or interrupt; kept on the mobility."),
    )
    force_majeure = forms.BooleanField(
        label=_("Force majeure"),
        required=False,
        help_text=_("Reported as such to the programme (illness, family emergency, crisis…)."),
    )
