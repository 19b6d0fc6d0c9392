"""The referent's home page (dashboard) and the timeline of stays."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from mobility.dashboard import selectors
from mobility.dashboard.forms import TimelineFilterForm
from mobility.groups import selectors as groups_selectors
from mobility.mobilities import selectors as mobilities_selectors
from mobility.mobilities.models import MobilityStatus
from mobility.projects import selectors as projects_selectors
from mobility.recruitment import selectors as recruitment_selectors
from mobility.site.staff import AuthenticatedRequest, paginate, staff_required, visible_centres
from partners.accounts.access import get_access
from partners.accounts.roles import Capability


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    access = get_access(request.user)
    context = {"is_member": access.can(Capability.VIEW)}
    if context["is_member"]:
        context.update(selectors.dashboard_for_user(user=request.user))
        context["can_manage"] = access.can(Capability.MANAGE_LEARNERS)
        context["open_calls"] = recruitment_selectors.open_calls_count(user=request.user)
        context["awaiting_scoring"] = recruitment_selectors.awaiting_scoring_count(user=request.user)
    return render(request, "mobility/dashboard.html", context)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _pct(value: float) -> str:
    # A plain dot decimal whatever the language: it goes into a style attribute.
    return f"{max(0.0, min(100.0, value)):.3f}"


@staff_required
@require_safe
def timeline(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    centres = visible_centres(user)
    groups = list(groups_selectors.group_choices_for_user(user=user))
    projects = list(projects_selectors.project_list_for_user(user=user))
    today = timezone.localdate()
    # What the form shows when nothing is asked: from two months ago, a year long.
    query = request.GET.copy()
    query.setdefault("start", add_months(date(today.year, today.month, 1), -2).strftime("%Y-%m"))
    query.setdefault("months", "12")
    form = TimelineFilterForm(query, centres=centres, groups=groups, projects=projects)
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or add_months(date(today.year, today.month, 1), -2)
    months = data.get("months") or 12
    end = add_months(start, months) - timedelta(days=1)
    total = (end - start).days + 1
    filters = mobilities_selectors.MobilityFilters(
        centre_id=data.get("centre"),
        group_id=data.get("group"),
        project_id=data.get("project"),
        status=data.get("status") or "",
    )
    page = paginate(
        request, selectors.timeline_for_user(user=user, start=start, end=end, filters=filters), 100
    )
    rows = []
    for mobility in page:
        first, last = max(mobility.start, start), min(mobility.end, end)
        rows.append(
            {
                "mobility": mobility,
                "left": _pct((first - start).days / total * 100),
                "width": _pct(max(((last - first).days + 1) / total * 100, 0.6)),
                "cut_start": mobility.start < start,
                "cut_end": mobility.end > end,
            }
        )
    columns = []
    for index in range(months):
        month = add_months(start, index)
        days = (add_months(month, 1) - month).days
        columns.append(
            {
                "month": month,
                "width": _pct(days / total * 100),
                "is_current": month.year == today.year and month.month == today.month,
            }
        )
    params = request.GET.copy()
    params.pop("page", None)
    step = max(1, months // 2)

    def shifted(delta: int) -> str:
        p = params.copy()
        p["start"] = add_months(start, delta).strftime("%Y-%m")
        return p.urlencode()

    return render(
        request,
        "mobility/timeline.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "columns": columns,
            "start": start,
            "end": end,
            "today_left": _pct((today - start).days / total * 100) if start <= today <= end else None,
            "previous_query": shifted(-step),
            "next_query": shifted(step),
            "statuses": MobilityStatus.choices,
            "chart_width": max(months * 84, 480),
        },
    )
