"""Reads of end-of-stay reports: the questions a mobility's participant is asked, its report, the status
of a list of mobilities."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.quality.models import ParticipantReport, ReportQuestion, ReportStatus
from partners.directory.models import Organisation

#: A stay in one of these statuses has taken place (entirely or in part): its participant reports.
REPORTABLE = (
    MobilityStatus.IN_PROGRESS,
    MobilityStatus.COMPLETED,
    MobilityStatus.INTERRUPTED,
    MobilityStatus.EVALUATED,
    MobilityStatus.CERTIFIED,
)


def networks_of(centre_id: int) -> list[int]:
    """The centre and every organisation above it (a chamber, a network), nearest first."""
    chain: list[int] = []
    current: int | None = centre_id
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = Organisation.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return chain


def report_questions_for(*, mobility: Mobility) -> list[ReportQuestion]:
    """The active questions: those asked everywhere and those of the centre's networks."""
    return list(
        ReportQuestion.objects.filter(active=True)
        .filter(Q(network__isnull=True) | Q(network_id__in=networks_of(mobility.centre_id)))
        .order_by("order", "id")
    )


def report_is_open(*, mobility: Mobility, today: date | None = None) -> bool:
    """The questionnaire opens on the last day of the stay (never before)."""
    today = today or timezone.localdate()
    return mobility.status in REPORTABLE and mobility.end <= today


def report_get(*, mobility: Mobility) -> ParticipantReport | None:
    return (
        ParticipantReport.objects.filter(mobility=mobility)
        .prefetch_related("answers", "answers__question")
        .first()
    )


def report_status_rows(mobilities: list[Mobility]) -> list[dict[str, Any]]:
    """Each mobility with its report's status (not sent, sent, answered): one query for all."""
    reports = {r.mobility_id: r for r in ParticipantReport.objects.filter(mobility__in=mobilities)}
    rows = []
    for mobility in mobilities:
        report = reports.get(mobility.pk)
        status = report.status if report else ReportStatus.NOT_SENT
        rows.append({"mobility": mobility, "report": report, "status": status,
                     "status_label": ReportStatus(status).label})  # fmt: skip
    return rows
