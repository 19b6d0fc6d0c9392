"""Reminders to tutors who have not confirmed the placement or sent the evaluation, automatic and manual."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.evaluations.models import (
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    GuestReminder,
    ReminderKind,
)
from mobility.evaluations.selectors import EVALUABLE
from mobility.guests.models import AccessLink, GuestRole, HostConfirmation
from mobility.guests.services import links as guests
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record

logger = logging.getLogger(__name__)


#: Reminders go this many days after the due date (at most one a day, never after submission).
REMINDER_OFFSETS: tuple[int, ...] = tuple(getattr(settings, "GUEST_REMINDER_OFFSETS", (3, 10)))

#: Days the tutor has to confirm the placement after the invitation (never later than the start).
CONFIRMATION_DAYS = 7


# --- Reminders ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pending:
    kind: str
    due: date
    since: Any  # reminders sent before this moment belong to an earlier round


def tutor_pending(*, link: AccessLink, mobility: Mobility, evaluation: Evaluation | None,
                  confirmation: HostConfirmation | None) -> Pending | None:  # fmt: skip
    """What the tutor still owes: the evaluation once the placement runs, the confirmation before."""
    if mobility.status in EVALUABLE:
        if evaluation is None or evaluation.status == EvaluationStatus.DRAFT:
            due = mobility.evaluation_due or mobility.planned_end + timedelta(days=14)
            return Pending(ReminderKind.EVALUATION, due, None)
        if evaluation.status == EvaluationStatus.RETURNED and evaluation.reviewed_at:
            return Pending(
                ReminderKind.EVALUATION, timezone.localdate(evaluation.reviewed_at), evaluation.reviewed_at
            )
        return None
    if mobility.status in (MobilityStatus.PLANNED, MobilityStatus.CONFIRMED):
        if confirmation is not None and confirmation.holds_for(mobility):
            return None
        if confirmation is not None and not confirmation.dates_confirmed:
            return None  # the tutor answered with other dates: the referent's move
        invited = timezone.localdate(link.created_at)
        due = min(invited + timedelta(days=CONFIRMATION_DAYS), mobility.planned_start)
        return Pending(ReminderKind.CONFIRMATION, due, None)
    return None


REMINDER_TEMPLATES: dict[str, str] = {
    ReminderKind.CONFIRMATION: "tutor_reminder_confirmation",
    ReminderKind.EVALUATION: "tutor_reminder_evaluation",
}


def _reminder_send(
    *, link: AccessLink, pending: Pending, manual: bool, today: date, sent_by: User | None
) -> GuestReminder:
    message = guests.link_send(
        link=link,
        kind=f"guest.reminder.{pending.kind}",
        template=REMINDER_TEMPLATES[pending.kind],
        sent_by=sent_by,
        context={"due": pending.due, "evaluation_due": link.mobility.evaluation_due},
    )
    return GuestReminder.objects.create(
        link=link, kind=pending.kind, manual=manual, sent_on=today, sent_by=sent_by, email=message
    )


def reminders_send_due(*, today: date | None = None) -> int:
    """Daily: reminds tutors who have not confirmed or evaluated, ``REMINDER_OFFSETS`` days after the
    due date; at most one reminder a day per link (a referent's own reminder counts), none after
    submission."""
    today = today or timezone.localdate()
    sent = 0
    links = (
        AccessLink.objects.filter(
            role=GuestRole.TUTOR, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .filter(mobility__status__in=[*EVALUABLE, MobilityStatus.PLANNED, MobilityStatus.CONFIRMED])
        .values_list("pk", flat=True)
    )
    for link_id in list(links):
        try:
            if _remind_one(link_id=link_id, today=today):
                sent += 1
        except IntegrityError:
            logger.info("reminder for link %s already sent today", link_id)
    return sent


def _remind_one(*, link_id: int, today: date) -> bool:
    with transaction.atomic():
        link = (
            AccessLink.objects.select_for_update(of=("self",))
            .select_related("mobility", "mobility__participant", "mobility__centre", "contact")
            .get(pk=link_id)
        )
        mobility = link.mobility
        if not link.is_usable or link.contact_id != mobility.host_tutor_id:
            return False
        pending = tutor_pending(
            link=link,
            mobility=mobility,
            evaluation=Evaluation.objects.filter(mobility=mobility, kind=EvaluationKind.TUTOR).first(),
            confirmation=HostConfirmation.objects.filter(mobility=mobility).first(),
        )
        if pending is None:
            return False
        reached = sum(1 for offset in REMINDER_OFFSETS if today >= pending.due + timedelta(days=offset))
        if reached == 0:
            return False
        earlier = GuestReminder.objects.filter(link=link, kind=pending.kind, manual=False)
        if pending.since is not None:
            earlier = earlier.filter(sent_at__gte=pending.since)
        if earlier.count() >= reached:
            return False
        if GuestReminder.objects.filter(link=link, sent_on=today).exists():
            return False
        _reminder_send(link=link, pending=pending, manual=False, today=today, sent_by=None)
        audit_record(
            action="reminder.send",
            actor_label="platform",
            target=link,
            centre_id=mobility.centre_id,
            data={"kind": pending.kind},
        )
    return True


def reminder_send_manual(
    *, mobility: Mobility, acting_user: User, request: HttpRequest | None = None
) -> GuestReminder:
    """A referent reminds the tutor now (the e-mail carries the tutor's link)."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    with transaction.atomic():
        mobility = guests.lock_mobility(mobility)
        link = guests.live_link(mobility=mobility, role=GuestRole.TUTOR)
        if link is None or not link.is_usable or link.contact_id != mobility.host_tutor_id:
            raise ValidationError(_("The tutor has no valid link: send the invitation first."))
        pending = tutor_pending(
            link=link,
            mobility=mobility,
            evaluation=Evaluation.objects.filter(mobility=mobility, kind=EvaluationKind.TUTOR).first(),
            confirmation=HostConfirmation.objects.filter(mobility=mobility).first(),
        )
        if pending is None:
            raise ValidationError(_("The tutor has nothing to do at the moment: no reminder needed."))
        reminder = _reminder_send(
            link=link, pending=pending, manual=True, today=timezone.localdate(), sent_by=acting_user
        )
        audit_record(
            action="reminder.send_manual",
            actor=acting_user,
            target=link,
            centre_id=mobility.centre_id,
            data={"kind": pending.kind},
            request=request,
        )
    return reminder


# --- Keeping statuses in step ----------------------------------------------------------------------
def evaluated_mobilities_follow() -> int:
    """Completed mobilities whose tutor evaluation was validated while they were still running."""
    from mobility.mobilities.services import TransitionError, mobility_transition

    moved = 0
    ids = Mobility.objects.filter(
        Q(status=MobilityStatus.COMPLETED) | Q(status=MobilityStatus.INTERRUPTED),
        evaluations__kind=EvaluationKind.TUTOR,
        evaluations__status=EvaluationStatus.VALIDATED,
    ).values_list("pk", flat=True)
    for pk in list(ids):
        try:
            mobility_transition(
                mobility=Mobility(pk=pk), to_status=MobilityStatus.EVALUATED, acting_user=None, system=True
            )
            moved += 1
        except (TransitionError, ValidationError):
            logger.info("mobility %s could not move to evaluated", pk)
    return moved
