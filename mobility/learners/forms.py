"""The referent's forms for learners: the record, the parental consent, the list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mobility.catalogue.models import ParticipantKind
from mobility.learners import selectors
from mobility.learners.models import LEARNER_FIELDS, Learner
from mobility.mobilities import selectors as mobilities_selectors
from mobility.mobilities.models import Mobility
from mobility.site.forms import (
    CentreChoiceField,
    ContactChoiceField,
    DateInput,
    OrganisationChoiceField,
    _options_attrs,
    contact_picker,
    date_field,
    language_choices,
    organisation_picker,
)
from partners.directory.models import Organisation, OrganisationKind


# --- Learners ---------------------------------------------------------------------------------
class LearnerForm(forms.ModelForm):
    """A participant's record. Health details never go here: only the yes/no adaptation flag."""

    centre = CentreChoiceField(queryset=Organisation.objects.none(), label=_("Training centre"))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=language_choices())

    class Meta:
        model = Learner
        fields = list(LEARNER_FIELDS)
        widgets = {
            "date_of_birth": DateInput(),
            "apprenticeship_start": DateInput(),
            "apprenticeship_end": DateInput(),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "guardian_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    base_fieldsets = (
        (_("Identity"), ("centre", "kind", "first_name", "last_name", "date_of_birth", "sex", "nationality")),
        (_("Contact"), ("email", "phone", "preferred_language", "national_id")),
        (
            _("Training"),
            ("qualification", "trade", "training_year", "position", "is_recent_graduate"),
        ),
        (
            _("Sending employer"),
            ("employer", "employer_contact", "apprenticeship_start", "apprenticeship_end"),
        ),
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
        employers = mobilities_selectors.directory_for_user(
            user=user, kinds=(OrganisationKind.SENDING_EMPLOYER,)
        )
        self.fields["employer"] = OrganisationChoiceField(
            queryset=employers,
            required=False,
            label=_("Sending employer"),
            help_text=_("The apprentice's company: it is told when a mobility is planned."),
            widget=organisation_picker("employer"),
        )
        self.fields["employer"].widget.attrs.update(_options_attrs("employer", "#id_employer_contact"))
        employer_id = self.data.get("employer") if self.is_bound else self.instance.employer_id
        self.fields["employer_contact"] = ContactChoiceField(
            queryset=mobilities_selectors.contacts_for_user(user=user, organisation_id=employer_id),
            required=False,
            label=_("Employer contact"),
            help_text=_("The person who receives the e-mails, in their language."),
            widget=contact_picker("employer"),
        )
        self.fields["training_year"].widget.attrs.update({"min": 1, "max": 5})
        self.fields["date_of_birth"].help_text = _("A minor needs a guardian and a parental consent.")
        if not self.instance.pk and self.is_bound and self.data.get("confirm_duplicate"):
            self.offer_duplicate_confirmation()

    def offer_duplicate_confirmation(self) -> None:
        """The box to tick once a possible duplicate was named (shown under the identity)."""
        self.fields["confirm_duplicate"] = forms.BooleanField(
            label=_("I have checked: this is another person"), required=False
        )

    @property
    def fieldsets(self) -> tuple:
        if "confirm_duplicate" not in self.fields:
            return self.base_fieldsets
        (legend, names), *rest = self.base_fieldsets
        return ((legend, (*names, "confirm_duplicate")), *rest)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ParticipantKind.STAFF and data.get("guardian_name"):
            self.add_error("guardian_name", _("A staff member has no guardian."))
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in LEARNER_FIELDS if name in self.cleaned_data}


class ConsentForm(forms.Form):
    given_on = date_field(_("Given on"), required=True)
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
