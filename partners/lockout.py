"""Failed-login limits per account and per IP address, shared by every login form (admin included).

Counters live in the cache (Redis in production) so that they hold across web processes.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .http import client_ip

logger = logging.getLogger(__name__)


def _account_key(identifier: str) -> str:
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"loginfail:acct:{digest}"


def _ip_key(ip: str) -> str:
    return f"loginfail:ip:{ip}"


def _count(key: str) -> int:
    try:
        return int(cache.get(key) or 0)
    except Exception:  # a cache outage must not lock everybody out, nor let errors reach the user
        return 0


def _bump(key: str) -> None:
    try:
        if not cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW):
            cache.incr(key)
    except Exception:
        logger.warning("could not count a failed login", exc_info=True)


def is_locked(request: HttpRequest | None, identifier: str | None) -> bool:
    """Whether this account or this address has failed too often in the current window."""
    if identifier and _count(_account_key(identifier)) >= settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT:
        return True
    ip = client_ip(request)
    return bool(ip and _count(_ip_key(ip)) >= settings.LOGIN_FAILURE_LIMIT_PER_IP)


def register_failure(request: HttpRequest | None, identifier: str | None) -> None:
    if identifier:
        _bump(_account_key(identifier))
    ip = client_ip(request)
    if ip:
        _bump(_ip_key(ip))


def reset_account(identifier: str | None) -> None:
    if identifier:
        try:
            cache.delete(_account_key(identifier))
        except Exception:
            logger.warning("could not reset failed-login counter", exc_info=True)


def identifier_from_credentials(credentials: dict) -> str | None:
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    return str(value) if value else None
