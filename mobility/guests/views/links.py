"""Opening a personal link, the pages for a link that does not work, lost links and codes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobility.guests.forms import (
    CodeForm,
    LostLinkForm,
)
from mobility.guests.services import recovery as services_recovery
from mobility.guests.services import sessions as guests
from mobility.guests.services.links import LinkProblem
from mobility.guests.views.pages import PROBLEM_STATUS
from mobility.site.i18n import language_cookie_set, supported_or_default


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


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
                "masked_email": services_recovery.mask_email(link.email),
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
    services_recovery.access_link_renew_request(lookup=lookup, request=request)
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
        accepted = services_recovery.lost_link_request(
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
            links = services_recovery.lost_link_verify_code(request=request, code=form.cleaned_data["code"])
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
