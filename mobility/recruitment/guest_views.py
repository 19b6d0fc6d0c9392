"""The candidate's pages, and the employer's and guardian's: no account. The public call page; the
application (identity, code, answers, uploads, submit) held in the session; personal links exchanged
for a session on first use (never left in the address bar)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mobility.guests.services.sessions import guest_from_request
from mobility.recruitment import forms, selectors
from mobility.recruitment.models import Application, ApplicationStatus, Call, TokenRole
from mobility.recruitment.services import applying, selection
from partners.pages import errors_to_form

SESSION_KEY = "recruitment"


def _held(request: HttpRequest) -> tuple[Application | None, str]:
    held = request.session.get(SESSION_KEY) or {}
    if not held.get("application"):
        return None, ""
    try:  # the application this guest session was opened for, and no other
        application = selectors.application_get_for_guest(pk=held["application"])
    except Http404:
        return None, ""
    return application, held.get("role", "")


def _hold(request: HttpRequest, application: Application, role: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"application": application.pk, "role": role}


def _learner_identity(request: HttpRequest, call: Call) -> dict[str, Any]:
    """The identity of a learner who came from their learner space (``?as=learner``) and whose centre
    the call is for: the form is prefilled from their record, nothing is saved until they send it."""
    if request.GET.get("as") != "learner":
        return {}
    guest = guest_from_request(request)
    learners = [g.learner for g in (guest.grants.values() if guest else ()) if g.learner is not None]
    learner = next((x for x in learners if x.centre_id in call.centre_ids), None)
    if learner is None:
        return {}
    contact = learner.employer_contact
    return {
        "first_name": learner.first_name,
        "last_name": learner.last_name,
        "date_of_birth": learner.date_of_birth,
        "email": learner.email,
        "phone": learner.phone,
        "national_id": learner.national_id,
        "trade": learner.trade,
        "training_year": learner.training_year,
        "eqf_level": learner.qualification.eqf_level if learner.qualification_id else None,
        "centre": learner.centre_id,
        "is_apprentice": learner.employer_id is not None,
        "employer_name": learner.employer.display_name if learner.employer_id else "",
        "employer_contact_name": contact.full_name if contact else "",
        "employer_email": contact.email if contact else "",
        "guardian_name": learner.guardian_name,
        "guardian_email": learner.guardian_email,
    }


@require_safe
def call_public(request: HttpRequest, key: str) -> HttpResponse:
    call = selectors.call_get_public(key=key)
    title, description = call.text(request.LANGUAGE_CODE)
    return render(
        request,
        "recruitment/public_call.html",
        {
            "call": call,
            "title": title,
            "description": description,
            "accepting": call.is_accepting(timezone.localdate()),
            "form": forms.StartForm(call=call, initial=_learner_identity(request, call)),
        },
    )


@require_POST
def application_start(request: HttpRequest, key: str) -> HttpResponse:
    call = selectors.call_get_public(key=key)
    form = forms.StartForm(request.POST, call=call)
    if form.is_valid():
        data = dict(form.cleaned_data, language=request.LANGUAGE_CODE)
        try:
            application = applying.application_start(
                call=call, centre_id=form.cleaned_data["centre"].pk, data=data, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            _hold(request, application, TokenRole.APPLICANT)
            messages.success(request, _("Saved. We sent a code to your e-mail address: type it below."))
            return redirect("recruitment:application")
    title, description = call.text(request.LANGUAGE_CODE)
    return render(
        request,
        "recruitment/public_call.html",
        {
            "call": call,
            "title": title,
            "description": description,
            "accepting": call.is_accepting(timezone.localdate()),
            "form": form,
        },
        status=400,
    )


def _applicant(request: HttpRequest) -> Application | None:
    application, role = _held(request)
    return application if role == TokenRole.APPLICANT else None


def _page(
    request: HttpRequest, application: Application, *, status: int = 200, **forms_given: Any
) -> HttpResponse:
    return render(
        request,
        "recruitment/application.html",
        {
            "application": application,
            "call": application.call,
            "title": application.call.text(request.LANGUAGE_CODE)[0],
            "editable": application.status == ApplicationStatus.DRAFT,
            "code_form": forms_given.get("code_form") or forms.CodeForm(),
            "answers_form": forms_given.get("answers_form") or forms.AnswersForm(application=application),
            "upload_form": forms_given.get("upload_form") or forms.UploadForm(),
            "appeal_form": forms_given.get("appeal_form") or forms.AppealForm(),
            "submit_errors": forms_given.get("submit_errors"),
            "files": list(application.files.all()),
            "can_appeal": application.status in (ApplicationStatus.NOT_SELECTED, ApplicationStatus.WAITING)
            and not application.appeal_at
            and application.appeal_until
            and timezone.localdate() <= application.appeal_until,
        },
        status=status,
    )


@require_safe
def application_page(request: HttpRequest) -> HttpResponse:
    application = _applicant(request)
    if application is None:
        return redirect("recruitment:lost")
    return _page(request, application)


def _applicant_act(
    request: HttpRequest,
    application: Application,
    form: Any,
    form_name: str,
    act: Callable[[dict[str, Any]], object],
    done: str,
    on_error: Callable[[ValidationError], None] | None = None,
) -> HttpResponse:
    """The candidate's form: ``act(cleaned_data)`` done at once or not at all; back to the
    application, or the page again with the form's errors."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            (on_error or (lambda e: errors_to_form(form, e)))(exc)
        else:
            messages.success(request, done)
            return redirect("recruitment:application")
    return _page(request, application, status=400, **{form_name: form})


@require_POST
def application_verify(request: HttpRequest) -> HttpResponse:
    application = _applicant(request)
    if application is None:
        return redirect("recruitment:lost")
    return _applicant_act(
        request, application, forms.CodeForm(request.POST), "code_form",
        lambda data: applying.email_code_verify(application=application, code=data["code"]),
        _("Your e-mail address is confirmed."),
    )  # fmt: skip


@require_POST
def application_resend_code(request: HttpRequest) -> HttpResponse:
    application = _applicant(request)
    if application is None:
        return redirect("recruitment:lost")
    if not application.email_verified_at:
        applying.email_code_send(application=application)
        messages.success(request, _("A new code is on its way."))
    return redirect("recruitment:application")


@require_POST
def application_save(request: HttpRequest) -> HttpResponse:
    application = _applicant(request)
    if application is None:
        return redirect("recruitment:lost")
    form = forms.AnswersForm(request.POST, application=application)
    if form.is_valid():
        try:
            applying.application_save(
                application=application,
                motivation=form.cleaned_data["motivation"],
                cefr=form.cefr(),
                preferences=form.preferences(),
                request=request,
            )
            if request.POST.get("submit"):
                applying.application_submit(application=application, request=request)
        except ValidationError as exc:
            if (
                request.POST.get("submit")
                and hasattr(exc, "error_dict")
                and not set(exc.error_dict) & set(form.fields)
            ):
                return _page(
                    request,
                    application,
                    answers_form=form,
                    submit_errors=[m for msgs in exc.message_dict.values() for m in msgs],
                    status=400,
                )
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Application submitted: a confirmation is on its way.")
                if request.POST.get("submit")
                else _("Saved: you can come back later."),
            )
            return redirect("recruitment:application")
    return _page(request, application, answers_form=form, status=400)


@require_POST
def application_upload(request: HttpRequest) -> HttpResponse:
    application = _applicant(request)
    if application is None:
        return redirect("recruitment:lost")
    form = forms.UploadForm(request.POST, request.FILES)

    def on_error(exc: ValidationError) -> None:  # every problem of a file is said beside the file
        form.add_error(
            "file",
            [m for msgs in exc.message_dict.values() for m in msgs]
            if hasattr(exc, "error_dict")
            else exc.messages,
        )

    return _applicant_act(
        request, application, form, "upload_form",
        lambda data: applying.application_file_upload(
            application=application, kind=data["kind"], upload=data["file"], request=request
        ),
        _("File added."), on_error=on_error,
    )  # fmt: skip


@require_POST
def application_appeal(request: HttpRequest) -> HttpResponse:
    application = _applicant(request)
    if application is None:
        return redirect("recruitment:lost")
    return _applicant_act(
        request, application, forms.AppealForm(request.POST), "appeal_form",
        lambda data: selection.appeal_record(application=application, text=data["appeal_text"], request=request),
        _("Your appeal is recorded."),
    )  # fmt: skip


@require_safe
def exchange(request: HttpRequest, key: str) -> HttpResponse:
    """A personal link: its key becomes a session, the address bar is cleaned."""
    link = applying.link_open(key=key)
    if link is None:
        return redirect("recruitment:lost")
    _hold(request, link.application, link.role)
    return redirect(
        "recruitment:application" if link.role == TokenRole.APPLICANT else "recruitment:agreement"
    )


@require_safe
def lost(request: HttpRequest) -> HttpResponse:
    return render(request, "recruitment/lost.html")


def agreement(request: HttpRequest) -> HttpResponse:
    """The employer's or the guardian's answer to an application."""
    application, role = _held(request)
    if application is None or role not in (TokenRole.EMPLOYER, TokenRole.GUARDIAN):
        return redirect("recruitment:lost")
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applying.agreement_record(
                application=application,
                role=role,
                agreed=form.cleaned_data["agreed"],
                by=form.cleaned_data["by"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you: your answer is recorded."))
            return redirect("recruitment:agreement")
    answer = application.employer_answer if role == TokenRole.EMPLOYER else application.guardian_answer
    return render(
        request,
        "recruitment/agreement.html",
        {
            "application": application,
            "role": role,
            "form": form,
            "answer": answer,
            "title": application.call.text(request.LANGUAGE_CODE)[0],
        },
        status=400 if form.errors else 200,
    )
