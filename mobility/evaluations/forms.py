"""The evaluation form (tutor and learner), the referent's review and the recognition form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.agreements.models import AgreementOutcome
from mobility.evaluations.models import (
    CEFR_SKILLS,
    DIGCOMP_AREAS,
    CefrLevel,
    DigcompLevel,
    Evaluation,
    EvaluationKind,
    OutcomeResult,
    RecognitionDecision,
)
from mobility.evaluations.services.evaluation import language_choices
from mobility.guests.forms import LANGUAGE_ROWS, DateInput, text_field
from mobility.learners.models import Unit


class EvaluationForm(forms.Form):
    """The Europass sections, per outcome results, attendance: for the tutor, or the learner (self)."""

    def __init__(
        self,
        *args: Any,
        outcomes: list[tuple[AgreementOutcome, str]],
        kind: str,
        instance: Evaluation | None = None,
        default_language: str = "",
        attendance: tuple[Any, Any] = (None, None),
        signatory: tuple[str, str] = ("", ""),
        **kwargs: Any,
    ):
        self.outcomes = outcomes
        self.kind = kind
        if (not args or args[0] is None) and "initial" not in kwargs:
            kwargs["initial"] = self._initial(instance, default_language, attendance, signatory)
        super().__init__(*args, **kwargs)
        self_assessment = kind == EvaluationKind.SELF
        result_choices = OutcomeResult.choices
        for outcome, text in outcomes:
            self.fields[f"outcome_{outcome.pk}_result"] = forms.ChoiceField(
                label=text,
                choices=result_choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--options"}),
            )
            self.fields[f"outcome_{outcome.pk}_comment"] = text_field(_("Comment"), rows=2)
        self.fields["tasks_carried_out"] = text_field(
            _("Activities and tasks carried out"),
            help_text=_("What I did during the placement.")
            if self_assessment
            else _("What the learner did during the placement."),
        )
        self.fields["job_related_skills"] = text_field(
            _("Job-related skills"), help_text=_("Skills of the trade, with examples.")
        )
        languages = [("", _("Choose a language")), *language_choices()]
        levels = [("", "—"), *CefrLevel.choices]
        for index in range(LANGUAGE_ROWS):
            self.fields[f"lang_{index}_language"] = forms.ChoiceField(
                label=_("Language"), choices=languages, required=False
            )
            for key, label in CEFR_SKILLS:
                self.fields[f"lang_{index}_{key}"] = forms.ChoiceField(
                    label=label, choices=levels, required=False
                )
        digital_levels = [("", _("Not assessed")), *DigcompLevel.choices]
        for key, label in DIGCOMP_AREAS:
            self.fields[f"digital_{key}"] = forms.ChoiceField(
                label=label, choices=digital_levels, required=False
            )
        self.fields["digital_comment"] = text_field(_("Digital skills: examples"), rows=2)
        self.fields["organisational_skills"] = text_field(_("Organisational and managerial skills"), rows=3)
        self.fields["communication_skills"] = text_field(_("Communication skills"), rows=3)
        self.fields["other_skills"] = text_field(_("Other skills"), rows=3)
        if not self_assessment:
            self.fields["attended_from"] = forms.DateField(
                label=_("Present from"), required=False, widget=DateInput()
            )
            self.fields["attended_to"] = forms.DateField(
                label=_("Present until"), required=False, widget=DateInput()
            )
            self.fields["absence_days"] = forms.IntegerField(
                label=_("Days of absence"),
                required=False,
                min_value=0,
                max_value=365,
                help_text=_("Working days missed, 0 if none."),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.fields["overall_comment"] = text_field(
            _("Overall comment"),
            help_text=_("What I take away from this placement.")
            if self_assessment
            else _("Your overall view of the placement and of the learner's progress."),
        )
        if not self_assessment:
            self.fields["signatory_name"] = forms.CharField(
                label=_("Name of the signatory"), max_length=200, required=False
            )
            self.fields["signatory_position"] = forms.CharField(
                label=_("Position in the host organisation"), max_length=120, required=False
            )

    @staticmethod
    def _initial(
        instance: Evaluation | None,
        default_language: str,
        attendance: tuple[Any, Any],
        signatory: tuple[str, str],
    ) -> dict[str, Any]:
        if instance is None:
            # The planned dates as a starting point: the tutor corrects them where reality differed;
            # the tutor as the signatory, unless someone else signs.
            return {
                "lang_0_language": default_language,
                "attended_from": attendance[0],
                "attended_to": attendance[1],
                "signatory_name": signatory[0],
                "signatory_position": signatory[1],
            }
        initial: dict[str, Any] = {
            name: getattr(instance, name)
            for name in (
                "tasks_carried_out",
                "job_related_skills",
                "digital_comment",
                "organisational_skills",
                "communication_skills",
                "other_skills",
                "attended_from",
                "attended_to",
                "absence_days",
                "overall_comment",
            )
        }
        initial["attended_from"] = instance.attended_from or attendance[0]
        initial["attended_to"] = instance.attended_to or attendance[1]
        initial["signatory_name"] = instance.signatory_name or signatory[0]
        initial["signatory_position"] = instance.signatory_position or signatory[1]
        for assessment in instance.assessments.all():
            initial[f"outcome_{assessment.outcome_id}_result"] = assessment.result
            initial[f"outcome_{assessment.outcome_id}_comment"] = assessment.comment
        rows = list(instance.language_skills or [])
        if not rows and default_language:
            rows = [{"language": default_language}]
        for index, row in enumerate(rows[:LANGUAGE_ROWS]):
            initial[f"lang_{index}_language"] = row.get("language", "")
            for key, _label in CEFR_SKILLS:
                initial[f"lang_{index}_{key}"] = row.get(key, "")
        for key, value in (instance.digital_skills or {}).items():
            initial[f"digital_{key}"] = value
        return initial

    # What the template walks through, section by section.
    def outcome_rows(self) -> list[tuple[AgreementOutcome, Any, Any]]:
        return [
            (outcome, self[f"outcome_{outcome.pk}_result"], self[f"outcome_{outcome.pk}_comment"])
            for outcome, _label in self.outcomes
        ]

    def language_rows(self) -> list[tuple[int, Any, list[Any], bool]]:
        """(number, language field, level fields, in use): rows not in use are offered folded."""
        rows = []
        for index in range(LANGUAGE_ROWS):
            fields = [self[f"lang_{index}_{key}"] for key, _label in CEFR_SKILLS]
            language = self[f"lang_{index}_language"]
            in_use = index == 0 or any(f.value() for f in [language, *fields]) or bool(language.errors)
            rows.append((index + 1, language, fields, in_use))
        return rows

    def spare_language_rows(self) -> list[tuple[int, Any, list[Any], bool]]:
        return [row for row in self.language_rows() if not row[3]]

    def digital_fields(self) -> list[Any]:
        return [self[f"digital_{key}"] for key, _label in DIGCOMP_AREAS]

    def _field_for(self, part: str) -> str | None:
        """The form field holding one missing part of the evaluation (see ``MissingPart.fields``)."""
        kind, _sep, rest = part.partition(":")
        if kind == "outcome":
            name = f"outcome_{rest}_result"
        elif kind == "language_skills" and rest:
            code, _sep, skill = rest.partition(":")
            # The stored rows skip empty ones: find the row by its language, not by its position.
            rows = [i for i in range(LANGUAGE_ROWS) if self[f"lang_{i}_language"].value() == code]
            name = f"lang_{rows[0]}_{skill}" if rows else ""
        elif kind == "language_skills":
            name = "lang_0_language"
        else:
            name = kind
        return name if name in self.fields else None

    def mark_missing(self, missing: list[Any]) -> list[tuple[str, str]]:
        """Each missing part on its fields: invalid (aria-invalid) and described by the message
        (aria-describedby), as a field error would be. Returns (where to go, message) for the summary
        at the top, each link leading to the first field concerned."""
        summary = []
        for part in missing:
            names = [name for name in map(self._field_for, part.fields) if name]
            if names:
                first = self[names[0]]
                if not first.errors:
                    self.add_error(first.name, part.message)
                # One message for several fields (three CEFR levels of a language, two dates): shown
                # once, under the first; the others are invalid too and read the same message.
                for name in names[1:]:
                    if not self[name].errors:
                        self.fields[name].widget.attrs.update(
                            {"aria-invalid": "true", "aria-describedby": f"{first.auto_id}_error"}
                        )
            target = part.anchor
            if names:
                # Radio buttons have no single id to link to: the first button then.
                target = self[names[0]].id_for_label or f"{self[names[0]].auto_id}_0"
            summary.append((target, part.message))
        return summary

    def service_data(self) -> tuple[dict[str, Any], dict[int, dict[str, str]]]:
        """The cleaned form as the service takes it: section values and per-outcome results."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data.get(name)
            for name in (
                "tasks_carried_out",
                "job_related_skills",
                "digital_comment",
                "organisational_skills",
                "communication_skills",
                "other_skills",
                "overall_comment",
            )
        }
        if self.kind == EvaluationKind.TUTOR:
            values.update(
                {
                    name: data.get(name)
                    for name in (
                        "attended_from",
                        "attended_to",
                        "absence_days",
                        "signatory_name",
                        "signatory_position",
                    )
                }
            )
        values["language_skills"] = [
            {
                "language": data.get(f"lang_{index}_language") or "",
                **{key: data.get(f"lang_{index}_{key}") or "" for key, _label in CEFR_SKILLS},
            }
            for index in range(LANGUAGE_ROWS)
        ]
        values["digital_skills"] = {
            key: data.get(f"digital_{key}") for key, _label in DIGCOMP_AREAS if data.get(f"digital_{key}")
        }
        assessments = {
            outcome.pk: {
                "result": data.get(f"outcome_{outcome.pk}_result") or "",
                "comment": data.get(f"outcome_{outcome.pk}_comment") or "",
            }
            for outcome, _label in self.outcomes
        }
        return values, assessments


# --- Referent ---------------------------------------------------------------------------------
class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        help_text=_("Required to send the evaluation back: say what the tutor should change."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecognitionForm(forms.Form):
    """One decision per unit: recognised, not recognised, or not decided yet."""

    def __init__(self, *args: Any, units: list[Unit], current: dict[int, Any], **kwargs: Any):
        self.units = units
        initial = {}
        for unit in units:
            recognition = current.get(unit.pk)
            initial[f"unit_{unit.pk}_decision"] = recognition.decision if recognition else ""
            initial[f"unit_{unit.pk}_date"] = recognition.decided_on if recognition else timezone.localdate()
            initial[f"unit_{unit.pk}_comment"] = recognition.comment if recognition else ""
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        choices = [("", _("Not decided yet")), *RecognitionDecision.choices]
        for unit in units:
            self.fields[f"unit_{unit.pk}_decision"] = forms.ChoiceField(
                label=_("Decision"), choices=choices, required=False
            )
            self.fields[f"unit_{unit.pk}_date"] = forms.DateField(
                label=_("Decided on"), required=False, widget=DateInput()
            )
            self.fields[f"unit_{unit.pk}_comment"] = forms.CharField(
                label=_("Comment"), required=False, max_length=2000
            )

    def rows(self) -> list[tuple[Unit, Any, Any, Any]]:
        return [
            (
                unit,
                self[f"unit_{unit.pk}_decision"],
                self[f"unit_{unit.pk}_date"],
                self[f"unit_{unit.pk}_comment"],
            )
            for unit in self.units
        ]

    def decisions(self) -> list[dict[str, Any]]:
        return [
            {
                "unit": unit,
                "decision": self.cleaned_data.get(f"unit_{unit.pk}_decision") or "",
                "decided_on": self.cleaned_data.get(f"unit_{unit.pk}_date"),
                "comment": self.cleaned_data.get(f"unit_{unit.pk}_comment") or "",
            }
            for unit in self.units
        ]
