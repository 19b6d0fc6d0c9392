"""Recording and following up incidents; a serious one tells the centre's referents and administrators
at once by e-mail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.care.models import Incident, Severity
from mobility.guests.services.links import lock_mobility
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.quality.selectors import networks_of
from partners.accounts.access import require_capability
from partners.accounts.models import Membership, User
from partners.accounts.roles import Capability, Role
from partners.audit.services import audit_record
from partners.emails.services import email_queue

#: What a referent may fill in or change on an incident.
FIELDS = (
    "kind", "severity", "occurred_on", "place", "description", "actions", "informed",
    "guardians_informed_at", "led_to_interruption",
)  # fmt: skip

#: A mobility in one of these statuses never took place: nothing can have happened during it.
NOT_STARTED = (MobilityStatus.DRAFT, MobilityStatus.CANCELLED)


def _validate(mobility: Mobility, incident: Incident) -> None:
    errors: dict[str, str] = {}
    first, last = mobility.start, mobility.end
    if incident.occurred_on and not first <= incident.occurred_on <= last:
        errors["occurred_on"] = _(
            "The incident must be dated during the stay, from %(start)s to %(end)s."
        ) % {"start": first.strftime("%d/%m/%Y"), "end": last.strftime("%d/%m/%Y")}
    if incident.guardians_informed_at and incident.occurred_on:
        if timezone.localdate(incident.guardians_informed_at) < incident.occurred_on:
            errors["guardians_informed_at"] = _(
                "The guardians cannot have been informed before the incident."
            )
    if errors:
        raise ValidationError(errors)


def incident_record(
    *, mobility: Mobility, data: dict[str, Any], acting_user: User, request: HttpRequest | None = None
) -> Incident:
    """A new incident on the mobility (all or nothing); a serious one e-mails the centre's staff."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    if mobility.status in NOT_STARTED:
        raise ValidationError(_("This mobility has not taken place: no incident can be recorded on it."))
    with transaction.atomic():
        mobility = lock_mobility(mobility)
        incident = Incident(
            mobility=mobility, recorded_by=acting_user, **{k: data.get(k) for k in FIELDS if k in data}
        )
        incident.actions = incident.actions or ""
        incident.informed = incident.informed or ""
        incident.full_clean(exclude=["mobility", "recorded_by"])
        _validate(mobility, incident)
        incident.save()
        audit_record(action="incident.record", actor=acting_user, target=mobility, centre_id=mobility.centre_id,
                     data={"incident": incident.pk, "severity": incident.severity, "kind": incident.kind},
                     request=request)  # fmt: skip
        if incident.severity == Severity.SERIOUS:
            _notify(incident)
    return incident


def incident_update(
    *,
    incident: Incident,
    data: dict[str, Any],
    close: bool,
    acting_user: User,
    request: HttpRequest | None = None,
) -> Incident:
    """Follow-up of an incident: actions, who was informed, closing. A change to "serious" notifies."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, incident.mobility.centre_id)
    with transaction.atomic():
        mobility = lock_mobility(incident.mobility)
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        for key in FIELDS:
            if key in data:
                setattr(
                    incident,
                    key,
                    data[key] if data[key] is not None or key == "guardians_informed_at" else "",
                )
        if close and incident.closed_at is None:
            incident.closed_at = timezone.now()
        incident.full_clean(exclude=["mobility", "recorded_by"])
        _validate(mobility, incident)
        incident.save()
        audit_record(action="incident.close" if close else "incident.update", actor=acting_user, target=mobility,
                     centre_id=mobility.centre_id, data={"incident": incident.pk, "severity": incident.severity},
                     request=request)  # fmt: skip
        if incident.severity == Severity.SERIOUS and incident.notified_at is None:
            _notify(incident)
    return incident


def incident_recipients(mobility: Mobility) -> list[User]:
    """The centre's referents and administrators, and the administrators of the networks above it."""
    chain = networks_of(mobility.centre_id)
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .filter(organisation_id__in=chain)
        .select_related("user")
        .order_by("user__email")
    )
    users: dict[int, User] = {}
    for m in memberships:
        own_centre = m.organisation_id == mobility.centre_id
        if (own_centre and m.role in (Role.REFERENT, Role.CENTRE_ADMIN)) or m.role in (
            Role.NETWORK_ADMIN, Role.CENTRE_ADMIN,
        ):  # fmt: skip
            users.setdefault(m.user_id, m.user)
    return list(users.values())


def _notify(incident: Incident) -> None:
    mobility = incident.mobility
    url = settings.SITE_URL + reverse("care:incidents", args=[mobility.pk])
    for user in incident_recipients(mobility):
        email_queue(
            kind="care.incident.serious",
            to=user.email,
            to_name=str(user),
            template="incident_serious",
            context={"incident": incident, "mobility": mobility, "learner": mobility.participant,
                     "centre": mobility.centre, "url": url},
            language=user.preferred_language,
            centre_id=mobility.centre_id,
            related=mobility,
        )  # fmt: skip
    incident.notified_at = timezone.now()
    incident.save(update_fields=["notified_at"])


# --- Reading who is abroad (audited: it gathers personal data of minors) ---------------------------
def abroad_now_read(
    *, user: User, rows: list[Any], filters: dict[str, Any], via: str, request: HttpRequest | None = None
) -> None:
    """One audit entry per centre whose participants the reader saw (and one when the list was empty)."""
    centres = sorted({r.mobility.centre_id for r in rows}) or [None]
    for centre_id in centres[:50]:
        audit_record(action="abroad_now.read", actor=user, centre_id=centre_id, target_type="care.AbroadNow",
                     data={"via": via, "rows": sum(1 for r in rows if r.mobility.centre_id == centre_id),
                           "filters": {k: v for k, v in filters.items() if v}},
                     request=request)  # fmt: skip
