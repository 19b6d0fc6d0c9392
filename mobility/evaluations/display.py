"""What a filled-in evaluation shows, read-only: on the guest pages and on the referent's review."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from mobility.evaluations import selectors as evaluations_selectors
from mobility.evaluations.models import Evaluation
from mobility.evaluations.services import evaluation as evaluations
from mobility.guests.services import actions as guests
from mobility.guests.views.pages import agreement_shown
from mobility.mobilities.models import Mobility


def outcomes_in_language(mobility: Mobility) -> list[tuple[Any, str]]:
    outcomes = evaluations_selectors.evaluation_outcomes(mobility=mobility)
    agreement = agreement_shown(mobility)
    if not outcomes or agreement is None:
        return [(o, o.description) for o in outcomes]
    text = guests.agreement_text(agreement=agreement, language=translation.get_language())
    return [(o, text.outcomes.get(o.pk, o.description)) for o in outcomes]


def evaluation_display(mobility: Mobility, current: Evaluation) -> dict[str, Any]:
    """What the read-only evaluation shows, shared with the referent's review page."""
    outcomes = outcomes_in_language(mobility)
    results = {a.outcome_id: a for a in current.assessments.all()}
    digital = current.digital_skills or {}
    from mobility.evaluations.models import DIGCOMP_AREAS, DigcompLevel

    return {
        "evaluation": current,
        "outcome_rows": [(o, text, results.get(o.pk)) for o, text in outcomes],
        "language_rows": [
            {"name": evaluations.language_name(row.get("language", "")), **row}
            for row in current.language_skills or []
        ],
        "digital_rows": [
            (label, DigcompLevel(digital[key]).label if digital.get(key) in DigcompLevel.values else "")
            for key, label in DIGCOMP_AREAS
        ],
        "host": mobility.host_organisation,
    }
