"""Who is calling: a personal API token (scripts) or the browser session (the platform's own pages).

Either way the request acts as one user, with that user's memberships: a token never reaches
more than its owner does in the browser.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header

from partners.accounts.tokens import api_token_authenticate, second_factor_missing
from partners.http import client_ip

logger = logging.getLogger(__name__)


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer mob_…`` — a personal token created on the account settings page."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”, with no spaces in the token.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API token is not valid.")) from None
        token = api_token_authenticate(raw=raw, ip=client_ip(request))
        if token is None:
            logger.info("API token refused (prefix %s) from %s", raw[:12], client_ip(request))
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid: it may have been revoked or have expired.")
            )
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return f'{self.keyword} realm="api"'


class BrowserSessionAuthentication(SessionAuthentication):
    """The logged-in browser session, with CSRF checks, and the same second-factor rule as pages."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, _auth = result
        if settings.MFA_REQUIRED_FOR_STAFF and _second_factor_missing(request, user):
            raise exceptions.PermissionDenied(
                _("Set up two-factor authentication before using the platform.")
            )
        return result


def _second_factor_missing(request: Any, user: Any) -> bool:
    session = getattr(request._request, "session", None)
    if session is not None and session.get("_mfa_enrolled"):
        return False
    return second_factor_missing(user)
