"""The sending employer's debrief (outcomes achieved, the tutor's summary) and their feedback."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.evaluations.models import (
    EmployerFeedback,
    EvaluationKind,
    EvaluationStatus,
)
from mobility.evaluations.selectors import evaluation_get
from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as guests
from mobility.guests.services import sessions as services_sessions
from mobility.mobilities.models import Mobility
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.emails.models import OutboundEmail


# --- Sending employer ---------------------------------------------------------------------------
def debrief_sent(mobility: Mobility) -> bool:
    return OutboundEmail.objects.filter(
        related_type=Mobility._meta.label,
        related_id=str(mobility.pk),
        kind__startswith="guest.invitation.employer",
    ).exists()


def employer_debrief_send(
    *, mobility: Mobility, acting_user: User | None, request: HttpRequest | None = None
) -> AccessLink:
    """E-mails the sending employer the debrief and their feedback link (once validated)."""
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    evaluation = evaluation_get(mobility=mobility, kind=EvaluationKind.TUTOR)
    if evaluation is None or evaluation.status != EvaluationStatus.VALIDATED:
        raise ValidationError(_("The debrief is sent once the tutor's evaluation is validated."))
    if acting_user is not None:
        return guests.access_link_invite(
            mobility=mobility, role=GuestRole.EMPLOYER, acting_user=acting_user, request=request
        )
    with transaction.atomic():
        locked = guests.lock_mobility(mobility)
        link, created = guests._ensure_link(mobility=locked, role=GuestRole.EMPLOYER, created_by=None)
        guests.link_send(
            link=link,
            kind="guest.invitation.employer",
            template=guests.INVITATION_TEMPLATES[GuestRole.EMPLOYER],
            context={"resent": not created},
        )
        audit_record(
            action="access_link.invite", actor_label="platform", target=link, centre_id=mobility.centre_id,
            data={"role": GuestRole.EMPLOYER},
        )  # fmt: skip
    return link


FEEDBACK_FIELDS = ("satisfaction", "observed_progress", "comments", "would_send_again")


def employer_feedback_submit(
    *,
    mobility: Mobility,
    grant: services_sessions.Grant,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> tuple[EmployerFeedback, bool]:
    """Stores the employer's feedback once; a second submit returns the stored one unchanged."""
    if grant.role != GuestRole.EMPLOYER:
        raise ValidationError(_("Only the sending employer gives this feedback."))
    values = {k: v for k, v in data.items() if k in FEEDBACK_FIELDS}
    with transaction.atomic():
        Mobility.objects.select_for_update(of=("self",)).filter(pk=mobility.pk).first()
        existing = EmployerFeedback.objects.filter(mobility=mobility).first()
        if existing is not None:
            return existing, False
        feedback = EmployerFeedback(
            mobility=mobility,
            contact=grant.link.contact if grant.link is not None else None,
            submitted_at=timezone.now(),
            **values,
        )
        feedback.full_clean()
        feedback.save()
        audit_record(
            action="employer_feedback.submit",
            actor_label=grant.label,
            target=feedback,
            centre_id=mobility.centre_id,
            request=request,
        )
    return feedback, True
