"""Personal links: bound to one person, one mobility and one role; their secrets are made when the
e-mail carrying them leaves (the stored e-mail holds a placeholder), so no copy of a secret is kept.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus
from mobility.guests.models import AccessLink, GuestRole
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.directory.models import Contact
from partners.emails.models import OutboundEmail
from partners.emails.secrets import Placeholders
from partners.emails.services import email_language, email_queue
from partners.http import client_ip


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return timezone.now()


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

CODE_TTL_SECONDS = 15 * 60

#: The one e-mail whose links are not all of one mobility: every live link of the address.
LOST_LINK_KIND = "guest.lost_link"


class LinkProblem(Exception):
    """A link that cannot be opened; ``reason`` says why (unknown, tampered, expired, revoked)."""

    def __init__(self, reason: str, link: AccessLink | None = None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


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
        from mobility.evaluations.selectors import debrief_context

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


def lock_mobility(mobility: Mobility) -> Mobility:
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
        mobility = lock_mobility(mobility)
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
        mobility = lock_mobility(mobility)
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
def address_key(prefix: str, request: HttpRequest) -> str:
    digest = hashlib.sha256((client_ip(request) or "unknown").encode()).hexdigest()[:32]
    return f"{prefix}:{digest}"


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
