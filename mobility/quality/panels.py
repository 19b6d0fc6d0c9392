"""The end-of-stay report on the mobility's page (referent) and as a step on the learner's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from mobility.guests.models import GuestRole
from mobility.mobilities.models import Mobility
from mobility.mobilities.selectors import read_along
from mobility.quality import selectors
from mobility.quality.models import ParticipantReport, ReportStatus
from partners import panels
from partners.accounts.access import get_access
from partners.accounts.roles import Capability


@panels.register("mobility_detail", order=45)
def report_panel(request: HttpRequest, mobility: Mobility) -> str | None:
    if not get_access(request.user).can(Capability.VIEW, mobility.centre_id):
        return None
    report = read_along(mobility, "participant_report", ParticipantReport)
    status = report.status if report else ReportStatus.NOT_SENT
    return render_to_string(
        "quality/_panel_mobility.html",
        {"mobility": mobility, "report": report, "status": status, "status_label": ReportStatus(status).label,
         "is_open": selectors.report_is_open(mobility=mobility)},
        request=request,
    )  # fmt: skip


@panels.register("guest_mobility", order=50)
def guest_report_panel(request: HttpRequest, grant: Any) -> str | None:
    """The end-of-stay questionnaire in the learner's space, once the stay has ended."""
    if grant.role != GuestRole.LEARNER:
        return None
    mobility = Mobility.objects.filter(pk=grant.mobility_id).first()
    if mobility is None or not selectors.report_is_open(mobility=mobility):
        return None
    return render_to_string(
        "quality/_panel_guest.html",
        {"mobility": mobility, "report": selectors.report_get(mobility=mobility)},
        request=request,
    )


@panels.register("organisation_detail", order=15)
def organisation_quality_panel(request: HttpRequest, organisation: Any) -> str | None:
    if not get_access(request.user).is_member:
        return None
    from partners.quality import selectors as partner_quality

    return render_to_string(
        "quality/_panel_organisation.html",
        {"organisation": organisation, "status": partner_quality.host_status_of(organisation_id=organisation.pk),
         "labels": partner_quality.labels_of(organisation_id=organisation.pk)},
        request=request,
    )  # fmt: skip


@panels.register("group_detail", order=45)
def group_reports_panel(request: HttpRequest, group: Any) -> str | None:
    """How many of the group's participants answered their end-of-stay report."""
    if not get_access(request.user).can(Capability.VIEW, group.centre_id):
        return None
    mobilities = list(Mobility.objects.filter(group=group, status__in=selectors.REPORTABLE))
    if not mobilities:
        return None
    rows = selectors.report_status_rows(mobilities)
    counts = [(label, sum(1 for r in rows if r["status"] == value)) for value, label in ReportStatus.choices]
    return render_to_string("quality/_panel_group.html", {"group": group, "counts": counts}, request=request)
