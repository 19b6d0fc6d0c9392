"""Session lifetime for staff and the MFA requirement."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

_STARTED = "_session_started"

_SEEN = "_session_seen"

# Writing the session on every request costs a database write; a minute of slack is harmless.
_SEEN_RESOLUTION = 60


def mark_session_start(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[_STARTED] = now
    request.session[_SEEN] = now


class SessionLifetimeMiddleware:
    """Ends a logged-in session after SESSION_IDLE_TIMEOUT idle or SESSION_ABSOLUTE_TIMEOUT in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(_STARTED, now)
            seen = request.session.get(_SEEN, now)
            if (
                now - seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                    return response
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if _STARTED not in request.session:
                request.session[_STARTED] = now
            if now - seen >= _SEEN_RESOLUTION or _SEEN not in request.session:
                request.session[_SEEN] = now
        return self.get_response(request)


_MFA_SESSION_FLAG = "_mfa_enrolled"

_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/verify/")

_API_PREFIX = "/api/"


class MfaRequiredMiddleware:
    """Staff must enrol a second factor (TOTP) before reaching anything but the account pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.MFA_REQUIRED_FOR_STAFF and self._must_enrol(request):
            if request.path.startswith(_API_PREFIX):
                # A session opened with a password alone does not reach the API either.
                return JsonResponse(
                    {"detail": _("Set up two-factor authentication before using the API.")}, status=403
                )
            messages.warning(
                request,
                _(
                    "Your role gives access to learners' personal data: set up two-factor authentication first."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enrol(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(_MFA_EXEMPT_PREFIXES) or request.session.get(_MFA_SESSION_FLAG):
            return False
        from allauth.mfa.models import Authenticator

        from partners.accounts.access import get_access

        if not (get_access(user).is_member or user.is_staff):
            return False
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            request.session[_MFA_SESSION_FLAG] = True
            return False
        return True


class DeniedAccessAuditMiddleware:
    """Writes an audit entry for each refused access: a 403, or a selector's 404 for an object of
    another tenant (``OutOfScope``). Plain 404s (unknown ids, typos) are not recorded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from django.core.exceptions import PermissionDenied

        from partners.accounts.access import OutOfScope
        from partners.audit.services import audit_denied

        if isinstance(exception, OutOfScope):
            audit_denied(
                request=request, status=404, target_type=exception.target_type, target_id=exception.target_id
            )
        elif isinstance(exception, PermissionDenied):
            audit_denied(request=request, status=403)
        return None
