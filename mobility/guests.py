"""People without an account: host tutors, learners and sending employers, reached by scoped links.

A link (``AccessLink``) is bound to one person, one mobility and one role. Its key is the public
``lookup`` followed by a secret of 256 bits; only SHA-256 hashes of secrets are stored. The secret
is made when the e-mail carrying it is delivered (``email_link_issue``), so no copy of it is ever
kept: the stored e-mail holds a placeholder bound to that message and its recipient. Opening the
link exchanges it for a guest session (the session holds link ids, never a token) and redirects to
a token-free address.

Guests act through the same services as staff with ``acting_user=None`` and a label naming them.
Every guest page fetches its mobility through ``guest_mobility_get``: anything outside the
session's grants is a 404.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partners.access import get_access, require_capability
from partners.audit import audit_record
from partners.emails import Placeholders, email_language, email_queue
from partners.http import client_ip
from partners.models import Contact, Membership, OutboundEmail, User
from partners.roles import Capability, Role

from .models import (
    AccessLink,
    AgreementStatus,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    FollowUp,
    GuestRole,
    HostConfirmation,
    Learner,
    Mobility,
    MobilityStatus,
    Party,
    SignatureMethod,
)

logger = logging.getLogger(__name__)

LOOKUP_LENGTH = 12
SECRET_BYTES = 32
#: Earlier secrets that keep working (each e-mail carries its own); older e-mails fall back to
#: the "get a new link" page.
EARLIER_SECRETS_KEPT = 20
#: How long after the evaluation deadline a link still opens, per role.
LINK_DAYS_AFTER_DUE: dict[str, int] = getattr(
    settings,
    "GUEST_LINK_DAYS_AFTER_DUE",
    {GuestRole.TUTOR: 60, GuestRole.LEARNER: 400, GuestRole.EMPLOYER: 120},
)
#: A guest session ends after this long without a request (the link opens a new one).
SESSION_IDLE_SECONDS: int = getattr(settings, "GUEST_SESSION_IDLE_SECONDS", 4 * 3600)
CODE_TTL_SECONDS = 15 * 60
#: Codes checked per code request, and per client address and hour whatever the request (the
#: e-mail with the code also carries a fresh link, which opens even when the code page is closed).
CODE_MAX_ATTEMPTS = 5
CODE_CHECKS_PER_IP = 30
#: Requests for a new link: per e-mail address and per IP address, per hour.
LOST_LINK_LIMIT_PER_ADDRESS = 3
LOST_LINK_LIMIT_PER_IP = 10
RENEW_LIMIT_PER_LINK = 3
#: Failed link openings per IP address and hour before we stop looking links up for it.
EXCHANGE_FAILURE_LIMIT = 30

SESSION_LINKS = "guest_links"
SESSION_SEEN = "guest_seen"
SESSION_CODE = "guest_code_request"

KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
#: The one e-mail whose links are not all of one mobility: every live link of the address.
LOST_LINK_KIND = "guest.lost_link"


class LinkProblem(Exception):
    """A link that cannot be opened; ``reason`` says why (unknown, tampered, expired, revoked)."""

    def __init__(self, reason: str, link: AccessLink | None = None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return timezone.now()


# --- Who a link is for --------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    email: str
    language: str
    name: str
    contact: Contact | None = None
    learner: Learner | None = None


def person_for(*, mobility: Mobility, role: str) -> Person:
    """The person a mobility's link of ``role`` goes to, or a ValidationError saying what is missing."""
    learner = mobility.participant
    if role == GuestRole.TUTOR:
        tutor = mobility.host_tutor
        if tutor is None:
            raise ValidationError(_("Appoint the host tutor of this mobility first."))
        if not tutor.email:
            raise ValidationError(
                _("The tutor %(name)s has no e-mail address: add it to the contact first.")
                % {"name": tutor.full_name}
            )
        return Person(tutor.email, tutor.preferred_language or "en", tutor.full_name, contact=tutor)
    if role == GuestRole.LEARNER:
        if not learner.email:
            raise ValidationError(
                _("%(name)s has no e-mail address: add it to the learner first.")
                % {"name": learner.full_name}
            )
        return Person(learner.email, learner.preferred_language or "fr", learner.full_name, learner=learner)
    if role == GuestRole.EMPLOYER:
        contact = learner.employer_contact
        if contact is not None and contact.email:
            return Person(
                contact.email, contact.preferred_language or "fr", contact.full_name, contact=contact
            )
        employer = learner.employer
        if employer is not None and employer.email:
            # The employer is at home, where the learner lives: the learner's language is the best guess.
            return Person(
                employer.email, learner.preferred_language or "fr", employer.display_name, learner=learner
            )
        raise ValidationError(
            _("No e-mail address for %(name)s's sending employer: add the employer contact first.")
            % {"name": learner.full_name}
        )
    raise ValidationError(_("Unknown kind of link."))


def link_expiry(*, mobility: Mobility, role: str) -> datetime:
    """Links stay valid until well after the evaluation deadline (never less than a month from now)."""
    due = mobility.evaluation_due or (mobility.planned_end + timedelta(days=14))
    last_day = due + timedelta(days=LINK_DAYS_AFTER_DUE.get(role, 60))
    last_day = max(last_day, timezone.localdate() + timedelta(days=30))
    return timezone.make_aware(datetime.combine(last_day, datetime.max.time().replace(microsecond=0)))


def live_link(*, mobility: Mobility, role: str) -> AccessLink | None:
    """The mobility's current (not revoked) link for ``role``, if any."""
    return (
        AccessLink.objects.filter(mobility=mobility, role=role, revoked_at__isnull=True)
        .select_related("contact", "learner")
        .order_by("-created_at")
        .first()
    )


# --- Inviting, re-sending, revoking (referent) ---------------------------------------------------
INVITATION_TEMPLATES: dict[str, str] = {
    GuestRole.TUTOR: "guest_invitation_tutor",
    GuestRole.LEARNER: "guest_invitation_learner",
    GuestRole.EMPLOYER: "employer_debrief",
}


def _ensure_link(*, mobility: Mobility, role: str, created_by: User | None) -> tuple[AccessLink, bool]:
    """The live link for the mobility's current person of ``role``; a new one when there is none.

    A link whose person or address no longer matches the mobility (another tutor was appointed,
    the address changed) is revoked and replaced: a link never follows an address it was not sent to.
    Call inside a transaction that holds the mobility's row lock.
    """
    person = person_for(mobility=mobility, role=role)
    current = live_link(mobility=mobility, role=role)
    if current is not None:
        if person.contact is not None:
            same_person = current.contact_id == person.contact.pk
        else:
            same_person = current.contact_id is None and current.learner_id == getattr(
                person.learner, "pk", None
            )
        if same_person and current.email.lower() == person.email.lower():
            expiry = link_expiry(mobility=mobility, role=role)
            fields = []
            if current.expires_at < expiry:
                current.expires_at = expiry
                fields.append("expires_at")
            if current.language != person.language:
                current.language = person.language
                fields.append("language")
            if fields:
                current.save(update_fields=fields)
            return current, False
        current.revoked_at = _now()
        current.revoked_by = created_by
        current.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action="access_link.replace",
            actor=created_by,
            target=current,
            centre_id=mobility.centre_id,
            data={"role": role},
        )
    link = AccessLink(
        mobility=mobility,
        role=role,
        contact=person.contact,
        learner=person.learner if person.contact is None else None,
        email=person.email.lower(),
        language=email_language(person.language),
        lookup=secrets.token_urlsafe(9)[:LOOKUP_LENGTH],
        expires_at=link_expiry(mobility=mobility, role=role),
        created_by=created_by if created_by is not None and created_by.is_authenticated else None,
    )
    link.full_clean(exclude=["token_hash", "lookup"])
    link.save()
    return link, True


def link_email_context(link: AccessLink, placeholders: Placeholders, **extra: Any) -> dict[str, Any]:
    mobility = link.mobility
    if link.role == GuestRole.EMPLOYER:
        from .evaluations import debrief_context

        extra = {**debrief_context(mobility=mobility), **extra}
    return {
        "link": link,
        "link_url": placeholders.add("link", link.pk),
        "lost_url": settings.SITE_URL + reverse("guest:lost"),
        "mobility": mobility,
        "learner": mobility.participant,
        "centre": mobility.centre,
        "host": mobility.host_organisation,
        "tutor": mobility.host_tutor,
        "person_name": link.person_name,
        "expires_on": timezone.localtime(link.expires_at).date(),
        **extra,
    }


def link_send(
    *,
    link: AccessLink,
    kind: str,
    template: str,
    sent_by: User | None = None,
    context: dict[str, Any] | None = None,
) -> OutboundEmail:
    """Queues an e-mail carrying a fresh secret of ``link`` (made at delivery, never stored)."""
    placeholders = Placeholders()
    message = email_queue(
        kind=kind,
        to=link.email,
        to_name=link.person_name,
        template=template,
        context=link_email_context(link, placeholders, **(context or {})),
        language=link.language,
        centre_id=link.mobility.centre_id,
        related=link.mobility,
        sent_by=sent_by,
        placeholders=placeholders,
    )
    link.last_sent_at = _now()
    link.send_count += 1
    link.save(update_fields=["last_sent_at", "send_count"])
    return message


def _lock_mobility(mobility: Mobility) -> Mobility:
    return (
        Mobility.objects.select_for_update(of=("self",))
        .select_related(
            "participant",
            "participant__employer",
            "participant__employer_contact",
            "host_tutor",
            "host_organisation",
            "centre",
            "activity_type",
        )
        .get(pk=mobility.pk)
    )


def access_link_invite(
    *, mobility: Mobility, role: str, acting_user: User, request: HttpRequest | None = None
) -> AccessLink:
    """Sends the person of ``role`` their link (a new link, or the live one again). Audited."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    if role not in GuestRole.values:
        raise ValidationError(_("Unknown kind of link."))
    if mobility.status == MobilityStatus.CANCELLED:
        raise ValidationError(_("This mobility is cancelled: nobody needs a link to it."))
    if (
        role == GuestRole.EMPLOYER
        and not Evaluation.objects.filter(
            mobility=mobility, kind=EvaluationKind.TUTOR, status=EvaluationStatus.VALIDATED
        ).exists()
    ):
        raise ValidationError(
            _("The employer's link comes with the debrief: validate the tutor's evaluation first.")
        )
    with transaction.atomic():
        mobility = _lock_mobility(mobility)
        link, created = _ensure_link(mobility=mobility, role=role, created_by=acting_user)
        link_send(
            link=link,
            kind=f"guest.invitation.{role}",
            template=INVITATION_TEMPLATES[role],
            sent_by=acting_user,
            context={"resent": not created},
        )
        audit_record(
            action="access_link.invite" if created else "access_link.resend",
            actor=acting_user,
            target=link,
            centre_id=mobility.centre_id,
            data={"role": role},
            request=request,
        )
    return link


def access_link_resend(
    *, link: AccessLink, acting_user: User, request: HttpRequest | None = None
) -> AccessLink:
    """Sends a live link again (a new e-mail with its own secret; earlier e-mails keep working)."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, link.mobility.centre_id)
    link = AccessLink.objects.select_related("mobility").get(pk=link.pk)
    if link.revoked_at is not None:
        raise ValidationError(_("This link was revoked: send a new invitation instead."))
    return access_link_invite(
        mobility=link.mobility, role=link.role, acting_user=acting_user, request=request
    )


def access_link_revoke(
    *, link: AccessLink, acting_user: User, request: HttpRequest | None = None
) -> AccessLink:
    """Withdraws a link at once: every copy of it stops opening, sessions opened with it end."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, link.mobility.centre_id)
    with transaction.atomic():
        link = AccessLink.objects.select_for_update().select_related("mobility").get(pk=link.pk)
        if link.revoked_at is not None:
            return link
        link.revoked_at = _now()
        link.revoked_by = acting_user
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action="access_link.revoke",
            actor=acting_user,
            target=link,
            centre_id=link.mobility.centre_id,
            data={"role": link.role},
            request=request,
        )
    return link


def access_link_ensure_and_send(
    *, mobility: Mobility, role: str, kind: str, template: str, context: dict[str, Any] | None = None
) -> tuple[AccessLink, OutboundEmail] | None:
    """For messages the platform sends by itself (sent back, debrief): the person's link in it.

    Returns None when the person has no address (the referent sees it on the mobility's page).
    """
    with transaction.atomic():
        mobility = _lock_mobility(mobility)
        try:
            link, _created = _ensure_link(mobility=mobility, role=role, created_by=None)
        except ValidationError:
            return None
        message = link_send(link=link, kind=kind, template=template, context=context)
    return link, message


# --- Secrets, made at delivery ------------------------------------------------------------------
def _lost_url() -> str:
    return settings.SITE_URL + reverse("guest:lost")


def _new_secret_url(link: AccessLink) -> str:
    """A fresh secret added to the link's valid hashes (the link's row is locked by the caller)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    if link.token_hash:
        link.earlier_token_hashes = [link.token_hash, *link.earlier_token_hashes][:EARLIER_SECRETS_KEPT]
    link.token_hash = _hash(secret)
    link.save(update_fields=["token_hash", "earlier_token_hashes"])
    return settings.SITE_URL + reverse("guest:exchange", kwargs={"key": link.lookup + secret})


def issue_link_url(link_id: int) -> str:
    """A fresh link for an operator to hand over (``guest_link``); the "lost link" page if it is dead."""
    with transaction.atomic():
        link = AccessLink.objects.select_for_update().filter(pk=link_id).first()
        if link is None or not link.is_usable:
            return _lost_url()
        return _new_secret_url(link)


def email_link_issue(message: OutboundEmail, reference: str) -> str:
    """At delivery: a fresh secret of a link bound to ``message``, audited with the message's id.

    Only for a live link of the message's recipient and of the message's mobility (any of the
    address's mobilities for the lost-link e-mail); anything else gets the "lost link" page.
    """
    if not reference.isdigit():
        return _lost_url()
    with transaction.atomic():
        link = (
            AccessLink.objects.select_for_update(of=("self",))
            .select_related("mobility")
            .filter(pk=int(reference))
            .first()
        )
        if link is None or not link.is_usable or link.email.lower() != message.to.lower():
            return _lost_url()
        same_mobility = (message.related_type, message.related_id) == (
            Mobility._meta.label,
            str(link.mobility_id),
        )
        if message.kind != LOST_LINK_KIND and not same_mobility:
            return _lost_url()
        url = _new_secret_url(link)
        audit_record(
            action="access_link.issue",
            actor_label="platform",
            target=link,
            centre_id=link.mobility.centre_id,
            data={"email": message.pk, "role": link.role},
        )
    return url


def _code_key(request_id: str) -> str:
    return f"guest-code:{request_id}"


def email_code_issue(message: OutboundEmail, reference: str) -> str:
    """At delivery: the code of a lost-link request made for the message's recipient, audited."""
    entry = cache.get(_code_key(reference)) or {}
    if message.kind != LOST_LINK_KIND or entry.get("email") != message.to.lower():
        return "······"  # the request expired (codes last 15 minutes): the person asks again
    code = f"{secrets.randbelow(1_000_000):06d}"
    entry.update({"hash": _hash(code), "issued": time.time()})
    cache.set(_code_key(reference), entry, CODE_TTL_SECONDS)
    audit_record(
        action="guest_code.issue",
        actor_label="platform",
        target=message,
        centre_id=message.centre_id,
        data={"email": message.pk},
    )
    return code


# --- Opening a link -------------------------------------------------------------------------------
def _address_key(prefix: str, request: HttpRequest) -> str:
    digest = hashlib.sha256((client_ip(request) or "unknown").encode()).hexdigest()[:32]
    return f"{prefix}:{digest}"


def _fail_key(request: HttpRequest) -> str:
    return _address_key("guest-exchange-fail", request)


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


# --- Lost links: a fresh link and a code by e-mail -----------------------------------------------------
def _bump(key: str, window: int) -> int:
    try:
        if cache.add(key, 1, window):
            return 1
        return int(cache.incr(key))
    except Exception:
        logger.warning("rate-limit counter unavailable", exc_info=True)
        return 0


def lost_link_request(*, email: str, request: HttpRequest, language: str) -> bool:
    """Asks for new links for ``email``. The answer never says whether the address is known.

    Returns False when the rate limit is reached (nothing is sent). The look-up and the e-mail
    happen in a worker, so the response takes the same time for any address.
    """
    address = email.strip().lower()
    digest = _hash(address)[:32]
    if (
        _bump(f"guest-lost:addr:{digest}", 3600) > LOST_LINK_LIMIT_PER_ADDRESS
        or _bump(_address_key("guest-lost:ip", request), 3600) > LOST_LINK_LIMIT_PER_IP
    ):
        return False
    request_id = secrets.token_urlsafe(18)
    request.session[SESSION_CODE] = {"id": request_id, "email": address, "at": int(time.time())}
    cache.set(_code_key(request_id), {"email": address}, CODE_TTL_SECONDS)

    def publish() -> None:
        from .tasks import guest_lost_link

        try:
            guest_lost_link.delay(address, request_id, language)
        except Exception:
            logger.warning("could not publish a lost-link request", exc_info=True)

    transaction.on_commit(publish)
    return True


def usable_links_for(email: str) -> list[AccessLink]:
    return list(
        AccessLink.objects.filter(email__iexact=email.strip(), revoked_at__isnull=True, expires_at__gt=_now())
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .select_related("mobility", "mobility__participant", "mobility__centre", "contact", "learner")
        .order_by("-created_at")
    )


def lost_link_send(*, email: str, request_id: str, language: str) -> OutboundEmail | None:
    """Worker side: one e-mail with a fresh link per mobility and a code; nothing for unknown addresses."""
    links = usable_links_for(email)
    if not links:
        return None
    first = links[0]
    placeholders = Placeholders()
    with transaction.atomic():
        message = email_queue(
            kind=LOST_LINK_KIND,
            to=first.email,
            to_name=first.person_name,
            template="guest_lost_link",
            context={
                "links": [(link, placeholders.add("link", link.pk)) for link in links],
                "code": placeholders.add("code", request_id),
                "person_name": first.person_name,
                "minutes": CODE_TTL_SECONDS // 60,
            },
            language=first.language or language,
            centre_id=first.mobility.centre_id,
            related=first.mobility,
            placeholders=placeholders,
        )
        for link in links:
            audit_record(
                action="access_link.lost_link_sent",
                actor_label=link.audit_label,
                target=link,
                centre_id=link.mobility.centre_id,
            )
    return message


def lost_link_verify_code(*, request: HttpRequest, code: str) -> list[AccessLink]:
    """Opens a guest session on every live link of the address, if ``code`` is the one e-mailed."""
    pending = request.session.get(SESSION_CODE)
    if not pending:
        raise ValidationError(_("Ask for a code first: enter your e-mail address."))
    # Counted in the cache, one atomic increment per check before it is made: requests sent at
    # once cannot all read the same count (the session is only saved when each one ends).
    if _bump(_address_key("guest-code:ip", request), 3600) > CODE_CHECKS_PER_IP:
        raise ValidationError(
            _(
                "Too many codes were tried from your network. Open the link in the e-mail we sent "
                "you, or try again in an hour."
            )
        )
    if _bump(f"guest-code-checks:{pending['id']}", CODE_TTL_SECONDS) > CODE_MAX_ATTEMPTS:
        raise ValidationError(_("Too many wrong codes. Ask for a new code."))
    entry = cache.get(_code_key(pending["id"])) or {}
    cleaned = re.sub(r"\D", "", code or "")
    if not entry.get("hash") or not hmac.compare_digest(entry["hash"], _hash(cleaned)):
        raise ValidationError(
            _("This code is not the one we sent, or it has expired (codes last 15 minutes).")
        )
    cache.delete(_code_key(pending["id"]))
    request.session.pop(SESSION_CODE, None)
    links = usable_links_for(pending["email"])
    now = _now()
    for link in links:
        AccessLink.objects.filter(pk=link.pk).update(
            last_used_at=now, first_used_at=link.first_used_at or now
        )
        audit_record(
            action="access_link.open_by_code",
            actor_label=link.audit_label,
            target=link,
            centre_id=link.mobility.centre_id,
            request=request,
        )
    return links


def access_link_renew_request(*, lookup: str, request: HttpRequest) -> bool:
    """From the "link does not work" page: a fresh link to the address on file, if the link is live."""
    link = AccessLink.objects.select_related("mobility").filter(lookup=lookup[:LOOKUP_LENGTH]).first()
    if link is None:
        return False
    if _bump(f"guest-renew:{link.pk}", 24 * 3600) > RENEW_LIMIT_PER_LINK:
        return False
    if not link.is_usable or link.mobility.status == MobilityStatus.CANCELLED:
        return False
    with transaction.atomic():
        link_send(
            link=link,
            kind=f"guest.renewed.{link.role}",
            template=INVITATION_TEMPLATES[link.role],
            context={"resent": True},
        )
        audit_record(
            action="access_link.renewed",
            actor_label=link.audit_label,
            target=link,
            centre_id=link.mobility.centre_id,
            request=request,
        )
    return True


def mask_email(address: str) -> str:
    """``m•••@host.example``: enough for a person to recognise their address, not to learn it."""
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


# --- Telling the referent ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    user: User | None = None


def referent_recipients(*, mobility: Mobility, link: AccessLink | None = None) -> list[Recipient]:
    """Who hears about a mobility: the referent who sent the link, else the centre's referents, else
    the centre's address."""
    if link is not None and link.created_by_id:
        user = link.created_by
        still_there = mobility.centre_id in get_access(user).centre_ids
        if user is not None and user.is_active and still_there:
            return [Recipient(user.email, str(user), user.preferred_language, user)]
    memberships = (
        Membership.objects.filter(
            organisation_id=mobility.centre_id,
            role__in=[Role.REFERENT, Role.CENTRE_ADMIN],
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("role", "user__email")
    )
    referents = [m.user for m in memberships if m.role == Role.REFERENT] or [m.user for m in memberships]
    if referents:
        return [Recipient(u.email, str(u), u.preferred_language, u) for u in referents[:5]]
    if mobility.centre.email:
        return [Recipient(mobility.centre.email, mobility.centre.display_name, "fr")]
    return []


def mobility_page_url(mobility: Mobility, *, absolute: bool = False) -> str:
    """The referent's page of the mobility (the evaluation page until the mobility pages exist)."""
    from django.urls import NoReverseMatch

    for name in ("mobility:mobility-detail", "mobility:mobility_detail", "mobility:detail"):
        try:
            url = reverse(name, kwargs={"pk": mobility.pk})
            break
        except NoReverseMatch:
            continue
    else:
        url = reverse("evaluations:review", kwargs={"pk": mobility.pk})
    return settings.SITE_URL + url if absolute else url


def notify_referents(
    *,
    mobility: Mobility,
    kind: str,
    template: str,
    context: dict[str, Any],
    link: AccessLink | None = None,
) -> list[OutboundEmail]:
    sent = []
    for recipient in referent_recipients(mobility=mobility, link=link):
        sent.append(
            email_queue(
                kind=kind,
                to=recipient.email,
                to_name=recipient.name,
                template=template,
                context={
                    "mobility": mobility,
                    "learner": mobility.participant,
                    "centre": mobility.centre,
                    "recipient": recipient,
                    "mobility_url": mobility_page_url(mobility, absolute=True),
                    "review_url": settings.SITE_URL
                    + reverse("evaluations:review", kwargs={"pk": mobility.pk}),
                    **context,
                },
                language=recipient.language,
                centre_id=mobility.centre_id,
                related=mobility,
            )
        )
    return sent


def link_problem_notify(*, link: AccessLink, reason: str) -> bool:
    """Tells the referent that someone tried a dead link (at most once a day per link)."""
    with transaction.atomic():
        locked = AccessLink.objects.select_for_update().get(pk=link.pk)
        if locked.problem_notified_at and locked.problem_notified_at > _now() - timedelta(days=1):
            return False
        locked.problem_notified_at = _now()
        locked.save(update_fields=["problem_notified_at"])
        mobility = (
            Mobility.objects.select_related("participant", "centre").filter(pk=link.mobility_id).first()
        )
        if mobility is None:
            return False
        notify_referents(
            mobility=mobility,
            kind="referent.link_problem",
            template="referent_link_problem",
            context={"link": locked, "reason": reason, "person_name": link.person_name},
            link=locked,
        )
    return True


# --- What tutors do ---------------------------------------------------------------------------------
def host_confirmation_record(
    *,
    mobility: Mobility,
    grant: Grant,
    dates_confirmed: bool,
    proposed_start: date | None = None,
    proposed_end: date | None = None,
    comment: str = "",
    request: HttpRequest | None = None,
) -> HostConfirmation:
    """The tutor confirms the placement on the planned dates, or proposes other dates (referent told)."""
    if grant.role != GuestRole.TUTOR:
        raise ValidationError(_("Only the host tutor confirms the placement."))
    if mobility.status in (MobilityStatus.CANCELLED, MobilityStatus.CERTIFIED, MobilityStatus.EVALUATED):
        raise ValidationError(_("This placement can no longer be confirmed."))
    errors: dict[str, str] = {}
    if not dates_confirmed:
        if not proposed_start:
            errors["proposed_start"] = _("Give the start date you propose.")
        if not proposed_end:
            errors["proposed_end"] = _("Give the end date you propose.")
        if proposed_start and proposed_end and proposed_end < proposed_start:
            errors["proposed_end"] = _("The end date is before the start date.")
        if not errors and proposed_start == mobility.planned_start and proposed_end == mobility.planned_end:
            errors["proposed_start"] = _("These are the planned dates: confirm them instead.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mobility = _lock_mobility(mobility)
        answer, _created = HostConfirmation.objects.update_or_create(
            mobility=mobility,
            defaults={
                "dates_confirmed": dates_confirmed,
                "confirmed_start": mobility.planned_start,
                "confirmed_end": mobility.planned_end,
                "proposed_start": None if dates_confirmed else proposed_start,
                "proposed_end": None if dates_confirmed else proposed_end,
                "comment": comment.strip(),
                "answered_by": grant.name[:200],
                "answered_at": _now(),
            },
        )
        audit_record(
            action="placement.confirm" if dates_confirmed else "placement.other_dates",
            actor_label=grant.label,
            target=mobility,
            centre_id=mobility.centre_id,
            request=request,
        )
        notify_referents(
            mobility=mobility,
            kind="referent.placement_answer",
            template="referent_placement_answer",
            context={"answer": answer, "tutor_name": grant.name},
            link=grant.link,
        )
    return answer


def guest_agreement_sign(
    *, mobility: Mobility, grant: Grant, signer_name: str, request: HttpRequest | None = None
) -> Any:
    """The tutor signs for the host organisation, the learner for themself, in the platform."""
    from .selectors import agreement_current
    from .services import agreement_sign

    party = {GuestRole.TUTOR: Party.HOST, GuestRole.LEARNER: Party.LEARNER}.get(grant.role)  # type: ignore[call-overload]
    if party is None:
        raise ValidationError(_("You do not sign this agreement."))
    agreement = agreement_current(mobility=mobility)
    if agreement is None or agreement.status == AgreementStatus.SUPERSEDED:
        raise ValidationError(_("There is no learning agreement to sign yet."))
    return agreement_sign(
        agreement=agreement,
        party=party,
        signer_name=signer_name,
        method=SignatureMethod.IN_APP,
        acting_user=None,
        actor_label=grant.label,
        request=request,
    )


def guest_followup_record(
    *,
    mobility: Mobility,
    grant: Grant,
    data: dict[str, Any],
    followup: FollowUp | None = None,
    request: HttpRequest | None = None,
) -> FollowUp:
    """A check-in recorded by the tutor; one that needs attention reaches the referent at once."""
    from .services import followup_record

    if grant.role != GuestRole.TUTOR:
        raise ValidationError(_("Only the host tutor records follow-ups here."))
    with transaction.atomic():
        recorded = followup_record(
            mobility=mobility,
            data=data,
            followup=followup,
            acting_user=None,
            author_kind="tutor",
            author_label=grant.label,
            request=request,
        )
        if recorded.needs_attention:
            notify_referents(
                mobility=mobility,
                kind="referent.followup_attention",
                template="referent_followup_attention",
                context={"followup": recorded, "tutor_name": grant.name},
                link=grant.link,
            )
    return recorded


def safe_integrity(func: Callable[[], Any]) -> Any:
    """Runs ``func`` in a savepoint; a unique-constraint race returns None instead of raising."""
    try:
        with transaction.atomic():
            return func()
    except IntegrityError:
        return None


# --- Reading the agreement in the guest's language ------------------------------------------------
@dataclass
class AgreementText:
    objectives: str
    tasks: str
    outcomes: dict[int, str]
    language: str
    translated: bool


def agreement_text(*, agreement: Any, language: str) -> AgreementText:
    """Objectives, tasks and outcomes in ``language`` where the referent translated them.

    ``LearningAgreement.translations`` maps a language to ``{"objectives", "tasks", "outcomes"}``;
    outcomes are a list in the agreement's order or a mapping by outcome id.
    """
    code = (language or "").split("-")[0]
    outcomes = list(agreement.outcomes.all())
    base = AgreementText(
        objectives=agreement.objectives,
        tasks=agreement.tasks,
        outcomes={o.pk: o.description for o in outcomes},
        language=agreement.language,
        translated=False,
    )
    if not code or code == (agreement.language or "").split("-")[0]:
        return base
    entry = (agreement.translations or {}).get(code)
    if not isinstance(entry, dict):
        return base
    texts = dict(base.outcomes)
    given = entry.get("outcomes")
    if isinstance(given, list):
        for outcome, text in zip(outcomes, given, strict=False):
            if isinstance(text, str) and text.strip():
                texts[outcome.pk] = text.strip()
    elif isinstance(given, dict):
        for outcome in outcomes:
            text = given.get(str(outcome.pk))
            if isinstance(text, str) and text.strip():
                texts[outcome.pk] = text.strip()
    return AgreementText(
        objectives=(entry.get("objectives") or "").strip() or agreement.objectives,
        tasks=(entry.get("tasks") or "").strip() or agreement.tasks,
        outcomes=texts,
        language=code,
        translated=True,
    )
