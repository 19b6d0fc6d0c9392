"""The referent's pages of end-of-stay reports: a mobility's report, the status of a list (per group or
centre), sending now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mobility.mobilities.selectors import MobilityFilters, mobility_get_for_user, mobility_list_for_user
from mobility.quality import selectors
from mobility.quality import services as quality
from mobility.quality.models import ReportStatus
from partners.pages import errors_to_messages, redirect_back, staff_user

#: The list shows at most this many mobilities (the newest ends first).
LIST_LIMIT = 200


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    current = selectors.report_get(mobility=mobility)
    answers = []
    if current is not None:
        answers = sorted(current.answers.all(), key=lambda a: (a.question.order, a.question_id))
    return render(
        request,
        "quality/report.html",
        {"mobility": mobility, "report": current, "answers": answers,
         "is_open": selectors.report_is_open(mobility=mobility)},
    )  # fmt: skip


@login_required
@require_POST
def report_send(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    try:
        quality.report_send_now(mobility=mobility, acting_user=staff_user(request), request=request)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The questionnaire was sent to the participant."))
    return redirect_back(request, reverse("quality:report", args=[mobility.pk]))


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """The status of the end-of-stay reports of the stays that have ended, per group or centre."""
    group = request.GET.get("group", "")
    status = request.GET.get("status", "")
    filters = MobilityFilters(group_id=int(group) if group.isdigit() else None)
    mobilities = list(
        mobility_list_for_user(user=request.user, filters=filters, ordering="-start").filter(
            status__in=selectors.REPORTABLE
        )[:LIST_LIMIT]
    )
    rows = selectors.report_status_rows(mobilities)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ReportStatus.values}
    if status in ReportStatus.values:
        rows = [r for r in rows if r["status"] == status]
    return render(
        request,
        "quality/reports.html",
        {"rows": rows, "counts": counts, "statuses": ReportStatus.choices, "status": status, "group": group},
    )
