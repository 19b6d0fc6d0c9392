"""What guests do on their pages: the tutor confirms the placement, signs the agreement, records
follow-ups; the agreement read in the guest's language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.agreements import translation as agreement_translation
from mobility.agreements.models import AgreementStatus, Party, SignatureMethod
from mobility.guests.models import GuestRole, HostConfirmation
from mobility.guests.services.links import lock_mobility
from mobility.guests.services.notifications import notify_referents
from mobility.guests.services.sessions import Grant
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.tracking.models import FollowUp
from partners.audit.services import audit_record


def _now() -> datetime:
    return timezone.now()


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
        mobility = lock_mobility(mobility)
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
    from mobility.agreements.selectors import agreement_current
    from mobility.agreements.services import agreement_sign

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
    from mobility.tracking.services import followup_record

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
# (kept here under its old name: the guest pages read it through this module)
agreement_text = agreement_translation.agreement_text
AgreementText = agreement_translation.AgreementText
