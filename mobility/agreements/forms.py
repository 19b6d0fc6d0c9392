"""The referent's forms for the learning agreement, its outcomes and the signatures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mobility.agreements.models import AGREEMENT_FIELDS, LearningAgreement, OutcomeCategory, SignatureMethod
from mobility.agreements.translation import Part, Translation
from mobility.learners.models import Unit
from mobility.mobilities.models import Mobility
from mobility.site.forms import language_choices

# --- Learning agreement -----------------------------------------------------------------------


#: The agreement's texts the form edits (the translations have a form of their own).
AGREEMENT_FORM_FIELDS = [name for name in AGREEMENT_FIELDS if name != "translations"]


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
        fields = AGREEMENT_FORM_FIELDS
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
        return {name: self.cleaned_data.get(name) for name in AGREEMENT_FORM_FIELDS}


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


# --- Translation ------------------------------------------------------------------------------


class AgreementTranslationForm(forms.Form):
    """One box per text of the agreement that has an original, the original shown beside it."""

    #: the originals the boxes were drawn from (the service refuses a save made from older ones)
    basis = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, found: Translation, basis: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["basis"].initial = basis
        self.rows: list[tuple[str, Part]] = []
        long_texts = {"objectives", "tasks", "assessment_method", "recognition_arrangements"}
        parts = [(p.key, p) for p in found.parts] + [(p.key, p) for _o, p in found.outcome_parts]
        for key, part in parts:
            if not part.original.strip():
                continue
            attrs = {"lang": found.language, "aria-describedby": f"original-{key}"}
            widget = (
                forms.Textarea(attrs={"rows": 4 if key in long_texts else 2, **attrs})
                if key in long_texts or key.startswith("outcome_")
                else forms.TextInput(attrs=attrs)
            )
            self.fields[key] = forms.CharField(
                label=part.label, required=False, initial=part.text, widget=widget, strip=True
            )
            self.rows.append((key, part))
        self.outcome_count = len(found.outcome_parts)

    def bound_rows(self) -> list[tuple[forms.BoundField, Part]]:
        return [(self[key], part) for key, part in self.rows]

    def service_texts(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(key) or "" for key, _p in self.rows if not key.startswith("outcome_")
        }

    def service_outcomes(self) -> list[str]:
        return [self.cleaned_data.get(f"outcome_{i}") or "" for i in range(self.outcome_count)]
