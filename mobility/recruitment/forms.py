"""Forms of recruitment: the referent's (call, places, criteria, scores, decisions) and the candidate's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mobility.evaluations.models import CEFR_SKILLS, CefrLevel
from mobility.recruitment.models import DECISIONS, AppealOutcome, Application, Call, CallPlace, Criterion
from mobility.site.forms import date_field, organisation_picker
from partners.directory.models import Organisation, OrganisationKind


class CallForm(forms.ModelForm):
    opens_on = date_field(_("Opens on"), required=True)
    closes_on = date_field(_("Closes on"), required=True)

    class Meta:
        model = Call
        fields = (
            "title",
            "description",
            "project",
            "activity_type",
            "eligible_trades",
            "eligible_years",
            "min_age",
            "min_eqf_level",
            "asks_cv",
            "asks_letter",
            "language",
            "opens_on",
            "closes_on",
            "appeal_days",
        )

    def __init__(self, *args: Any, projects: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if projects is not None:
            self.fields["project"].queryset = projects
        # The call in the other languages: the public page shows the visitor's when it is written.
        known = (self.instance.translations or {}) if self.instance.pk else {}
        for code, name in settings.LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                required=False,
                max_length=200,
                initial=(known.get(code) or {}).get("title", ""),
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=(known.get(code) or {}).get("description", ""),
            )

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(("title_", "description_"))}
        data["translations"] = {
            code: {
                "title": self.cleaned_data.get(f"title_{code}", ""),
                "description": self.cleaned_data.get(f"description_{code}", ""),
            }
            for code, _name in settings.LANGUAGES
            if self.cleaned_data.get(f"title_{code}") or self.cleaned_data.get(f"description_{code}")
        }
        return data


class PlaceForm(forms.ModelForm):
    start = date_field(_("Start"), required=True)
    end = date_field(_("End"), required=True)

    class Meta:
        model = CallPlace
        fields = ("host_organisation", "city", "country", "places", "start", "end")

    def __init__(self, *args: Any, hosts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].widget = organisation_picker("host")
        self.fields["host_organisation"].queryset = (
            hosts if hosts is not None else Organisation.objects.none()
        )
        self.fields["country"].required = False
        self.fields["places"].min_value = None
        self.fields["places"].validators = []

    def clean_places(self) -> int:
        value = self.cleaned_data.get("places")
        if value is None or value < 1:
            raise forms.ValidationError(_("Offer at least one place."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("country") and not data.get("host_organisation"):
            self.add_error("country", _("Choose a host or a country."))
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ("label", "weight", "max_points", "source")


def _cefr_fields(form: forms.Form, initial: dict[str, str]) -> None:
    choices = [("", "—"), *CefrLevel.choices]
    for code, label in CEFR_SKILLS:
        form.fields[f"cefr_{code}"] = forms.ChoiceField(
            label=label, choices=choices, required=False, initial=initial.get(code, "")
        )


class StartForm(forms.ModelForm):
    """The candidate's identity, first screen of the application."""

    date_of_birth = date_field(_("Date of birth"), required=True)
    centre = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Your training centre"))
    consent = forms.BooleanField(
        label=_(
            "I agree that the centre processes these data to examine my application (kept until the end of the selection and the appeal period, or of my mobility)."
        ),
        required=True,
    )

    class Meta:
        model = Application
        fields = (
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "national_id",
            "trade",
            "training_year",
            "eqf_level",
            "is_apprentice",
            "employer_name",
            "employer_contact_name",
            "employer_email",
            "guardian_name",
            "guardian_email",
        )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = call.centre_ids
        self.fields["centre"].queryset = Organisation.objects.filter(
            pk__in=ids, kind=OrganisationKind.TRAINING_CENTRE
        ).order_by("name")
        self.fields["centre"].empty_label = None
        self.fields["email"].required = True
        self.fields["national_id"].help_text = _(
            "The identifier your centre knows you by (INE in France), if you have it."
        )
        self.fields["guardian_name"].help_text = _("Under 18: your guardian is asked to agree.")
        self.fields["employer_email"].help_text = _("An apprentice's employer is asked to agree.")


class AnswersForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why do you want to go?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = list(application.call.places.all())
        chosen = [p.place_id for p in application.preferences.all()]
        choices = [("", "—"), *((str(p.pk), str(p)) for p in places)]
        for i in range(1, min(3, len(places)) + 1):
            self.fields[f"choice_{i}"] = forms.ChoiceField(
                label=_("Destination, choice no. %(n)s") % {"n": i},
                choices=choices,
                required=False,
                initial=str(chosen[i - 1]) if len(chosen) >= i else "",
            )
        self.fields["motivation"].initial = application.motivation
        _cefr_fields(self, application.cefr or {})
        self.places = {str(p.pk): p for p in places}

    def preferences(self) -> list[CallPlace]:
        picked = [self.cleaned_data.get(f"choice_{i}") for i in range(1, 4)]
        return [self.places[v] for v in picked if v]

    def cefr(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"cefr_{code}") or "" for code, _label in CEFR_SKILLS}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=(("cv", _("CV")), ("letter", _("Motivation letter"))), label=_("Kind"))
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG or WebP; checked by content."))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code received by e-mail"), max_length=6, min_length=6)


class AgreementForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("Your answer"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=(("yes", _("I agree")), ("no", _("I refuse"))),
    )
    by = forms.CharField(label=_("Your name"), max_length=200)
    reason = forms.CharField(
        label=_("Reason (needed for a refusal)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ScoreForm(forms.Form):
    criterion = forms.ModelChoiceField(queryset=Criterion.objects.none(), label=_("Criterion"))
    points = forms.IntegerField(label=_("Points"), min_value=0, max_value=100)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = application.call.criteria.filter(source="scored")


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=[(d.value, d.label) for d in DECISIONS])
    place = forms.ModelChoiceField(queryset=CallPlace.objects.none(), label=_("Place"), required=False)
    reason = forms.CharField(
        label=_("Reason (mandatory for a refusal)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = application.call.places.all()


class AppealForm(forms.Form):
    appeal_text = forms.CharField(
        label=_("Why you appeal"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (AppealOutcome.UPHELD.value, AppealOutcome.UPHELD.label),
            (AppealOutcome.DISMISSED.value, AppealOutcome.DISMISSED.label),
        ],
    )
    appeal_reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
