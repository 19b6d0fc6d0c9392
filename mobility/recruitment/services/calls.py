"""Calls for applications: created, filled with places and criteria, moved draft → open → closed →
decided, each change audited."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mobility.mobilities.services import check_centre
from mobility.recruitment.models import Call, CallPlace, CallStatus, Criterion
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record, model_save_changes, model_snapshot
from partners.directory.models import Organisation, OrganisationKind

CALL_FIELDS = (
    "title",
    "description",
    "translations",
    "project",
    "activity_type",
    "eligible_trades",
    "eligible_years",
    "min_age",
    "min_eqf_level",
    "asks_cv",
    "asks_letter",
    "language",
    "opens_on",
    "closes_on",
    "appeal_days",
)


def _validate(call: Call) -> None:
    if call.project_id and call.project.organisation_id not in (call.centre_id, call.centre.parent_id):
        raise ValidationError({"project": _("This project belongs to another organisation.")})
    for part in filter(None, (p.strip() for p in call.eligible_years.split(","))):
        if not part.isdigit() or not 1 <= int(part) <= 5:
            raise ValidationError(
                {"eligible_years": _("Give years of training from 1 to 5, separated by commas.")}
            )


def call_create(
    *,
    centre: Organisation,
    data: dict[str, Any],
    other_centres: list[Organisation] | None = None,
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> Call:
    """A new call, as a draft, for ``centre`` (and the other centres the user manages)."""
    check_centre(centre)
    require_capability(acting_user, Capability.MANAGE_LEARNERS, centre.pk)
    for other in other_centres or []:
        if other.kind != OrganisationKind.TRAINING_CENTRE:
            raise ValidationError({"other_centres": _("Choose training centres.")})
        require_capability(acting_user, Capability.MANAGE_LEARNERS, other.pk)
    call = Call(
        centre=centre,
        public_key=secrets.token_urlsafe(12),
        **{k: v for k, v in data.items() if k in CALL_FIELDS},
    )
    call.full_clean()
    _validate(call)
    with transaction.atomic():
        call.save()
        call.other_centres.set([c for c in other_centres or [] if c.pk != centre.pk])
        audit_record(
            action="call.create", actor=acting_user, target=call, centre_id=centre.pk, request=request
        )
    return call


def _lock(call: Call) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("centre", "project").get(pk=call.pk)


def call_update(
    *, call: Call, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> Call:
    """Changes a call; once decided, it is a record and stays as it is."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, call.centre_id)
    values = {k: v for k, v in data.items() if k in CALL_FIELDS}
    with transaction.atomic():
        call = _lock(call)
        if call.status == CallStatus.DECIDED:
            raise ValidationError(_("A decided call cannot be changed."))
        before = model_snapshot(call, list(values))
        for name, value in values.items():
            setattr(call, name, value)
        call.full_clean()
        _validate(call)
        model_save_changes(
            instance=call,
            before=before,
            acting_user=acting_user,
            action="call.update",
            centre_id=call.centre_id,
            request=request,
        )
    return call


def place_add(
    *, call: Call, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> CallPlace:
    """Adds places (a host, a city or a country) to a call not yet decided."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, call.centre_id)
    if call.status in (CallStatus.CLOSED, CallStatus.DECIDED):
        raise ValidationError(_("Places cannot be added once the call is closed."))
    place = CallPlace(
        call=call,
        **{k: data.get(k) for k in ("host_organisation", "city", "country", "places", "start", "end")},
    )
    if place.host_organisation_id and not place.country:
        place.country = place.host_organisation.country
        place.city = place.city or place.host_organisation.city
    if place.places is not None and place.places < 1:
        raise ValidationError({"places": _("Offer at least one place.")})
    place.full_clean()
    if place.end < place.start:
        raise ValidationError({"end": _("The end is before the start.")})
    with transaction.atomic():
        place.save()
        audit_record(
            action="call.place_add",
            actor=acting_user,
            target=call,
            centre_id=call.centre_id,
            data={"places": place.places},
            request=request,
        )
    return place


def criterion_add(
    *, call: Call, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> Criterion:
    """Adds a line to the grid while no application is scored on it."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, call.centre_id)
    if call.status != CallStatus.DRAFT:
        raise ValidationError(
            _("The criteria grid is fixed once the call is open: every candidate must know it.")
        )
    criterion = Criterion(
        call=call,
        order=call.criteria.count() + 1,
        **{k: data.get(k) for k in ("label", "weight", "max_points", "source") if data.get(k) is not None},
    )
    criterion.full_clean()
    with transaction.atomic():
        criterion.save()
        audit_record(
            action="call.criterion_add",
            actor=acting_user,
            target=call,
            centre_id=call.centre_id,
            data={"label": criterion.label, "weight": criterion.weight},
            request=request,
        )
    return criterion


CALL_TRANSITIONS = {
    CallStatus.DRAFT: (CallStatus.OPEN,),
    CallStatus.OPEN: (CallStatus.CLOSED, CallStatus.DRAFT),
    CallStatus.CLOSED: (CallStatus.DECIDED, CallStatus.OPEN),
    CallStatus.DECIDED: (),
}


def call_transition(
    *, call: Call, to_status: str, acting_user: User | None, request: HttpRequest | None = None
) -> Call:
    """Moves a call on: opening needs places and a grid; going back to draft needs no application."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, call.centre_id)
    with transaction.atomic():
        call = _lock(call)
        if to_status not in CALL_TRANSITIONS.get(call.status, ()):
            raise ValidationError(
                {
                    "status": _("A call cannot go from “%(from)s” to “%(to)s”.")
                    % {
                        "from": call.get_status_display(),
                        "to": CallStatus(to_status).label if to_status in CallStatus.values else to_status,
                    }
                }
            )
        if to_status == CallStatus.OPEN:
            total = sum(p.places for p in call.places.all())
            if total <= 0:
                raise ValidationError(
                    {"places": _("The call offers no place: add places before opening it.")}
                )
            if not call.criteria.exists():
                raise ValidationError(
                    {"criteria": _("The call has no criteria grid: add criteria before opening it.")}
                )
        if to_status == CallStatus.DRAFT and call.applications.exists():
            raise ValidationError({"status": _("Candidates have applied: the call cannot go back to draft.")})
        if to_status == CallStatus.DECIDED and call.applications.filter(status="submitted").exists():
            raise ValidationError({"status": _("Some submitted applications have no decision yet.")})
        before = call.status
        call.status = to_status
        call.save(update_fields=["status", "updated_at"])
        audit_record(
            action="call.transition",
            actor=acting_user,
            target=call,
            centre_id=call.centre_id,
            data={"from": before, "to": to_status},
            request=request,
        )
    return call
