"""Pages for host tutors, learners and sending employers, reached through their personal link.

Each view: the guest (``guest_required``) → the mobility through ``guest_mobility_get`` (404 for
anything outside the guest's grants or role) → a form → one service → redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners.audit import audit_record
from partners.uploads import serve_private_file

from . import evaluations, guests
from .guest_forms import (
    CodeForm,
    ConfirmationForm,
    EvaluationForm,
    FeedbackForm,
    FollowUpForm,
    LostLinkForm,
    SignatureForm,
    UploadForm,
)
from .guests import Grant, LinkProblem, guest_mobility_get, guest_required
from .i18n import language_cookie_set, supported_or_default
from .models import (
    AgreementStatus,
    Assignee,
    ChecklistItem,
    Document,
    DocumentType,
    EmployerFeedback,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    GuestRole,
    HostConfirmation,
    Mobility,
    MobilityStatus,
    Party,
)

TUTOR = (GuestRole.TUTOR,)
LEARNER = (GuestRole.LEARNER,)
EMPLOYER = (GuestRole.EMPLOYER,)
WRITERS = (GuestRole.TUTOR, GuestRole.LEARNER)


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Entering ---------------------------------------------------------------------------------
PROBLEM_STATUS = {"unknown": 404, "tampered": 404, "expired": 410, "revoked": 410}


@require_GET
@never_cache
def exchange(request: HttpRequest, key: str) -> HttpResponse:
    """Opens a personal link: a guest session, then a token-free address (no token in history)."""
    try:
        link = guests.access_link_exchange(key=key, request=request)
    except LinkProblem as problem:
        return _no_referrer(_problem_page(request, problem))
    guests.guest_session_start(request, [link])
    response = redirect("guest:mobility", pk=link.mobility_id)
    language_cookie_set(response, link.language)
    return _no_referrer(response)


def _problem_page(request: HttpRequest, problem: LinkProblem) -> HttpResponse:
    link = problem.link
    context: dict[str, Any] = {"reason": problem.reason, "link": link, "lost_form": LostLinkForm()}
    if link is not None:
        context.update(
            {
                "centre": link.mobility.centre,
                "masked_email": guests.mask_email(link.email),
                "can_renew": problem.reason == "tampered" and link.is_usable,
            }
        )
        with translation.override(supported_or_default(link.language)):
            response = render(request, "guest/problem.html", context, status=PROBLEM_STATUS[problem.reason])
        # The next pages (a new link asked for, the lost-link form) stay in the invitation's language.
        return language_cookie_set(response, link.language)
    return render(request, "guest/problem.html", context, status=PROBLEM_STATUS[problem.reason])


@require_POST
@never_cache
def renew(request: HttpRequest, lookup: str) -> HttpResponse:
    """From the problem page: a fresh link to the address on file (never shown in full)."""
    guests.access_link_renew_request(lookup=lookup, request=request)
    # The same answer whatever happened: this page is reachable by anyone holding a dead link.
    return _no_referrer(render(request, "guest/renew_sent.html", {}))


@require_http_methods(["GET", "POST"])
@never_cache
def lost(request: HttpRequest) -> HttpResponse:
    """ "I lost my link": a new link and a code are e-mailed if the address has an invitation."""
    if request.GET.get("again"):
        request.session.pop(guests.SESSION_CODE, None)
    form = LostLinkForm(request.POST or None)
    code_form = CodeForm()
    state = "ask"
    if request.method == "POST" and form.is_valid():
        accepted = guests.lost_link_request(
            email=form.cleaned_data["email"], request=request, language=translation.get_language()
        )
        state = "sent" if accepted else "limited"
    elif request.session.get(guests.SESSION_CODE):
        state = "sent"
    return _no_referrer(
        render(
            request,
            "guest/lost.html",
            {"form": form, "code_form": code_form, "state": state, "ended": request.GET.get("ended")},
        )
    )


@require_POST
@never_cache
def code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            links = guests.lost_link_verify_code(request=request, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            if not links:
                form.add_error("code", _("No invitation is valid any more for this address."))
            else:
                guests.guest_session_start(request, links)
                target = (
                    redirect("guest:mobility", pk=links[0].mobility_id)
                    if len(links) == 1
                    else redirect("guest:home")
                )
                return language_cookie_set(target, links[0].language)
    return render(
        request,
        "guest/lost.html",
        {"form": LostLinkForm(), "code_form": form, "state": "sent"},
        status=400,
    )


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    guests.guest_session_end(request)
    return render(request, "guest/left.html", {})


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


def _agreement(mobility: Mobility) -> Any:
    from .selectors import agreement_current

    agreement = agreement_current(mobility=mobility)
    if agreement is None or agreement.status == AgreementStatus.SUPERSEDED:
        return None
    return agreement


def _steps(mobility: Mobility, grant: Grant) -> list[dict[str, Any]]:
    """The things this person has to do, each with its state: the page's to-do list."""
    steps: list[dict[str, Any]] = []
    agreement = _agreement(mobility)
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
    agreement = _agreement(mobility) if grant.role != GuestRole.EMPLOYER else None
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
            _add_errors(form, exc)
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
    current = _agreement(mobility)
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
                _add_errors(form, exc)
            else:
                messages.success(request, _("The learning agreement is signed. Thank you."))
                return redirect("guest:agreement", pk=mobility.pk)
    text = guests.agreement_text(agreement=current, language=translation.get_language()) if current else None
    return render(
        request,
        "guest/agreement.html",
        {
            "mobility": mobility,
            "grant": grant,
            "agreement": current,
            "text": text,
            "outcome_rows": [(o, text.outcomes.get(o.pk, o.description)) for o in current.outcomes.all()]
            if current and text
            else [],
            "signature": signature,
            "form": form,
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
            _add_errors(form, exc)
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


# --- Evaluation (tutor) and self-assessment (learner) -------------------------------------------------
def _kind(grant: Grant) -> str:
    return EvaluationKind.TUTOR if grant.role == GuestRole.TUTOR else EvaluationKind.SELF


def _outcomes_in_language(mobility: Mobility) -> list[tuple[Any, str]]:
    outcomes = evaluations.evaluation_outcomes(mobility=mobility)
    agreement = _agreement(mobility)
    if not outcomes or agreement is None:
        return [(o, o.description) for o in outcomes]
    text = guests.agreement_text(agreement=agreement, language=translation.get_language())
    return [(o, text.outcomes.get(o.pk, o.description)) for o in outcomes]


def _default_language(mobility: Mobility) -> str:
    agreement = _agreement(mobility)
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
    current = evaluations.evaluation_get(mobility=mobility, kind=kind)
    if current is not None and current.status not in evaluations.EDITABLE:
        if request.method == "POST":
            messages.info(request, _("This evaluation had already been submitted: it is kept as it was."))
        return redirect("guest:evaluation_view", pk=mobility.pk)
    if not evaluations.evaluation_is_open(mobility=mobility):
        return render(request, "guest/evaluation_closed.html", {"mobility": mobility, "grant": grant})
    outcomes = _outcomes_in_language(mobility)
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
                _add_errors(form, exc)
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
    agreement = _agreement(mobility)
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
    current = evaluations.evaluation_get(mobility=mobility, kind=_kind(grant))
    if current is None or current.status in evaluations.EDITABLE:
        return redirect("guest:evaluation", pk=mobility.pk)
    return render(
        request,
        "guest/evaluation_view.html",
        {"mobility": mobility, "grant": grant, **_evaluation_display(mobility, current)},
    )


def _evaluation_display(mobility: Mobility, current: Evaluation) -> dict[str, Any]:
    """What the read-only evaluation shows, shared with the referent's review page."""
    outcomes = _outcomes_in_language(mobility)
    results = {a.outcome_id: a for a in current.assessments.all()}
    digital = current.digital_skills or {}
    from .models import DIGCOMP_AREAS, DigcompLevel

    return {
        "evaluation": current,
        "outcome_rows": [(o, text, results.get(o.pk)) for o, text in outcomes],
        "language_rows": [
            {"name": evaluations.language_name(row.get("language", "")), **row}
            for row in current.language_skills or []
        ],
        "digital_rows": [
            (label, DigcompLevel(digital[key]).label if digital.get(key) in DigcompLevel.values else "")
            for key, label in DIGCOMP_AREAS
        ],
        "host": mobility.host_organisation,
    }


# --- Learner: tasks and documents ---------------------------------------------------------------
def _asked_document_types(mobility: Mobility) -> list[DocumentType]:
    from .selectors import missing_documents

    asked: dict[int, DocumentType] = {
        item.document_type.pk: item.document_type
        for item in ChecklistItem.objects.filter(
            mobility=mobility, assignee=Assignee.LEARNER, document_type__isnull=False
        ).select_related("document_type")
        if item.document_type is not None
    }
    for doc_type in missing_documents(mobility=mobility):
        asked.setdefault(doc_type.pk, doc_type)
    return sorted(asked.values(), key=lambda t: (t.order, t.label))


def _learner_documents(mobility: Mobility) -> list[Document]:
    return list(
        Document.objects.filter(learner_id=mobility.participant_id)
        .filter(Q(mobility=mobility) | Q(mobility__isnull=True))
        .select_related("document_type")
        .order_by("-created_at")
    )


@guest_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=LEARNER)  # type: ignore[attr-defined]
    from .services import document_upload

    asked = _asked_document_types(mobility)
    form = UploadForm(request.POST or None, request.FILES or None, document_types=asked)
    if request.method == "POST" and form.is_valid():
        doc_type = next(t for t in asked if t.pk == form.cleaned_data["document_type"])
        try:
            document_upload(
                learner=mobility.participant,
                document_type=doc_type,
                upload=form.cleaned_data["file"],
                mobility=mobility,
                acting_user=None,
                uploaded_by_label=grant.label,
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc, default_field="file")
        else:
            messages.success(request, _("%(document)s uploaded. Thank you.") % {"document": doc_type.label})
            return redirect("guest:documents", pk=mobility.pk)
    items = list(
        ChecklistItem.objects.filter(mobility=mobility, assignee=Assignee.LEARNER)
        .select_related("template", "document_type")
        .order_by("done_at", "due_date", "order", "id")
    )
    present = {d.document_type_id for d in _learner_documents(mobility)}
    return render(
        request,
        "guest/documents.html",
        {
            "mobility": mobility,
            "grant": grant,
            "items": items,
            "asked": [(t, t.pk in present) for t in asked],
            "documents": _learner_documents(mobility),
            "form": form,
        },
    )


@guest_required
@require_POST
def checklist_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=LEARNER)  # type: ignore[attr-defined]
    from .services import checklist_item_set_done

    item = ChecklistItem.objects.filter(
        pk=item_pk, mobility=mobility, assignee=Assignee.LEARNER, document_type__isnull=True
    ).first()
    if item is None:
        raise Http404
    checklist_item_set_done(
        item=item,
        done=request.POST.get("done") != "0",
        acting_user=None,
        actor_label=grant.label,
        request=request,
    )
    return redirect("guest:documents", pk=mobility.pk)


@guest_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=LEARNER)  # type: ignore[attr-defined]
    document = next((d for d in _learner_documents(mobility) if d.pk == document_pk), None)
    if document is None:
        raise Http404
    audit_record(
        action="document.download",
        actor_label=grant.label,
        target=document,
        centre_id=document.centre_id,
        request=request,
    )
    return serve_private_file(
        document.file, filename=document.original_name, content_type=document.content_type
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
            evaluations.employer_feedback_submit(
                mobility=mobility, grant=grant, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("guest:feedback", pk=mobility.pk)
    elif request.method == "POST" and existing is not None:
        messages.info(request, _("Your feedback had already been recorded: thank you."))
        return redirect("guest:feedback", pk=mobility.pk)
    debrief = evaluations.debrief_context(mobility=mobility)
    outcomes = dict(_outcomes_in_language(mobility))
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


# --- Helpers ----------------------------------------------------------------------------------------
def _add_errors(form: Any, exc: ValidationError, default_field: str | None = None) -> None:
    """A service's ValidationError on the form: per field where it names one the form has."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else default_field
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(default_field, message)
