"""Opening a link: the key is exchanged for a guest session (link ids, never a token) and the guest's
pages fetch their mobility through ``guest_mobility_get``; anything outside the session's grants is a 404.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services.links import LOOKUP_LENGTH, LinkProblem, address_key
from mobility.guests.services.notifications import link_problem_notify
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility
from partners.audit.services import audit_record

logger = logging.getLogger(__name__)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return timezone.now()


#: A guest session ends after this long without a request (the link opens a new one).
SESSION_IDLE_SECONDS: int = getattr(settings, "GUEST_SESSION_IDLE_SECONDS", 4 * 3600)

#: Failed link openings per IP address and hour before we stop looking links up for it.
EXCHANGE_FAILURE_LIMIT = 30

SESSION_LINKS = "guest_links"

SESSION_SEEN = "guest_seen"

SESSION_CODE = "guest_code_request"

KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def _fail_key(request: HttpRequest) -> str:
    return address_key("guest-exchange-fail", request)


def _count_failure(request: HttpRequest) -> None:
    key = _fail_key(request)
    try:
        if not cache.add(key, 1, 3600):
            cache.incr(key)
    except Exception:  # a cache outage must not break the page that explains the problem
        logger.warning("could not count a failed link opening", exc_info=True)


def _too_many_failures(request: HttpRequest) -> bool:
    try:
        return int(cache.get(_fail_key(request)) or 0) >= EXCHANGE_FAILURE_LIMIT
    except Exception:
        return False


def access_link_exchange(*, key: str, request: HttpRequest) -> AccessLink:
    """The link a key opens, recorded as used; raises LinkProblem (and tells the referent) otherwise.

    An address that keeps trying wrong keys gets plain "unknown" answers (no referent notices, no
    audit noise); a right key still opens, so a tutor behind the same company proxy is not locked out.
    """
    flooding = _too_many_failures(request)
    if not key or len(key) <= LOOKUP_LENGTH or len(key) > 200 or not KEY_RE.match(key):
        _count_failure(request)
        raise LinkProblem("unknown")
    lookup, secret = key[:LOOKUP_LENGTH], key[LOOKUP_LENGTH:]
    link = (
        AccessLink.objects.select_related("mobility", "mobility__centre", "contact", "learner")
        .filter(lookup=lookup)
        .first()
    )
    if link is None:
        _count_failure(request)
        raise LinkProblem("unknown")
    digest = _hash(secret)
    known = [h for h in [link.token_hash, *link.earlier_token_hashes] if h]
    matches = any(hmac.compare_digest(digest, h) for h in known)
    reason = None
    if not matches:
        reason = "tampered"
        _count_failure(request)
    elif link.revoked_at is not None:
        reason = "revoked"
    elif link.is_expired:
        reason = "expired"
    if reason and flooding:
        raise LinkProblem("unknown")
    if reason:
        audit_record(
            action="access_link.refused",
            actor_label=link.audit_label,
            target=link,
            centre_id=link.mobility.centre_id,
            data={"reason": reason, "role": link.role},
            request=request,
        )
        link_problem_notify(link=link, reason=reason)
        raise LinkProblem(reason, link)
    now = _now()
    AccessLink.objects.filter(pk=link.pk).update(last_used_at=now, first_used_at=link.first_used_at or now)
    audit_record(
        action="access_link.open",
        actor_label=link.audit_label,
        target=link,
        centre_id=link.mobility.centre_id,
        data={"role": link.role},
        request=request,
    )
    return link


# --- The guest session -------------------------------------------------------------------------------
@dataclass
class Grant:
    """What a guest may do on one mobility."""

    mobility_id: int
    role: str
    name: str
    language: str
    link: AccessLink | None = None
    learner: Learner | None = None

    @property
    def role_label(self) -> str:
        return str(GuestRole(self.role).label)

    @property
    def label(self) -> str:
        """How services record who acted: the person and their role.

        Written in the platform's base language whatever page language the guest chose, so the
        audit trail reads the same for everyone who later consults it.
        """
        with translation.override(settings.LANGUAGE_CODE):
            if self.role == GuestRole.LEARNER:
                # By role only: the audit log outlives an erasure, and on the learner's own
                # mobility "the learner" names them well enough.
                return str(GuestRole(self.role).label)
            return f"{self.name} ({GuestRole(self.role).label})"[:200]


@dataclass
class Guest:
    grants: dict[int, Grant] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return next(iter(self.grants.values())).name if self.grants else ""

    @property
    def language(self) -> str:
        return next(iter(self.grants.values())).language if self.grants else "en"


def guest_session_start(request: HttpRequest, links: list[AccessLink]) -> None:
    """Adds links to the browser's guest session; a mobility keeps only the newest link opened for it."""
    if not links:
        return
    current = [int(i) for i in request.session.get(SESSION_LINKS, [])]
    replaced_mobilities = {link.mobility_id for link in links}
    kept = list(
        AccessLink.objects.filter(pk__in=current)
        .exclude(mobility_id__in=replaced_mobilities)
        .values_list("pk", flat=True)
    )
    # A new privilege level: a new session key (no fixation), staff login kept as it is.
    request.session.cycle_key()
    request.session[SESSION_LINKS] = [*kept, *(link.pk for link in links)]
    request.session[SESSION_SEEN] = int(time.time())


def guest_session_end(request: HttpRequest) -> None:
    for key in (SESSION_LINKS, SESSION_SEEN, SESSION_CODE):
        request.session.pop(key, None)


def guest_from_request(request: HttpRequest) -> Guest | None:
    """The guest behind the request: links opened in this session, and a learner's own account."""
    guest = Guest()
    ids = [int(i) for i in request.session.get(SESSION_LINKS, [])]
    if ids:
        now = int(time.time())
        seen = int(request.session.get(SESSION_SEEN, now))
        if now - seen > SESSION_IDLE_SECONDS:
            guest_session_end(request)
            ids = []
        elif now - seen >= 60:
            request.session[SESSION_SEEN] = now
    if ids:
        links = list(
            AccessLink.objects.filter(pk__in=ids, revoked_at__isnull=True, expires_at__gt=_now())
            .select_related("contact", "learner", "learner__employer")
            .order_by("created_at")
        )
        if len(links) != len(ids):
            request.session[SESSION_LINKS] = [link.pk for link in links]
        for link in links:
            guest.grants[link.mobility_id] = Grant(
                mobility_id=link.mobility_id,
                role=link.role,
                name=link.person_name,
                language=link.language,
                link=link,
                learner=link.learner if link.role == GuestRole.LEARNER else None,
            )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        learner = Learner.objects.filter(user=user, anonymised_at__isnull=True).first()
        if learner is not None:
            for mobility_id in learner.mobilities.values_list("pk", flat=True):
                guest.grants.setdefault(
                    mobility_id,
                    Grant(
                        mobility_id=mobility_id,
                        role=GuestRole.LEARNER,
                        name=learner.full_name,
                        language=user.preferred_language or learner.preferred_language,
                        learner=learner,
                    ),
                )
    return guest if guest.grants else None


def guest_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Resolves ``request.guest``; without one, the page that explains how to get in again."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        guest = guest_from_request(request)
        if guest is None:
            return redirect(reverse("guest:lost") + "?ended=1")
        request.guest = guest  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def guest_mobility_get(
    *, guest: Guest, pk: Any, roles: tuple[str, ...] | None = None
) -> tuple[Mobility, Grant]:
    """The mobility if this guest holds a grant on it (in one of ``roles``); 404 for anything else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    grant = guest.grants.get(pk)
    if grant is None or (roles is not None and grant.role not in roles):
        raise Http404
    mobility = (
        Mobility.objects.select_related(
            "participant",
            "participant__qualification",
            "participant__employer",
            "centre",
            "activity_type",
            "host_organisation",
            "host_tutor",
        )
        .filter(pk=pk)
        .first()
    )
    if mobility is None:
        raise Http404
    return mobility, grant
