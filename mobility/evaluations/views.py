"""The referent's pages and actions around tutors, learners and employers.

Every view fetches the mobility through ``mobility_get_for_user`` (another centre's mobility is a
404) and lets the service check the capability (403 when missing).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobility.evaluations import selectors as evaluations
from mobility.evaluations.display import evaluation_display
from mobility.evaluations.forms import RecognitionForm, ReviewForm
from mobility.evaluations.models import EmployerFeedback, EvaluationKind, Recognition
from mobility.evaluations.services import debrief as services_debrief
from mobility.evaluations.services import evaluation as services_evaluation
from mobility.evaluations.services import recognition as services_recognition
from mobility.evaluations.services import reminders as services_reminders
from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as services_links
from mobility.guests.services import notifications as guests
from mobility.mobilities.models import Mobility
from mobility.mobilities.selectors import mobility_get_for_user
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.emails.models import OutboundEmail
from partners.emails.secrets import email_body_redacted
from partners.pages import errors_to_messages, redirect_back, staff_user


def _back(request: HttpRequest, mobility: Mobility) -> HttpResponse:
    return redirect_back(request, guests.mobility_page_url(mobility))


def _can(request: HttpRequest, capability: Capability, mobility: Mobility) -> bool:
    return get_access(request.user).can(capability, mobility.centre_id)


def _link(mobility: Mobility, link_pk: int) -> AccessLink:
    link = AccessLink.objects.filter(pk=link_pk, mobility=mobility).select_related("mobility").first()
    if link is None:
        raise Http404
    return link


# --- Links ----------------------------------------------------------------------------------------
@login_required
@require_POST
def link_invite(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    role = request.POST.get("role", "")
    if role not in GuestRole.values:
        raise Http404
    try:
        link = services_links.access_link_invite(
            mobility=mobility, role=role, acting_user=staff_user(request), request=request
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("The link is on its way to %(name)s (%(email)s), in %(language)s.")
            % {"name": link.person_name, "email": link.email, "language": _language_label(link.language)},
        )
    return _back(request, mobility)


@login_required
@require_POST
def link_resend(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    link = _link(mobility, link_pk)
    try:
        link = services_links.access_link_resend(link=link, acting_user=staff_user(request), request=request)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The link has been sent again to %(email)s.") % {"email": link.email})
    return _back(request, mobility)


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    link = _link(mobility, link_pk)
    services_links.access_link_revoke(link=link, acting_user=staff_user(request), request=request)
    messages.success(
        request, _("The link of %(name)s no longer opens anything.") % {"name": link.person_name}
    )
    return _back(request, mobility)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    try:
        reminder = services_reminders.reminder_send_manual(
            mobility=mobility, acting_user=staff_user(request), request=request
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Reminder sent to %(email)s.") % {"email": reminder.link.email})
    return _back(request, mobility)


def _language_label(code: str) -> str:
    from django.conf import settings

    return str(dict(settings.LANGUAGES).get(code, code))


# --- Review -----------------------------------------------------------------------------------
@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The tutor's evaluation as submitted, with validate / send back for those who may."""
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    evaluation = evaluations.evaluation_get(mobility=mobility, kind=EvaluationKind.TUTOR)
    context: dict[str, Any] = {
        "mobility": mobility,
        "evaluation": evaluation,
        "form": ReviewForm(),
        "can_review": _can(request, Capability.VALIDATE_EVALUATIONS, mobility),
        "self_assessment": evaluations.evaluation_get(mobility=mobility, kind=EvaluationKind.SELF),
        "mobility_url": guests.mobility_page_url(mobility),
    }
    if evaluation is not None:
        context.update(evaluation_display(mobility, evaluation))
        context["missing"] = (
            services_evaluation.evaluation_missing_parts(
                evaluation=evaluation, outcomes=evaluations.evaluation_outcomes(mobility=mobility)
            )
            if evaluation.status in evaluations.EDITABLE
            else []
        )
    return render(request, "mobility/evaluation/review.html", context)


@login_required
@require_POST
def validate(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    evaluation = evaluations.evaluation_get(mobility=mobility, kind=EvaluationKind.TUTOR)
    if evaluation is None:
        raise Http404
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services_evaluation.evaluation_validate(
            evaluation=evaluation,
            acting_user=staff_user(request),
            comment=form.cleaned_data.get("comment", ""),
            request=request,
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The evaluation is validated."))
    return redirect("evaluations:review", pk=mobility.pk)


@login_required
@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    evaluation = evaluations.evaluation_get(mobility=mobility, kind=EvaluationKind.TUTOR)
    if evaluation is None:
        raise Http404
    if not _can(request, Capability.VALIDATE_EVALUATIONS, mobility):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    if not comment.strip():
        # Nothing is sent back without saying why: the page again, the comment field marked.
        form.add_error("comment", _("Say what the tutor should change."))
        context = {
            "mobility": mobility,
            "evaluation": evaluation,
            "form": form,
            "can_review": True,
            "self_assessment": evaluations.evaluation_get(mobility=mobility, kind=EvaluationKind.SELF),
            "mobility_url": guests.mobility_page_url(mobility),
            "missing": [],
            **evaluation_display(mobility, evaluation),
        }
        return render(request, "mobility/evaluation/review.html", context, status=400)
    try:
        services_evaluation.evaluation_send_back(
            evaluation=evaluation, acting_user=staff_user(request), comment=comment, request=request
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The evaluation has been sent back; the tutor is told by e-mail."))
    return redirect("evaluations:review", pk=mobility.pk)


@login_required
@require_GET
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    evaluation = evaluations.evaluation_get(mobility=mobility, kind=EvaluationKind.SELF)
    context: dict[str, Any] = {
        "mobility": mobility,
        "evaluation": evaluation,
        "mobility_url": guests.mobility_page_url(mobility),
    }
    if evaluation is not None:
        context.update(evaluation_display(mobility, evaluation))
    return render(request, "mobility/evaluation/self_assessment.html", context)


@login_required
@require_GET
def employer_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "mobility/evaluation/employer_feedback.html",
        {
            "mobility": mobility,
            "feedback": EmployerFeedback.objects.filter(mobility=mobility).select_related("contact").first(),
            "link": services_links.live_link(mobility=mobility, role=GuestRole.EMPLOYER),
            "mobility_url": guests.mobility_page_url(mobility),
        },
    )


@login_required
@require_POST
def debrief_send(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    try:
        link = services_debrief.employer_debrief_send(
            mobility=mobility, acting_user=staff_user(request), request=request
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The debrief is on its way to %(email)s.") % {"email": link.email})
    return _back(request, mobility)


# --- Recognition ----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def recognition(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    can_decide = _can(request, Capability.VALIDATE_EVALUATIONS, mobility)
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    units = services_recognition.recognition_units(mobility=mobility)
    current = {
        r.unit_id: r for r in Recognition.objects.filter(mobility=mobility).select_related("decided_by")
    }
    form = RecognitionForm(request.POST or None, units=units, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services_recognition.recognition_record(
                mobility=mobility,
                decisions=form.decisions(),
                acting_user=staff_user(request),
                request=request,
            )
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                unit_pk = key.removeprefix("unit-")
                field = f"unit_{unit_pk}_decision" if f"unit_{unit_pk}_decision" in form.fields else None
                for message in errors:
                    form.add_error(field, message)
        else:
            messages.success(request, _("The recognition decisions are recorded."))
            return redirect("evaluations:recognition", pk=mobility.pk)
    return render(
        request,
        "mobility/evaluation/recognition.html",
        {
            "mobility": mobility,
            "form": form,
            "current": current,
            "can_decide": can_decide,
            "after_return": mobility.status in services_recognition.AFTER_RETURN,
            "outcome_results": evaluations.debrief_context(mobility=mobility),
            "mobility_url": guests.mobility_page_url(mobility),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Outbox ---------------------------------------------------------------------------------------
def _outbox_qs(mobility: Mobility):
    return OutboundEmail.objects.filter(related_type=Mobility._meta.label, related_id=str(mobility.pk))


@login_required
@require_GET
def outbox(request: HttpRequest, pk: int) -> HttpResponse:
    """Every e-mail the platform sent about this mobility: to whom, when, in which language."""
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    rows = list(_outbox_qs(mobility).select_related("sent_by").order_by("-created_at", "-id")[:200])
    return render(
        request,
        "mobility/evaluation/outbox.html",
        {"mobility": mobility, "rows": rows, "mobility_url": guests.mobility_page_url(mobility)},
    )


@login_required
@require_GET
def outbox_message(request: HttpRequest, pk: int, email_pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    message = _outbox_qs(mobility).filter(pk=email_pk).select_related("sent_by").first()
    if message is None:
        raise Http404
    return render(
        request,
        "mobility/evaluation/outbox_message.html",
        {
            "mobility": mobility,
            "message": message,
            "body": email_body_redacted(message),
            "mobility_url": guests.mobility_page_url(mobility),
        },
    )
