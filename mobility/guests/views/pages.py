"""The guest's pages of one mobility: home, summary, placement confirmation, agreement, follow-ups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mobility.agreements.models import AgreementStatus, Party
from mobility.catalogue.models import Assignee
from mobility.evaluations import selectors as evaluations
from mobility.evaluations.models import EmployerFeedback, Evaluation, EvaluationKind, EvaluationStatus
from mobility.guests.forms import (
    ConfirmationForm,
    FollowUpForm,
    SignatureForm,
)
from mobility.guests.models import GuestRole, HostConfirmation
from mobility.guests.services import actions as guests
from mobility.guests.services.sessions import Grant, guest_mobility_get, guest_required
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.tracking.models import ChecklistItem
from partners.pages import errors_to_form

TUTOR = (GuestRole.TUTOR,)

LEARNER = (GuestRole.LEARNER,)

EMPLOYER = (GuestRole.EMPLOYER,)

WRITERS = (GuestRole.TUTOR, GuestRole.LEARNER)


# --- Entering ---------------------------------------------------------------------------------
PROBLEM_STATUS = {"unknown": 404, "tampered": 404, "expired": 410, "revoked": 410}


# --- Home and summary -------------------------------------------------------------------------
@guest_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    grants = request.guest.grants  # type: ignore[attr-defined]
    if len(grants) == 1:
        return redirect("guest:mobility", pk=next(iter(grants)))
    mobilities = (
        Mobility.objects.filter(pk__in=list(grants))
        .select_related("participant", "host_organisation", "centre")
        .order_by("-planned_start")
    )
    rows = [(m, grants[m.pk]) for m in mobilities]
    return render(request, "guest/home.html", {"rows": rows})


def agreement_shown(mobility: Mobility) -> Any:
    from mobility.agreements.selectors import agreement_current

    agreement = agreement_current(mobility=mobility)
    if agreement is None or agreement.status == AgreementStatus.SUPERSEDED:
        return None
    return agreement


def _steps(mobility: Mobility, grant: Grant) -> list[dict[str, Any]]:
    """The things this person has to do, each with its state: the page's to-do list."""
    steps: list[dict[str, Any]] = []
    agreement = agreement_shown(mobility)
    signed = {s.party for s in agreement.signatures.all()} if agreement else set()
    if grant.role == GuestRole.TUTOR:
        answer = HostConfirmation.objects.filter(mobility=mobility).first()
        if answer is not None and answer.holds_for(mobility):
            state = "done"
        elif answer is not None and not answer.dates_confirmed:
            state = "waiting"
        else:
            state = "todo"
        steps.append(
            {
                "title": _("Confirm the placement and its dates"),
                "url": reverse("guest:confirm", args=[mobility.pk]),
                "state": state,
            }
        )
        steps.append(
            {
                "title": _("Sign the learning agreement"),
                "url": reverse("guest:agreement", args=[mobility.pk]),
                "state": "done" if Party.HOST in signed else ("todo" if agreement else "later"),
            }
        )
        steps.append(
            {
                "title": _("Record a follow-up"),
                "url": reverse("guest:followups", args=[mobility.pk]),
                "state": "optional",
            }
        )
        steps.append(_evaluation_step(mobility, EvaluationKind.TUTOR, _("Evaluate the placement")))
    elif grant.role == GuestRole.LEARNER:
        open_items = ChecklistItem.objects.filter(
            mobility=mobility, assignee=Assignee.LEARNER, done_at__isnull=True
        ).count()
        steps.append(
            {
                "title": _("My tasks and documents"),
                "url": reverse("guest:documents", args=[mobility.pk]),
                "state": "todo" if open_items else "done",
                "count": open_items,
            }
        )
        steps.append(
            {
                "title": _("Read and sign my learning agreement"),
                "url": reverse("guest:agreement", args=[mobility.pk]),
                "state": "done" if Party.LEARNER in signed else ("todo" if agreement else "later"),
            }
        )
        steps.append(_evaluation_step(mobility, EvaluationKind.SELF, _("My self-assessment")))
    elif grant.role == GuestRole.EMPLOYER:
        given = EmployerFeedback.objects.filter(mobility=mobility).exists()
        steps.append(
            {
                "title": _("Read the debrief and give your feedback"),
                "url": reverse("guest:feedback", args=[mobility.pk]),
                "state": "done" if given else "todo",
            }
        )
    return steps


#: The mobility's evaluation is over (or will never happen): a form not submitted stays closed.
_EVALUATION_OVER = (MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED, MobilityStatus.CANCELLED)


def _evaluation_step(mobility: Mobility, kind: str, title: str) -> dict[str, Any]:
    evaluation = Evaluation.objects.filter(mobility=mobility, kind=kind).first()
    status = evaluation.status if evaluation else ""
    if status in (EvaluationStatus.SUBMITTED, EvaluationStatus.VALIDATED):
        state, url = "done", reverse("guest:evaluation_view", args=[mobility.pk])
    elif not evaluations.evaluation_is_open(mobility=mobility):
        # Before the placement it opens later; once the centre has evaluated the mobility, never.
        state, url = ("closed" if mobility.status in _EVALUATION_OVER else "later"), ""
    else:
        state, url = (
            ("returned" if status == EvaluationStatus.RETURNED else "todo"),
            reverse("guest:evaluation", args=[mobility.pk]),
        )
    return {"title": title, "url": url, "state": state, "evaluation": evaluation}


@guest_required
@require_GET
def mobility_summary(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk)  # type: ignore[attr-defined]
    agreement = agreement_shown(mobility) if grant.role != GuestRole.EMPLOYER else None
    text = (
        guests.agreement_text(agreement=agreement, language=translation.get_language()) if agreement else None
    )
    return render(
        request,
        "guest/mobility.html",
        {
            "mobility": mobility,
            "grant": grant,
            "agreement": agreement,
            "text": text,
            "steps": _steps(mobility, grant),
            "cancelled": mobility.status == MobilityStatus.CANCELLED,
        },
    )


# --- Tutor ------------------------------------------------------------------------------------
@guest_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=TUTOR)  # type: ignore[attr-defined]
    answer = HostConfirmation.objects.filter(mobility=mobility).first()
    form = ConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guests.host_confirmation_record(
                mobility=mobility,
                grant=grant,
                dates_confirmed=data["answer"] == "yes",
                proposed_start=data.get("proposed_start"),
                proposed_end=data.get("proposed_end"),
                comment=data.get("comment") or "",
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you: the training centre has your answer."))
            return redirect("guest:mobility", pk=mobility.pk)
    return render(
        request,
        "guest/confirm.html",
        {"mobility": mobility, "grant": grant, "form": form, "answer": answer,
         "answer_holds": answer is not None and answer.holds_for(mobility)},
    )  # fmt: skip


@guest_required
@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=WRITERS)  # type: ignore[attr-defined]
    current = agreement_shown(mobility)
    party = Party.HOST if grant.role == GuestRole.TUTOR else Party.LEARNER
    signature = next((s for s in current.signatures.all() if s.party == party), None) if current else None
    form = SignatureForm(request.POST or None, initial={"signer_name": grant.name})
    if request.method == "POST":
        if current is None:
            raise Http404
        if form.is_valid():
            try:
                guests.guest_agreement_sign(
                    mobility=mobility,
                    grant=grant,
                    signer_name=form.cleaned_data["signer_name"],
                    request=request,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("The learning agreement is signed. Thank you."))
                return redirect("guest:agreement", pk=mobility.pk)
    translated = (
        guests.agreement_text(agreement=current, language=translation.get_language()) if current else None
    )
    # the original prevails: one click shows it, whatever the reader's language
    show_original = request.GET.get("original") == "1" and translated is not None and translated.translated
    text = (
        guests.agreement_text(agreement=current, language=current.language) if show_original else translated
    )
    return render(
        request,
        "guest/agreement.html",
        {
            "mobility": mobility,
            "grant": grant,
            "agreement": current,
            "text": text,
            "outcome_rows": [
                (o, text.outcomes.get(o.pk, o.description), text.outcome_langs.get(o.pk, current.language))
                for o in current.outcomes.all()
            ]
            if current and text
            else [],
            "signature": signature,
            "form": form,
            "show_original": show_original,
            "translated": translated,
        },
    )


@guest_required
@require_http_methods(["GET", "POST"])
def followups(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=TUTOR)  # type: ignore[attr-defined]
    rows = list(mobility.followups.order_by("scheduled_for", "id"))
    form = FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The check-in fills the planned one closest to its date, if one is still open.
        planned = next(
            (f for f in rows if f.done_on is None and abs((f.scheduled_for - data["done_on"]).days) <= 7),
            None,
        )
        try:
            guests.guest_followup_record(
                mobility=mobility, grant=grant, data=data, followup=planned, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The follow-up is recorded. Thank you."))
            return redirect("guest:followups", pk=mobility.pk)
    can_record = mobility.status in (
        MobilityStatus.CONFIRMED,
        MobilityStatus.IN_PROGRESS,
        MobilityStatus.COMPLETED,
        MobilityStatus.INTERRUPTED,
    )
    return render(
        request, "guest/followups.html", {"mobility": mobility, "grant": grant, "rows": rows, "form": form, "can_record": can_record}
    )  # fmt: skip


# --- Helpers ----------------------------------------------------------------------------------------
