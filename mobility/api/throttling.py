"""Request rates per API token (and per session user, and per address for anonymous calls).

Rates come from ``settings.API_THROTTLE_RATES`` when a request arrives, not at import, so that
an operator's setting (and a test's) takes effect.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from partners.accounts.models import ApiToken
from partners.http import client_ip


class _SettingsRateThrottle(SimpleRateThrottle):
    def __init__(self) -> None:  # the parent reads the rate here; ours is read per request
        pass

    def allow_request(self, request: Any, view: Any) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        return getattr(settings, "API_THROTTLE_RATES", {}).get(self.scope)

    def get_ident(self, request: Any) -> str:
        # The platform's one client address (TRUSTED_PROXIES), not DRF's NUM_PROXIES: without it
        # DRF takes the whole X-Forwarded-For header, which any caller can change at will.
        return client_ip(request) or "unknown"


class TokenRateThrottle(_SettingsRateThrottle):
    """Each token has its own budget: one runaway script does not starve the others."""

    scope = "token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class SessionUserRateThrottle(_SettingsRateThrottle):
    scope = "session"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user and request.user.is_authenticated and not isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return None


class AnonymousRateThrottle(_SettingsRateThrottle):
    scope = "anonymous"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class HeavyWorkThrottle(_SettingsRateThrottle):
    """Requests that start background work (certificates, exports): a tighter budget per user."""

    scope = "heavy"

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return None
