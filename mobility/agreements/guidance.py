"""Decision support for writing a learning agreement: what to aim at, and whether it reads as measurable.

The suggestions come from data (the activity type's guidance per language, each unit's suggested
outcomes); the advice is a handful of plain checks a seasoned referent would make on a draft. It
never blocks a save: it points at what to reread.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from mobility.agreements.models import AgreementStatus, LearningAgreement
from mobility.learners.models import Unit
from mobility.mobilities.models import Mobility

#: Verbs that describe an intention rather than something one can observe at work.
VAGUE_VERBS: dict[str, tuple[str, ...]] = {
    "en": (
        "learn",
        "understand",
        "know",
        "discover",
        "be aware",
        "get familiar",
        "appreciate",
        "become familiar",
    ),
    "fr": (
        "apprendre",
        "comprendre",
        "connaître",
        "connaitre",
        "découvrir",
        "savoir",
        "se familiariser",
        "être sensibilisé",
        "prendre conscience",
    ),
    "de": ("lernen", "verstehen", "kennen", "kennenlernen", "wissen", "entdecken", "vertraut"),
    "es": ("aprender", "comprender", "conocer", "descubrir", "saber", "familiarizarse"),
    "it": ("imparare", "capire", "comprendere", "conoscere", "scoprire", "sapere", "familiarizzare"),
}


@dataclass
class UnitSuggestions:
    unit: Unit
    outcomes: list[str] = field(default_factory=list)


@dataclass
class Guidance:
    objectives: str = ""
    outcomes_hint: str = ""
    assessment: str = ""
    units: list[UnitSuggestions] = field(default_factory=list)


def agreement_guidance(
    *, mobility: Mobility, language: str | None, units: list[Unit] | None = None
) -> Guidance:
    """The activity type's suggestions in ``language`` and the suggested outcomes of the units."""
    text = mobility.activity_type.guidance_in(language)
    guidance = Guidance(
        objectives=text.get("objectives", ""),
        outcomes_hint=text.get("outcomes_hint", ""),
        assessment=text.get("assessment", ""),
    )
    for unit in units or []:
        lines = [line.strip(" -•\t") for line in (unit.suggested_outcomes or "").splitlines()]
        guidance.units.append(UnitSuggestions(unit=unit, outcomes=[line for line in lines if line]))
    return guidance


def _vague_verb(text: str, language: str) -> str | None:
    lowered = text.lower()
    for verb in VAGUE_VERBS.get((language or "en")[:2], VAGUE_VERBS["en"]):
        if re.search(rf"(^|[\s'’]){re.escape(verb)}\b", lowered):
            return verb
    return None


def realistic_outcome_count(days: int) -> int:
    """About two outcomes per week of placement, at least three, at most twelve."""
    return max(3, min(12, 2 * math.ceil(max(days, 1) / 7)))


def agreement_advice(
    *, agreement: LearningAgreement | None, mobility: Mobility, outcomes: list[Any] | None = None
) -> list[str]:
    """Plain remarks on a draft: vague outcomes, too many for the stay, no assessment plan, units left out."""
    if agreement is None:
        return [_("No learning agreement yet: write the objectives and learning outcomes.")]
    rows = outcomes if outcomes is not None else list(agreement.outcomes.all())
    advice: list[str] = []
    language = agreement.language or "en"
    for index, outcome in enumerate(rows, start=1):
        description = (getattr(outcome, "description", "") or "").strip()
        verb = _vague_verb(description, language)
        if verb:
            advice.append(
                _(
                    "Outcome %(n)s uses “%(verb)s”: say what the participant will do that the tutor can observe "
                    "(prepares, installs, checks, serves…)."
                )
                % {"n": index, "verb": verb}
            )
        elif len(description.split()) < 4:
            advice.append(
                _("Outcome %(n)s is very short: add the conditions and the expected quality.") % {"n": index}
            )
    days = mobility.duration_days
    if len(rows) > realistic_outcome_count(days):
        advice.append(
            _("%(count)s outcomes for %(days)s days is a lot: keep the ones the host can really assess.")
            % {"count": len(rows), "days": days}
        )
    if not rows and not agreement.objectives.strip():
        advice.append(_("Write the objectives and at least one learning outcome."))
    elif not rows:
        advice.append(_("Add learning outcomes: the host tutor evaluates each of them at the end."))
    if not (
        agreement.assessor.strip()
        and agreement.assessment_method.strip()
        and agreement.assessment_timing.strip()
    ):
        advice.append(_("Complete the evaluation procedure: who assesses, how, and when."))
    unit_ids = {u.pk for u in agreement.units.all()}
    covered = {getattr(o, "unit_id", None) for o in rows}
    for unit in agreement.units.all():
        if unit.pk not in covered:
            advice.append(
                _("Unit %(unit)s is assessed abroad but no outcome refers to it.") % {"unit": unit.code}
            )
    if unit_ids and not agreement.recognition_arrangements.strip():
        advice.append(_("Say how the units assessed abroad will be recognised by the centre."))
    if agreement.status == AgreementStatus.SUPERSEDED:
        return []
    return advice
