"""Reads of evaluations: a mobility's evaluation of one kind, the outcomes it assesses, whether it is open."""

from __future__ import annotations

from typing import Any

from mobility.agreements.models import AgreementOutcome
from mobility.evaluations.models import (
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    OutcomeResult,
)
from mobility.mobilities.models import Mobility, MobilityStatus

#: Who may still write: a draft, or an evaluation the referent sent back.
EDITABLE = (EvaluationStatus.DRAFT, EvaluationStatus.RETURNED)

#: Mobility statuses in which the evaluation can be submitted (the last days of the stay count).
EVALUABLE = (MobilityStatus.IN_PROGRESS, MobilityStatus.COMPLETED, MobilityStatus.INTERRUPTED)


# --- Reading ------------------------------------------------------------------------------------
def evaluation_outcomes(*, mobility: Mobility) -> list[AgreementOutcome]:
    """The learning outcomes of the current learning agreement, in order."""
    agreement = mobility.agreements.exclude(status="superseded").order_by("-version").first()
    if agreement is None:
        agreement = mobility.agreements.order_by("-version").first()
    if agreement is None:
        return []
    return list(agreement.outcomes.select_related("unit").order_by("order", "id"))


def evaluation_get(*, mobility: Mobility, kind: str) -> Evaluation | None:
    return (
        Evaluation.objects.filter(mobility=mobility, kind=kind)
        .prefetch_related("assessments")
        .select_related("reviewed_by")
        .first()
    )


def evaluation_is_open(*, mobility: Mobility) -> bool:
    """Whether the evaluation can be filled in and submitted: the placement has started and is not over
    administratively."""
    return mobility.status in EVALUABLE


def debrief_context(*, mobility: Mobility) -> dict[str, Any]:
    """What the employer reads: outcomes achieved and the tutor's summary (no other personal data)."""
    evaluation = evaluation_get(mobility=mobility, kind=EvaluationKind.TUTOR)
    outcomes = evaluation_outcomes(mobility=mobility)
    results = {a.outcome_id: a for a in evaluation.assessments.all()} if evaluation else {}
    rows = [(o, results.get(o.pk)) for o in outcomes]
    return {
        "evaluation": evaluation,
        "outcome_rows": rows,
        "achieved": sum(1 for _o, a in rows if a and a.result == OutcomeResult.ACHIEVED),
        "partly": sum(1 for _o, a in rows if a and a.result == OutcomeResult.PARTLY),
        "outcome_total": len(rows),
    }
