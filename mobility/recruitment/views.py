"""The referent's recruitment pages: calls (places, grid, status), the ranking, an application with its
scores and decision, allocation, appeals, the step to a mobility or a group, and the selection report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from mobility.evaluations.models import CEFR_SKILLS
from mobility.mobilities import selectors as mobilities_selectors
from mobility.projects.models import Project
from mobility.recruitment import forms, reports, selectors
from mobility.recruitment.history import application_history, describe
from mobility.recruitment.models import ApplicationStatus, CallStatus
from mobility.recruitment.services import calls as call_services
from mobility.recruitment.services import enrolment, files, publishing, selection
from mobility.site.staff import (
    AuthenticatedRequest,
    can_manage,
    manageable_centres,
    may_create,
    paginate,
    require_manage,
    staff_required,
)
from partners.accounts.access import get_access
from partners.pages import errors_to_form


def _error_messages(request: AuthenticatedRequest, exc: ValidationError) -> None:
    for msg in (
        (m for msgs in exc.message_dict.values() for m in msgs)
        if hasattr(exc, "error_dict")
        else exc.messages
    ):
        messages.error(request, msg)


@staff_required
@require_safe
def call_list(request: AuthenticatedRequest) -> HttpResponse:
    calls = selectors.call_list_for_user(user=request.user)
    return render(
        request,
        "recruitment/call_list.html",
        {"page": paginate(request, calls), "can_create": may_create(request.user)},
    )


def _projects(request: AuthenticatedRequest) -> object:
    return Project.objects.filter(
        organisation_id__in=get_access(request.user).centre_ids | get_access(request.user).network_ids
    ).order_by("title")


@staff_required
def call_create(request: AuthenticatedRequest) -> HttpResponse:
    centres = manageable_centres(request.user)
    if not centres:
        raise PermissionDenied
    wanted = request.POST.get("centre") or request.GET.get("centre")
    centre = next((c for c in centres if str(c.pk) == str(wanted)), centres[0])
    form = forms.CallForm(request.POST or None, projects=_projects(request))
    if request.method == "POST" and form.is_valid():
        try:
            call = call_services.call_create(
                centre=centre, data=form.service_data(), acting_user=request.user, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Call created as a draft: add its places and criteria, then open it.")
            )
            return redirect("mobility:call-detail", pk=call.pk)
    return render(
        request,
        "recruitment/call_form.html",
        {"form": form, "call": None, "centres": centres, "centre": centre},
        status=400 if form.errors else 200,
    )


@staff_required
def call_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    require_manage(request, call.centre_id)
    form = forms.CallForm(request.POST or None, instance=call, projects=_projects(request))
    if request.method == "POST" and form.is_valid():
        try:
            call_services.call_update(
                call=call, data=form.service_data(), acting_user=request.user, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Call saved."))
            return redirect("mobility:call-detail", pk=call.pk)
    return render(
        request,
        "recruitment/call_form.html",
        {"form": form, "call": call},
        status=400 if form.errors else 200,
    )


def _call_page(
    request: AuthenticatedRequest,
    call: object,
    *,
    place_form: object = None,
    criterion_form: object = None,
    status: int = 200,
) -> HttpResponse:
    manage = can_manage(request, call.centre_id)
    hosts = mobilities_selectors.directory_for_user(
        user=request.user, kinds=mobilities_selectors.HOST_KINDS
    ).order_by("name")
    applications = list(
        selectors.application_list_for_user(user=request.user, call=call).prefetch_related("preferences")
    )
    places = list(call.places.select_related("host_organisation"))
    for place in places:
        place.taken = sum(
            1 for a in applications if a.place_id == place.pk and a.status == ApplicationStatus.SELECTED
        )
    return render(
        request,
        "recruitment/call_detail.html",
        {
            "call": call,
            "places": places,
            "criteria": list(call.criteria.all()),
            "applications": applications,
            "can_manage": manage,
            "place_form": place_form or forms.PlaceForm(hosts=hosts),
            "criterion_form": criterion_form or forms.CriterionForm(),
            "transitions": [(s, CallStatus(s).label) for s in call_services.CALL_TRANSITIONS[call.status]],
            "tie_break": _(selection.TIE_BREAK),
            "public_url": request.build_absolute_uri(f"/apply/{call.public_key}/"),
            "learners": _learners_told(call),
        },
        status=status,
    )


def _learners_told(call: object) -> dict[str, object]:
    """Who of the centres' eligible learners was told of the call, when, and who cannot be reached."""
    notices = list(selectors.call_notices(call=call).values_list("learner_id", "told_at"))
    told = {learner_id for learner_id, _at in notices}
    eligible = selectors.call_eligible_learners(call=call) if call.status == CallStatus.OPEN else []
    waiting = [learner for learner in eligible if learner.pk not in told]
    return {
        "told": len(notices),
        "last_told_at": max((at for _id, at in notices), default=None),
        "to_tell": sum(1 for learner in waiting if learner.email),
        "unreachable": [learner for learner in waiting if not learner.email],
    }


@staff_required
@require_safe
def call_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _call_page(request, selectors.call_get_for_user(user=request.user, pk=pk))


@staff_required
@require_POST
def call_place_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    require_manage(request, call.centre_id)
    hosts = mobilities_selectors.directory_for_user(user=request.user, kinds=mobilities_selectors.HOST_KINDS)
    form = forms.PlaceForm(request.POST, hosts=hosts)
    return _call_form_post(request, call, form, call_services.place_add, _("Places added."), "place_form")


@staff_required
@require_POST
def call_criterion_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    require_manage(request, call.centre_id)
    form = forms.CriterionForm(request.POST)
    return _call_form_post(
        request, call, form, call_services.criterion_add, _("Criterion added."), "criterion_form"
    )


def _call_form_post(request, call, form, save, done: str, form_name: str) -> HttpResponse:
    """A form posted on a call's page: saved at once or not at all, then back to the page, or the
    page again with the form's errors (named ``form_name`` in its context)."""
    if form.is_valid():
        try:
            save(call=call, data=form.cleaned_data, acting_user=request.user, request=request)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("mobility:call-detail", pk=call.pk)
    return _call_page(request, call, **{form_name: form}, status=400)


@staff_required
@require_POST
def call_transition(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    require_manage(request, call.centre_id)
    try:
        call_services.call_transition(
            call=call, to_status=request.POST.get("status", ""), acting_user=request.user, request=request
        )
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Call status changed."))
    return redirect("mobility:call-detail", pk=call.pk)


@staff_required
@require_POST
def call_tell_learners(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    require_manage(request, call.centre_id)
    try:
        result = publishing.call_tell_learners(call=call, acting_user=request.user, request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("mobility:call-detail", pk=call.pk)
    told = ngettext("%(n)s learner told by e-mail.", "%(n)s learners told by e-mail.", result.told)
    already = ngettext("%(n)s had been told already.", "%(n)s had been told already.", result.already)
    messages.success(
        request,
        told % {"n": result.told} + (" " + already % {"n": result.already} if result.already else ""),
    )
    if result.unreachable:
        messages.warning(
            request,
            _("Not reachable (no e-mail address): %(names)s.")
            % {"names": ", ".join(learner.full_name for learner in result.unreachable)},
        )
    return redirect("mobility:call-detail", pk=call.pk)


@staff_required
@require_POST
def call_allocate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    require_manage(request, call.centre_id)
    try:
        result = selection.call_allocate(call=call, acting_user=request.user, request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _(
                "%(selected)s selected, %(waiting)s on the waiting list, %(blocked)s to decide by hand (agreement missing or not eligible)."
            )
            % result.__dict__,
        )
    return redirect("mobility:call-detail", pk=call.pk)


@staff_required
@require_POST
def call_group(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    require_manage(request, call.centre_id)
    ids = [int(v) for v in request.POST.getlist("applications") if v.isdigit()]
    chosen = list(selectors.application_list_for_user(user=request.user, call=call).filter(pk__in=ids))
    try:
        group = enrolment.applications_to_group(
            applications=chosen, name=request.POST.get("name", ""), acting_user=request.user, request=request
        )
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("mobility:call-detail", pk=call.pk)
    messages.success(request, _("Group planned with %(n)s mobilities.") % {"n": len(chosen)})
    return redirect("mobility:group-detail", pk=group.pk)


@staff_required
@require_safe
def call_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    report = reports.selection_report(
        call=call, applications=list(selectors.application_list_for_user(user=request.user, call=call))
    )
    return render(
        request,
        "recruitment/call_report.html",
        {"call": call, "report": report, "tie_break": _(selection.TIE_BREAK)},
    )


@staff_required
@require_safe
def call_report_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, pk=pk)
    if not get_access(request.user).can("export_data", call.centre_id):
        raise PermissionDenied
    data = reports.selection_report_xlsx(
        call=call,
        applications=list(selectors.application_list_for_user(user=request.user, call=call)),
        user=request.user,
        request=request,
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="selection-{call.pk}.xlsx"'
    return response


@staff_required
@require_POST
def call_report_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The selection report as a PDF: an export job a worker renders, downloaded from the export's page."""
    from mobility.data.exports.jobs import export_job_request
    from mobility.data.models import ExportKind, FileFormat

    call = selectors.call_get_for_user(user=request.user, pk=pk)
    if not get_access(request.user).can("export_data", call.centre_id):
        raise PermissionDenied
    try:
        job = export_job_request(
            user=request.user,
            kind=ExportKind.SELECTION,
            file_format=FileFormat.PDF,
            params={"call_id": call.pk, "centre": call.centre_id},
            scope_label=_("Selection report: %(title)s") % {"title": call.title},
            request=request,
        )
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("mobility:call-report", pk=call.pk)
    return redirect("data:export-detail", pk=job.pk)


# --- One application ------------------------------------------------------------------------------
def _application_page(
    request: AuthenticatedRequest,
    application: object,
    *,
    score_form: object = None,
    decision_form: object = None,
    appeal_form: object = None,
    status: int = 200,
) -> HttpResponse:
    scores = list(application.scores.all())
    return render(
        request,
        "recruitment/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "scores": scores,
            "blockers": selection.blockers(application),
            "cefr": [
                (label, application.cefr.get(code))
                for code, label in CEFR_SKILLS
                if application.cefr.get(code)
            ],
            "can_manage": can_manage(request, application.centre_id),
            "score_form": score_form or forms.ScoreForm(application=application),
            "decision_form": decision_form or forms.DecisionForm(application=application),
            "appeal_form": appeal_form or forms.AppealDecisionForm(),
            "history": describe(application_history(application=application)),
        },
        status=status,
    )


@staff_required
@require_safe
def application_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _application_page(request, selectors.application_get_for_user(user=request.user, pk=pk))


def _application_act(
    request: AuthenticatedRequest,
    pk: int,
    *,
    form_class: Any,
    form_name: str,
    act: Callable[[Any, dict[str, Any]], object],
    done: str,
    with_application: bool = True,
) -> HttpResponse:
    """A referent's form on an application: scoped and checked, ``act(application, cleaned_data)``
    done at once or not at all; back to the page, or the page again with the form's errors."""
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    require_manage(request, application.centre_id)
    form = form_class(request.POST, **({"application": application} if with_application else {}))
    if form.is_valid():
        try:
            act(application, form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("mobility:application-detail", pk=application.pk)
    return _application_page(request, application, status=400, **{form_name: form})


@staff_required
@require_POST
def application_score(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(application: Any, data: dict[str, Any]) -> object:
        return selection.score_record(
            application=application, criterion=data["criterion"], points=data["points"],
            comment=data["comment"], acting_user=request.user, request=request,
        )  # fmt: skip

    return _application_act(
        request, pk, form_class=forms.ScoreForm, form_name="score_form", act=act, done=_("Score saved.")
    )


@staff_required
@require_POST
def application_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(application: Any, data: dict[str, Any]) -> object:
        return selection.application_decide(
            application=application, status=data["status"], reason=data["reason"], place=data["place"],
            acting_user=request.user, request=request,
        )  # fmt: skip

    return _application_act(
        request, pk, form_class=forms.DecisionForm, form_name="decision_form", act=act,
        done=_("Decision recorded; the candidate is told by e-mail."),
    )  # fmt: skip


@staff_required
@require_POST
def application_appeal_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(application: Any, data: dict[str, Any]) -> object:
        return selection.appeal_decide(
            application=application, outcome=data["outcome"], reason=data["appeal_reason"],
            acting_user=request.user, request=request,
        )  # fmt: skip

    return _application_act(
        request, pk, form_class=forms.AppealDecisionForm, form_name="appeal_form", act=act,
        done=_("Appeal decided."), with_application=False,
    )  # fmt: skip


@staff_required
@require_POST
def application_to_mobility(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    require_manage(request, application.centre_id)
    try:
        mobility = enrolment.application_to_mobility(
            application=application, acting_user=request.user, request=request
        )
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("mobility:application-detail", pk=application.pk)
    messages.success(request, _("Mobility planned from the application."))
    return redirect("mobility:mobility-detail", pk=mobility.pk)


@staff_required
@require_safe
def application_file(request: AuthenticatedRequest, pk: int, file_pk: int) -> FileResponse:
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    item = get_object_or_404(application.files.all(), pk=file_pk)
    if not item.file:
        raise Http404
    return FileResponse(
        files.application_file_download(item=item, acting_user=request.user, request=request),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
