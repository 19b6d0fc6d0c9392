"""Who hears about a mobility on the centre's side, and the e-mails that tell them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mobility.guests.models import AccessLink
from mobility.mobilities.models import Mobility
from partners.accounts.access import get_access
from partners.accounts.models import Membership, User
from partners.accounts.roles import Role
from partners.emails.models import OutboundEmail
from partners.emails.services import email_queue


def _now() -> datetime:
    return timezone.now()


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
