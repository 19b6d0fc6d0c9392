"""The tutor's evaluation, the learner's self-assessment and the employer's feedback, on the guest pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mobility.evaluations import selectors as evaluations_selectors
from mobility.evaluations.display import evaluation_display, outcomes_in_language
from mobility.evaluations.forms import EvaluationForm
from mobility.evaluations.models import EmployerFeedback, EvaluationKind
from mobility.evaluations.services import debrief as services_debrief
from mobility.evaluations.services import evaluation as evaluations
from mobility.guests.forms import (
    FeedbackForm,
)
from mobility.guests.models import GuestRole
from mobility.guests.services import actions as guests
from mobility.guests.services.sessions import Grant, guest_mobility_get, guest_required
from mobility.guests.views.pages import EMPLOYER, WRITERS, agreement_shown
from mobility.mobilities.models import Mobility
from partners.pages import errors_to_form


# --- Evaluation (tutor) and self-assessment (learner) -------------------------------------------------
def _kind(grant: Grant) -> str:
    return EvaluationKind.TUTOR if grant.role == GuestRole.TUTOR else EvaluationKind.SELF


def _default_language(mobility: Mobility) -> str:
    agreement = agreement_shown(mobility)
    code = (agreement.placement_language if agreement else "") or mobility.main_language
    if not code:
        code = {"DE": "de", "AT": "de", "ES": "es", "IT": "it", "FR": "fr", "IE": "en", "MT": "en", "PT": "pt",
                "NL": "nl", "BE": "fr", "PL": "pl", "SE": "sv", "FI": "fi", "DK": "da", "CZ": "cs", "GB": "en",
                "GR": "el", "HU": "hu", "RO": "ro", "SK": "sk", "SI": "sl", "HR": "hr"}.get(str(mobility.host_country), "")  # fmt: skip
    return code if code in evaluations.SKILL_LANGUAGES else ""


@guest_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=WRITERS)  # type: ignore[attr-defined]
    kind = _kind(grant)
    current = evaluations_selectors.evaluation_get(mobility=mobility, kind=kind)
    if current is not None and current.status not in evaluations_selectors.EDITABLE:
        if request.method == "POST":
            messages.info(request, _("This evaluation had already been submitted: it is kept as it was."))
        return redirect("guest:evaluation_view", pk=mobility.pk)
    if not evaluations_selectors.evaluation_is_open(mobility=mobility):
        return render(request, "guest/evaluation_closed.html", {"mobility": mobility, "grant": grant})
    outcomes = outcomes_in_language(mobility)
    form = EvaluationForm(
        request.POST or None,
        outcomes=outcomes,
        kind=kind,
        instance=current,
        default_language=_default_language(mobility),
        attendance=(
            mobility.actual_start or mobility.planned_start,
            mobility.actual_end or mobility.planned_end,
        )
        if kind == EvaluationKind.TUTOR
        else (None, None),
        signatory=(mobility.host_tutor.full_name, mobility.host_tutor.position)
        if kind == EvaluationKind.TUTOR and mobility.host_tutor is not None
        else ("", ""),
    )
    missing: list[evaluations.MissingPart] = []
    missing_links: list[tuple[str, str]] = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if form.is_valid():
            values, assessments = form.service_data()
            try:
                current = evaluations.evaluation_save_draft(
                    mobility=mobility,
                    kind=kind,
                    data=values,
                    assessments=assessments,
                    author_name=grant.name,
                    language=translation.get_language() or grant.language,
                    actor_label=grant.label,
                    request=request,
                )
            except evaluations.EvaluationLocked:
                messages.info(request, _("This evaluation had already been submitted: it is kept as it was."))
                return redirect("guest:evaluation_view", pk=mobility.pk)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                if action != "submit":
                    messages.success(
                        request,
                        _(
                            "Draft saved at %(time)s. You can come back and finish it later with the same link."
                        )
                        % {"time": timezone.localtime().strftime("%H:%M")},
                    )
                    return redirect("guest:evaluation", pk=mobility.pk)
                try:
                    evaluations.evaluation_submit(
                        mobility=mobility,
                        kind=kind,
                        actor_label=grant.label,
                        link=grant.link,
                        request=request,
                    )
                except ValidationError as exc:
                    current.refresh_from_db()
                    missing = evaluations.evaluation_missing_parts(
                        evaluation=current,
                        outcomes=[o for o, _t in outcomes],
                        texts={o.pk: t for o, t in outcomes},
                    ) or [evaluations.MissingPart("", m) for m in exc.messages]
                    missing_links = form.mark_missing(missing)
                else:
                    messages.success(
                        request, _("Thank you: your evaluation has been sent to the training centre.")
                    )
                    return redirect("guest:evaluation_view", pk=mobility.pk)
    agreement = agreement_shown(mobility)
    text = (
        guests.agreement_text(agreement=agreement, language=translation.get_language()) if agreement else None
    )
    return render(
        request,
        "guest/evaluation_form.html",
        {
            "mobility": mobility,
            "grant": grant,
            "form": form,
            "evaluation": current,
            "missing": missing,
            "missing_links": missing_links,
            "text": text,
        },
    )


@guest_required
@require_GET
def evaluation_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitted evaluation, read-only and printable."""
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=WRITERS)  # type: ignore[attr-defined]
    current = evaluations_selectors.evaluation_get(mobility=mobility, kind=_kind(grant))
    if current is None or current.status in evaluations_selectors.EDITABLE:
        return redirect("guest:evaluation", pk=mobility.pk)
    return render(
        request,
        "guest/evaluation_view.html",
        {"mobility": mobility, "grant": grant, **evaluation_display(mobility, current)},
    )


# --- Sending employer -------------------------------------------------------------------------------
@guest_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=EMPLOYER)  # type: ignore[attr-defined]
    existing = EmployerFeedback.objects.filter(mobility=mobility).first()
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services_debrief.employer_feedback_submit(
                mobility=mobility, grant=grant, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("guest:feedback", pk=mobility.pk)
    elif request.method == "POST" and existing is not None:
        messages.info(request, _("Your feedback had already been recorded: thank you."))
        return redirect("guest:feedback", pk=mobility.pk)
    debrief = evaluations_selectors.debrief_context(mobility=mobility)
    outcomes = dict(outcomes_in_language(mobility))
    return render(
        request,
        "guest/feedback.html",
        {
            "mobility": mobility,
            "grant": grant,
            "form": form,
            "feedback": existing,
            **debrief,
            "outcome_rows": [(o, outcomes.get(o.pk, o.description), a) for o, a in debrief["outcome_rows"]],
        },
    )
