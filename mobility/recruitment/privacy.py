"""What recruitment keeps about a learner, for the learner's archive and the erasure (registered with
``mobility.privacy.holders`` in ``MobilityConfig.ready``).

An application is found through the learner's mobilities: the one it became, and every application
matched to the same learner. Erased: the application (answers, files, scores, links); kept: nothing
but the audit log's entries, which never hold the content.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mobility.mobilities.models import Mobility
from mobility.privacy.holders import Attach, Drop, Holder
from mobility.recruitment.models import Application


def _applications(mobility_ids: list[int]) -> Any:
    learners = Mobility.objects.filter(pk__in=mobility_ids).values("participant_id")
    return Application.objects.filter(Q(mobility_id__in=mobility_ids) | Q(learner_id__in=learners))


def applications_busy(mobility_ids: list[int]) -> str | None:
    return None


def applications_erase(mobility_ids: list[int], drop: Drop) -> int:
    """The applications and their files go entirely."""
    for application in _applications(mobility_ids).prefetch_related("files"):
        for item in application.files.all():
            drop(item.file)
        application.delete()
    return 0


def applications_export(mobility: Any, attach: Attach) -> list[dict[str, Any]]:
    """The applications of the mobility's learner, with their answers and files, in the archive."""
    rows = []
    for application in Application.objects.filter(learner_id=mobility.participant_id).prefetch_related(
        "files", "scores"
    ):
        if application.mobility_id not in (None, mobility.pk):
            continue
        rows.append(
            {
                "call": application.call.title,
                "submitted_at": application.submitted_at,
                "status": application.status,
                "motivation": application.motivation,
                "language_self_assessment": application.cefr,
                "decision_reason": application.decision_reason,
                "appeal": application.appeal_text,
                "employer_answer": application.employer_answer,
                "guardian_answer": application.guardian_answer,
                "scores": [{"points": s.points, "comment": s.comment} for s in application.scores.all()],
                "files": [attach("applications", f.file, f.original_name) for f in application.files.all()],
            }
        )
    return rows


APPLICATIONS = Holder(
    name="applications", busy=applications_busy, erase=applications_erase, export=applications_export
)
