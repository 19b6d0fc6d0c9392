"""The referent's pages of end-of-stay reports: a mobility's report, the status of a list (per group or
centre), sending now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobility.mobilities.selectors import MobilityFilters, mobility_get_for_user, mobility_list_for_user
from mobility.quality import record, selectors
from mobility.quality import services as quality
from mobility.quality.forms import HostStatusForm, LabelForm, PlacementCheckForm
from mobility.quality.models import PlacementCheck, ReportStatus
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.directory.selectors import organisation_get_for_user
from partners.pages import errors_to_form, errors_to_messages, redirect_back, staff_user
from partners.quality import services as partner_quality

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


# --- The quality record of an organisation ----------------------------------------------------------
def _record_page(
    request: HttpRequest, organisation: Any, status_form: Any = None, label_form: Any = None
) -> HttpResponse:
    context = record.quality_record(user=request.user, organisation=organisation)
    current = context["status"]
    return render(
        request,
        "quality/organisation_record.html",
        {**context, "organisation": organisation,
         "can_judge": partner_quality.can_judge(user=request.user, organisation=organisation),
         "status_form": status_form or HostStatusForm(initial={"status": current.status, "reason": current.reason} if current else None),
         "label_form": label_form or LabelForm()},
    )  # fmt: skip


@login_required
@require_GET
def organisation_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_page(request, organisation_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def organisation_status(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get_for_user(user=request.user, pk=pk)
    form = HostStatusForm(request.POST)
    if form.is_valid():
        try:
            partner_quality.host_status_set(organisation=organisation, status=form.cleaned_data["status"],
                                            reason=form.cleaned_data["reason"], acting_user=staff_user(request),
                                            request=request)  # fmt: skip
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The quality status is saved."))
            return redirect("quality:organisation", pk=organisation.pk)
    elif not partner_quality.can_judge(user=request.user, organisation=organisation):
        raise PermissionDenied
    return _record_page(request, organisation, status_form=form)


@login_required
@require_POST
def organisation_label(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get_for_user(user=request.user, pk=pk)
    form = LabelForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            partner_quality.label_add(organisation=organisation, data=form.cleaned_data,
                                      scan=form.cleaned_data.get("scan"), acting_user=staff_user(request),
                                      request=request)  # fmt: skip
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The label is recorded."))
            return redirect("quality:organisation", pk=organisation.pk)
    elif not partner_quality.can_judge(user=request.user, organisation=organisation):
        raise PermissionDenied
    return _record_page(request, organisation, label_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def placement_check(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    items = record.check_items_for(mobility=mobility)
    current = PlacementCheck.objects.filter(mobility=mobility).prefetch_related("answers").first()
    initial = {f"item{a.item_id}": a.answer for a in current.answers.all()} if current else {}
    if current:
        initial["comment"] = current.comment
    form = PlacementCheckForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST":
        if not get_access(request.user).can(Capability.MANAGE_LEARNERS, mobility.centre_id):
            raise PermissionDenied
        if form.is_valid():
            try:
                record.placement_check_save(mobility=mobility, answers=form.cleaned_data,
                                            comment=form.cleaned_data.get("comment", ""),
                                            acting_user=staff_user(request), request=request)  # fmt: skip
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("The quality checklist is saved."))
                if mobility.host_organisation_id:
                    return redirect("quality:organisation", pk=mobility.host_organisation_id)
                return redirect("quality:report", pk=mobility.pk)
    return render(
        request, "quality/placement_check.html", {"mobility": mobility, "form": form, "current": current}
    )
