"""What quality and care keep about a learner, for the archive and the erasure (``mobility.privacy``).

An erasure keeps the counts (an incident's kind, severity and date; the ratings of an end-of-stay
report) and removes every text that may describe the person: what happened, actions, who was told,
the place; the report's comments.
"""

from __future__ import annotations

from typing import Any

from mobility.care.models import Incident
from mobility.privacy.holders import Attach, Drop, Holder
from mobility.quality.models import QuestionKind, ReportAnswer

ERASED = "—"


def _busy(mobility_ids: list[int]) -> str | None:
    return None


def _erase(mobility_ids: list[int], drop: Drop) -> int:
    incidents = Incident.objects.filter(mobility_id__in=mobility_ids)
    kept = incidents.update(description=ERASED, actions="", informed="", place=ERASED)
    ReportAnswer.objects.filter(
        report__mobility_id__in=mobility_ids, question__kind=QuestionKind.TEXT
    ).update(text="")
    return kept


def _export(mobility: Any, attach: Attach) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"incident": i.pk, "kind": i.kind, "severity": i.severity, "date": i.occurred_on.isoformat(),
         "place": i.place, "what_happened": i.description, "actions": i.actions, "informed": i.informed}
        for i in mobility.incidents.all()
    ]  # fmt: skip
    report = getattr(mobility, "participant_report", None)
    if report is not None and report.answered_at:
        rows.append({"end_of_stay_report": report.answered_at.isoformat(),
                     "answers": {a.question.code: a.rating if a.rating is not None else (a.yes_no if a.yes_no is not None else a.text)
                                 for a in report.answers.select_related("question")}})  # fmt: skip
    return rows


QUALITY_AND_CARE = Holder(
    name="quality_and_care", busy=_busy, erase=_erase, export=_export, prefetch=("incidents",)
)
