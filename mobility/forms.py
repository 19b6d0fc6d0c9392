"""Forms of the referent's pages. They parse and validate input; the services decide and save.

Every form gets the user's scope from the view (querysets come from selectors), so a crafted
POST can never pick another centre's learner, group or project: it is simply not a valid choice.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from partners.models import Organisation, OrganisationKind

from . import selectors
from .models import (
    Assignee,
    Direction,
    FollowUp,
    FollowUpChannel,
    Learner,
    LearningAgreement,
    Mobility,
    MobilityGroup,
    MobilityStatus,
    OutcomeCategory,
    ParticipantKind,
    Project,
    SignatureMethod,
    Step,
    Unit,
)

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


def _date_field(label: Any, required: bool = False, help_text: Any = "") -> forms.DateField:
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


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.display_name} — {obj.city} ({obj.country.code})" if obj.country else obj.display_name


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}{f' — {obj.position}' if obj.position else ''}"


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
        born = f", {obj.date_of_birth.year}" if obj.date_of_birth else ""
        return f"{obj.last_name.upper()} {obj.first_name} ({obj.centre.display_name}{born})"


class ParticipantsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Learner) -> str:
        extra = " · ".join(
            x for x in (obj.trade, _("year %s") % obj.training_year if obj.training_year else "") if x
        )
        return f"{obj.last_name.upper()} {obj.first_name}{f' — {extra}' if extra else ''}"


class CentreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.display_name


def service_errors_to_form(
    form: forms.BaseForm, exc: ValidationError, default_field: str | None = None
) -> None:
    """Puts a service's ValidationError on the form: on the field it names, else on ``default_field``
    (an upload refused for its content belongs to the file field), else on the whole form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    form.add_error(name if name in form.fields else default_field, message)
    else:
        for message in exc.messages:
            form.add_error(default_field, message)


# --- Learners ---------------------------------------------------------------------------------
LEARNER_FIELDS = [
    "kind",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "national_id",
    "email",
    "phone",
    "nationality",
    "preferred_language",
    "qualification",
    "trade",
    "training_year",
    "position",
    "employer",
    "employer_contact",
    "fewer_opportunities",
    "needs_adaptation",
    "is_recent_graduate",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
]


class LearnerForm(forms.ModelForm):
    """A participant's record. Health details never go here: only the yes/no adaptation flag."""

    centre = CentreChoiceField(queryset=Organisation.objects.none(), label=_("Training centre"))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=language_choices())

    class Meta:
        model = Learner
        fields = LEARNER_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "guardian_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    fieldsets = (
        (_("Identity"), ("centre", "kind", "first_name", "last_name", "date_of_birth", "sex", "nationality")),
        (_("Contact"), ("email", "phone", "preferred_language", "national_id")),
        (
            _("Training"),
            ("qualification", "trade", "training_year", "position", "is_recent_graduate"),
        ),
        (_("Sending employer"), ("employer", "employer_contact")),
        (_("Support"), ("fewer_opportunities", "needs_adaptation")),
        (_("Guardian (for a minor)"), ("guardian_name", "guardian_email", "guardian_phone")),
    )

    def __init__(self, *args: Any, user: Any, centres: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk or len(centres) == 1:
            del self.fields["centre"]
            if not self.instance.pk:
                self.instance.centre = centres[0]
        else:
            self.fields["centre"].queryset = Organisation.objects.filter(pk__in=[c.pk for c in centres])
        self.fields["qualification"].queryset = selectors.qualification_list_for_user(user=user)
        employers = selectors.directory_for_user(user=user, kinds=(OrganisationKind.SENDING_EMPLOYER,))
        self.fields["employer"] = OrganisationChoiceField(
            queryset=employers,
            required=False,
            label=_("Sending employer"),
            help_text=_("The apprentice's company: it is told when a mobility is planned."),
        )
        self.fields["employer"].widget.attrs.update(_options_attrs("employer", "#id_employer_contact"))
        employer_id = self.data.get("employer") if self.is_bound else self.instance.employer_id
        self.fields["employer_contact"] = ContactChoiceField(
            queryset=selectors.contacts_for_user(user=user, organisation_id=employer_id),
            required=False,
            label=_("Employer contact"),
            help_text=_("The person who receives the e-mails, in their language."),
        )
        self.fields["training_year"].widget.attrs.update({"min": 1, "max": 5})
        self.fields["date_of_birth"].help_text = _("A minor needs a guardian and a parental consent.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ParticipantKind.STAFF and data.get("guardian_name"):
            self.add_error("guardian_name", _("A staff member has no guardian."))
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in LEARNER_FIELDS if name in self.cleaned_data}


class ConsentForm(forms.Form):
    given_on = _date_field(_("Given on"), required=True)
    given_by = forms.CharField(
        label=_("Given by"), max_length=200, help_text=_("The guardian who signed: name and relationship.")
    )
    mobility = forms.ModelChoiceField(
        queryset=Mobility.objects.none(),
        required=False,
        label=_("For the mobility"),
        empty_label=_("Every mobility of the learner"),
    )
    scan = forms.FileField(
        label=_("Signed scan"), required=False, help_text=_("PDF, JPEG, PNG or WebP; checked by content.")
    )

    def __init__(self, *args: Any, learner: Learner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mobility"].queryset = learner.mobilities.order_by("-planned_start")
        if learner.guardian_name and not self.is_bound:
            self.initial.setdefault("given_by", learner.guardian_name)


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


class DocumentForm(forms.Form):
    document_type = forms.ModelChoiceField(queryset=selectors.document_type_list(), label=_("Type"))
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG or WebP; checked by content."))
    valid_until = _date_field(_("Valid until"), help_text=_("For an insurance or an identity document."))
    mobility = forms.ModelChoiceField(
        queryset=Mobility.objects.none(),
        required=False,
        label=_("For the mobility"),
        empty_label=_("The learner's file (every mobility)"),
    )

    def __init__(self, *args: Any, learner: Learner | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = selectors.document_type_list()
        if learner is None:
            del self.fields["mobility"]
        else:
            self.fields["mobility"].queryset = learner.mobilities.order_by("-planned_start")


class LearnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Participant"), required=False, choices=[("", _("All")), *ParticipantKind.choices]
    )
    qualification = forms.TypedChoiceField(
        label=_("Qualification"), required=False, coerce=int, empty_value=None
    )
    minors = forms.BooleanField(label=_("Minors only"), required=False)
    abroad = forms.BooleanField(label=_("Abroad now"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, centres: list[Organisation], qualifications: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", _("All"))] + [(c.pk, c.display_name) for c in centres]
        if len(centres) < 2:
            del self.fields["centre"]
        self.fields["qualification"].choices = [("", _("All"))] + [(q.pk, str(q)) for q in qualifications]
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Name, e-mail, trade…")})

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return self.cleaned_data


# --- Mobilities -------------------------------------------------------------------------------
MOBILITY_FIELDS = [
    "participant",
    "activity_type",
    "project",
    "direction",
    "group",
    "is_accompanying_person",
    "host_organisation",
    "host_tutor",
    "intermediary",
    "accompanying_person",
    "host_city",
    "host_country",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "travel_days",
    "green_travel",
    "distance_band",
    "interruption_days",
    "main_language",
    "notes",
]


class MobilityForm(forms.ModelForm):
    main_language = forms.ChoiceField(
        label=_("Main language of the activity"), choices=language_choices(blank=True), required=False
    )

    class Meta:
        model = Mobility
        fields = MOBILITY_FIELDS
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
            queryset=selectors.learner_choices_for_centres(centre_ids=centre_ids),
            label=_("Participant"),
        )
        if participant is not None and not self.is_bound:
            self.initial["participant"] = participant.pk
        self.fields["activity_type"] = ActivityChoiceField(
            queryset=selectors.activity_type_list_for_user(user=user),
            label=_("Activity"),
            help_text=_("Durations exclude travel days."),
        )
        self.fields["project"].queryset = selectors.project_list_for_user(user=user)
        self.fields["group"].queryset = selectors.group_choices_for_user(user=user).filter(
            centre_id__in=centre_ids
        )
        self.fields["host_organisation"] = OrganisationChoiceField(
            queryset=selectors.directory_for_user(user=user, kinds=selectors.HOST_KINDS),
            required=False,
            label=_("Host organisation"),
            help_text=_("Host company, partner school or centre abroad."),
        )
        self.fields["host_organisation"].widget.attrs.update(_options_attrs("tutor", "#id_host_tutor"))
        host_id = self.data.get("host_organisation") if self.is_bound else self.instance.host_organisation_id
        self.fields["host_tutor"] = ContactChoiceField(
            queryset=selectors.contacts_for_user(user=user, organisation_id=host_id, tutors_only=True),
            required=False,
            label=_("Host tutor"),
            help_text=_("The tutors of the chosen host organisation. Needed before confirmation."),
        )
        self.fields["intermediary"] = OrganisationChoiceField(
            queryset=selectors.directory_for_user(user=user, kinds=(OrganisationKind.INTERMEDIARY,)),
            required=False,
            label=_("Intermediary organisation"),
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
        return data

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
    start_from = _date_field(_("Starts from"))
    start_to = _date_field(_("Starts until"))
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


# --- Learning agreement -----------------------------------------------------------------------
AGREEMENT_FIELDS = [
    "language",
    "placement_language",
    "objectives",
    "tasks",
    "hours_per_week",
    "working_schedule",
    "assessor",
    "assessment_method",
    "assessment_timing",
    "recognition_arrangements",
]


class AgreementForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language of the agreement"), choices=language_choices())
    placement_language = forms.ChoiceField(
        label=_("Language of the placement"), choices=language_choices(blank=True), required=False
    )
    units = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Units of the qualification assessed abroad"),
    )

    class Meta:
        model = LearningAgreement
        fields = AGREEMENT_FIELDS
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "tasks": forms.Textarea(attrs={"rows": 4}),
            "assessment_method": forms.Textarea(attrs={"rows": 3}),
            "recognition_arrangements": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "objectives": _("What the placement is for, in a few sentences."),
            "tasks": _("The work the participant will do at the host, one per line."),
            "assessor": _("For example: the host tutor, with the referent for the final interview."),
            "assessment_timing": _("For example: last week of the placement."),
            "recognition_arrangements": _("How the centre will take the assessed units into account."),
        }

    def __init__(self, *args: Any, mobility: Mobility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qualification = mobility.participant.qualification
        if qualification is None:
            del self.fields["units"]
        else:
            self.fields["units"].queryset = qualification.units.all()
        self.fields["hours_per_week"].widget.attrs.update({"min": 1, "max": 60})

    def validate_unique(self) -> None:
        # A new version is numbered by the service; nothing to check here.
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in AGREEMENT_FIELDS}


class OutcomeForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Unit"), empty_label=_("No unit")
    )
    category = forms.ChoiceField(label=_("Category"), choices=OutcomeCategory.choices, initial="skills")
    description = forms.CharField(
        label=_("Learning outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=2, can_delete=True, max_num=40, validate_max=True)


class SignatureForm(forms.Form):
    party = forms.CharField(widget=forms.HiddenInput)
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    method = forms.ChoiceField(
        label=_("How"),
        choices=SignatureMethod.choices,
        initial=SignatureMethod.IN_APP,
        widget=forms.RadioSelect,
    )
    scan = forms.FileField(
        label=_("Signed scan"),
        required=False,
        help_text=_("Needed when signed outside the platform. PDF, JPEG, PNG or WebP."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("method") == SignatureMethod.OUTSIDE and not data.get("scan"):
            self.add_error(
                "scan", _("Upload the signed scan when the agreement was signed outside the platform.")
            )
        return data


# --- Checklist and follow-ups -----------------------------------------------------------------
class ChecklistAddForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=250)
    step = forms.ChoiceField(label=_("Step"), choices=Step.choices, initial=Step.PREPARE)
    due_date = _date_field(_("Due"))
    assignee = forms.ChoiceField(label=_("Done by"), choices=Assignee.choices, initial=Assignee.REFERENT)


class FollowUpForm(forms.ModelForm):
    followup = forms.ModelChoiceField(
        queryset=FollowUp.objects.none(),
        required=False,
        label=_("Scheduled follow-up"),
        empty_label=_("An extra follow-up (not scheduled)"),
    )
    channel = forms.ChoiceField(label=_("How"), choices=[("", "—"), *FollowUpChannel.choices])
    wellbeing = forms.TypedChoiceField(
        label=_("How it is going"),
        choices=[("", "—"), (5, _("5 — very well")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 — badly"))],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = FollowUp
        fields = ["done_on", "channel", "wellbeing", "needs_attention", "notes"]
        widgets = {"done_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, mobility: Mobility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["followup"].queryset = mobility.followups.filter(done_on__isnull=True).order_by(
            "scheduled_for"
        )
        self.fields["followup"].label_from_instance = lambda f: f.scheduled_for.strftime("%d/%m/%Y")
        self.fields["done_on"].required = True
        self.fields["done_on"].initial = timezone.localdate()
        self.fields["notes"].help_text = _("What was said; never health details.")

    def validate_unique(self) -> None:
        pass


# --- Groups -----------------------------------------------------------------------------------
GROUP_FIELDS = [
    "name",
    "project",
    "activity_type",
    "host_city",
    "host_country",
    "planned_start",
    "planned_end",
    "accompanying_persons",
    "notes",
]


class GroupForm(forms.ModelForm):
    centre = CentreChoiceField(queryset=Organisation.objects.none(), label=_("Training centre"))

    class Meta:
        model = MobilityGroup
        fields = GROUP_FIELDS
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "accompanying_persons": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, centres: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk or len(centres) == 1:
            del self.fields["centre"]
        else:
            self.fields["centre"].queryset = Organisation.objects.filter(pk__in=[c.pk for c in centres])
        self.fields["activity_type"] = ActivityChoiceField(
            queryset=selectors.activity_type_list_for_user(user=user).filter(
                participant_kind=ParticipantKind.LEARNER
            ),
            label=_("Activity"),
        )
        self.fields["project"].queryset = selectors.project_list_for_user(user=user)
        self.fields["accompanying_persons"].help_text = _(
            "One per line: name, role, phone. The first one is recorded on each member's mobility."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The group comes back before it leaves."))
        return data

    def validate_unique(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in GROUP_FIELDS if name in self.cleaned_data}


class GroupMembersForm(forms.Form):
    """Learners to send with the group, and the host they share at first (adjusted per learner later)."""

    participants = ParticipantsField(
        queryset=Learner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Participants"),
        error_messages={"required": _("Choose at least one participant.")},
    )
    host_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Host organisation for everyone"),
        help_text=_("Optional: each participant's host company and tutor can be changed afterwards."),
    )

    def __init__(self, *args: Any, user: Any, centre_ids: Any, exclude_ids: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = (
            selectors.learner_choices_for_centres(centre_ids=centre_ids, kind=ParticipantKind.LEARNER)
            .exclude(pk__in=list(exclude_ids))
            .only("id", "first_name", "last_name", "trade", "training_year", "centre_id")
        )
        self.fields["host_organisation"].queryset = selectors.directory_for_user(
            user=user, kinds=selectors.HOST_KINDS
        )


class GroupMemberForm(forms.Form):
    """One member's host company and tutor, on the group page."""

    host_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(), required=False, label=_("Host organisation")
    )
    host_tutor = ContactChoiceField(
        queryset=Organisation.objects.none(), required=False, label=_("Host tutor")
    )

    def __init__(self, *args: Any, user: Any, mobility: Mobility, host_queryset: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"m{mobility.pk}")
        kwargs.setdefault(
            "initial",
            {"host_organisation": mobility.host_organisation_id, "host_tutor": mobility.host_tutor_id},
        )
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = host_queryset
        target = f"#id_{self.prefix}-host_tutor"
        self.fields["host_organisation"].widget.attrs.update(_options_attrs("tutor", target))
        host_id = (
            self.data.get(self.add_prefix("host_organisation"))
            if self.is_bound
            else mobility.host_organisation_id
        )
        self.fields["host_tutor"].queryset = selectors.contacts_for_user(
            user=user, organisation_id=host_id, tutors_only=True
        )


# --- Projects ---------------------------------------------------------------------------------
PROJECT_FIELDS = [
    "title",
    "programme",
    "grant_agreement_number",
    "key_action",
    "call_year",
    "start_date",
    "end_date",
]


class GrantNumberField(forms.CharField):
    """Accepts the number as people type it (lower case, spaces around) before checking its shape."""

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "").strip().upper()


class ProjectForm(forms.ModelForm):
    organisation = CentreChoiceField(queryset=Organisation.objects.none(), label=_("Beneficiary"))
    budget_lines = forms.CharField(
        label=_("Budget lines"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: code | label | amount. For example: OS | Organisational support | 12000"),
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        field_classes = {"grant_agreement_number": GrantNumberField}

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=[o.pk for o in organisations]
            )
            if len(organisations) == 1:
                self.fields["organisation"].initial = organisations[0].pk
        if not self.is_bound and self.instance.budget_lines:
            self.initial["budget_lines"] = "\n".join(
                " | ".join(str(line.get(k, "")) for k in ("code", "label", "amount"))
                for line in self.instance.budget_lines
            )
        self.fields["grant_agreement_number"].widget.attrs["placeholder"] = "2024-1-FR01-KA121-VET-000123456"
        self.fields["call_year"].widget.attrs.update({"min": 2014, "max": 2100})

    def clean_budget_lines(self) -> list[dict[str, Any]]:
        lines = []
        for number, raw in enumerate((self.cleaned_data.get("budget_lines") or "").splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")]
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise ValidationError(
                    _("Line %(n)s: write code | label | amount.") % {"n": number}, code="budget_line"
                )
            try:
                amount = Decimal(parts[2].replace(" ", "").replace(",", ".")) if parts[2] else Decimal(0)
            except InvalidOperation as exc:
                raise ValidationError(
                    _("Line %(n)s: the amount “%(amount)s” is not a number.")
                    % {"n": number, "amount": parts[2]},
                    code="budget_amount",
                ) from exc
            lines.append({"code": parts[0][:20], "label": parts[1][:200], "amount": float(amount)})
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The project ends before it starts."))
        return data

    def validate_unique(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in PROJECT_FIELDS}
        data["budget_lines"] = self.cleaned_data.get("budget_lines") or []
        return data


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
