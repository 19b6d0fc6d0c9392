"""Personal API tokens: created and revoked by their owner, checked on every API request.

A token is 256 random bits behind a readable prefix (``mob_``); the database keeps only its
SHA-256, so a leaked database does not leak usable tokens. A token acts as its user: the same
memberships, the same scope, nothing more — and only what its scopes allow (read, write, download
files), chosen when it is created.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.accounts.models import ApiScope, ApiToken, User
from partners.audit.services import audit_record

TOKEN_PREFIX = "mob_"  # noqa: S105  (a marker that lets secret scanners spot tokens, not a secret)

#: Characters of the token shown in lists (the marker and 8 random characters: ~48 bits, not a secret).
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8

#: Tokens a person may hold at once: enough for every script, few enough to keep track of.
MAX_ACTIVE_TOKENS = 10

#: Lifetimes offered when creating a token, in days (None: until revoked).
LIFETIMES: tuple[int | None, ...] = (30, 90, 365, None)

#: Every scope, in the order they are listed.
ALL_SCOPES: tuple[str, ...] = tuple(ApiScope.values)

#: ``last_used_at`` is refreshed at most this often: a busy script must not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_list_for_user(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, usable ones first (revoked ones stay listed for the record)."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("revoked_at", "-created_at", "-id")


def api_token_get_for_user(*, user: Any, pk: Any) -> ApiToken:
    """One of the user's own tokens; anybody else's is a 404."""
    from django.http import Http404

    try:
        return ApiToken.objects.get(user_id=user.pk, pk=int(pk))
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _active(user: User) -> QuerySet[ApiToken]:
    now = timezone.now()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def second_factor_missing(user: User) -> bool:
    """Staff must have a second factor before minting a credential that bypasses the login page."""
    if not getattr(settings, "MFA_REQUIRED_FOR_STAFF", False):
        return False
    from allauth.mfa.models import Authenticator

    from partners.accounts.access import get_access

    if not (get_access(user).is_member or user.is_staff):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def api_token_create(
    *,
    user: User,
    name: str,
    expires_in_days: int | None,
    scopes: Iterable[str],
    acting_user: User,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Creates a token for ``user`` (only by themselves) and returns it with the raw value, shown once."""
    if acting_user.pk != user.pk:
        raise PermissionDenied("a token is created by its owner only")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, for example the script that uses it.")})
    if expires_in_days not in LIFETIMES:
        raise ValidationError({"expires_in_days": _("Choose one of the proposed lifetimes.")})
    asked = set(scopes)
    if not asked or not asked <= set(ALL_SCOPES):
        raise ValidationError({"scopes": _("Choose what the token may do: read, write, download files.")})
    if second_factor_missing(user):
        raise ValidationError(_("Set up two-factor authentication before creating an API token."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 32 bytes = 256 random bits
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=raw[:SHOWN_PREFIX_LENGTH],
        token_hash=api_token_hash(raw),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        scopes=[scope for scope in ALL_SCOPES if scope in asked],
    )
    token.full_clean()
    with transaction.atomic():
        # One row lock on the user serialises concurrent creations, so the limit holds.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if _active(user).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You already have %(count)s active tokens: revoke one you no longer use first.")
                % {"count": MAX_ACTIVE_TOKENS}
            )
        token.save()
        audit_record(
            action="api_token.create",
            actor=acting_user,
            target=token,
            data={"prefix": token.prefix, "expires_in_days": expires_in_days, "scopes": token.scopes},
            request=request,
        )
    return token, raw


def api_token_revoke(*, token: ApiToken, acting_user: User, request: HttpRequest | None = None) -> ApiToken:
    """Revokes a token at once; revoking twice changes nothing."""
    if acting_user.pk != token.user_id and not acting_user.is_superuser:
        raise PermissionDenied("a token is revoked by its owner")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="api_token.revoke",
            actor=acting_user,
            target=token,
            data={"prefix": token.prefix},
            request=request,
        )
    return token


def api_token_revoke_all(*, user: User, acting_user: User, request: HttpRequest | None = None) -> int:
    """Revokes every usable token of ``user`` (a lost laptop, a deactivated account)."""
    count = 0
    for token in _active(user):
        api_token_revoke(token=token, acting_user=acting_user, request=request)
        count += 1
    return count


def api_token_authenticate(*, raw: str, ip: str | None = None) -> ApiToken | None:
    """The usable token whose value is ``raw``, with its active user; None for anything else."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=api_token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    if (
        token.last_used_at is None
        or now - token.last_used_at >= LAST_USED_RESOLUTION
        or (ip and ip != token.last_used_ip)
    ):
        # A bookkeeping column, not a state change: no audit entry, no row lock.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
    return token
