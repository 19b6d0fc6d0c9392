"""Failed-login limits per account and per client address, shared by every login form (admin included).

* Per account: past the limit, the account is locked for the window, even with the right
  password (a password reset lifts it).
* Per address: past the limit, the address is *challenged*, never refused. The right password
  then also needs a code e-mailed to the account's address, so that someone spraying passwords
  from it gets nothing out of a right guess, while the colleagues behind the same network still
  log in (allauth's per-address limits are off for the same reason, see settings).

Counters live in the cache (Redis in production) so that they hold across web processes; the
address is the one ``partners.http.client_ip`` decides.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from partners.http import client_ip

logger = logging.getLogger(__name__)


def _account_key(identifier: str) -> str:
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"loginfail:acct:{digest}"


def _ip_key(ip: str) -> str:
    digest = hashlib.sha256(ip.encode()).hexdigest()[:32]
    return f"loginfail:ip:{digest}"


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


def account_locked(identifier: str | None) -> bool:
    """Whether this account has failed too often in the current window (then even the right password is refused)."""
    return bool(identifier) and _count(_account_key(identifier)) >= settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT


def address_challenged(request: HttpRequest | None) -> bool:
    """Whether the client's address has failed too often: its logins then need an e-mailed code too."""
    ip = client_ip(request)
    return bool(ip) and _count(_ip_key(ip)) >= settings.LOGIN_FAILURE_LIMIT_PER_IP


def locked_message() -> str:
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW // 60)
    return ngettext(
        "Too many failed login attempts. Wait %(minutes)d minute or reset your password.",
        "Too many failed login attempts. Wait %(minutes)d minutes or reset your password.",
        minutes,
    ) % {"minutes": minutes}


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
