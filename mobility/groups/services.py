"""Planning a group (learners who travel together, with accompanying persons) and its members in one go."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mobility.guests.models import GuestRole
from mobility.guests.services.links import access_link_invite, live_link, lock_mobility, person_for
from mobility.learners.models import Learner
from mobility.mobilities.models import GROUP_FIELDS, Mobility, MobilityGroup, MobilityStatus
from mobility.mobilities.services import check_centre, mobility_create, mobility_transition, mobility_update
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record, model_update
from partners.directory.models import Organisation

# --- Groups and projects ----------------------------------------------------------------------


def group_create(
    *,
    centre: Organisation,
    data: dict[str, Any],
    participants: list[Learner],
    acting_user: User | None,
    host_organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> MobilityGroup:
    """Plans one departure for many learners: the group and a mobility per learner, all or nothing."""
    check_centre(centre)
    require_capability(acting_user, Capability.MANAGE_LEARNERS, centre.pk)
    values = {k: v for k, v in data.items() if k in GROUP_FIELDS}
    group = MobilityGroup(centre=centre, **values)
    group.full_clean()
    if group.planned_end < group.planned_start:
        raise ValidationError({"planned_end": _("The group comes back before it leaves.")})
    _check_group_duration(group)
    if not participants:
        raise ValidationError({"participants": _("Choose at least one participant.")})
    with transaction.atomic():
        group.save()
        _group_plan_members(
            group=group,
            participants=participants,
            host_organisation=host_organisation,
            acting_user=acting_user,
            request=request,
        )
        audit_record(
            action="group.create",
            actor=acting_user,
            target=group,
            centre_id=centre.pk,
            data={"participants": len(participants)},
            request=request,
        )
    return group


def _check_group_duration(group: MobilityGroup) -> None:
    """The group's dates against the activity's bounds, said once rather than once per learner."""
    activity = group.activity_type
    days = (group.planned_end - group.planned_start).days + 1
    if activity.min_days and days < activity.min_days:
        raise ValidationError(
            {
                "planned_end": _(
                    "%(activity)s lasts at least %(min)s days (travel days excluded); these dates make %(days)s."
                )
                % {"activity": activity.label, "min": activity.min_days, "days": days}
            }
        )
    if activity.max_days and days > activity.max_days:
        raise ValidationError(
            {
                "planned_end": _(
                    "%(activity)s lasts at most %(max)s days (travel days excluded); these dates make %(days)s."
                )
                % {"activity": activity.label, "max": activity.max_days, "days": days}
            }
        )


def _group_plan_members(
    *,
    group: MobilityGroup,
    participants: list[Learner],
    host_organisation: Organisation | None,
    acting_user: User | None,
    request: HttpRequest | None,
) -> list[Mobility]:
    """A mobility per participant on the group's terms; one error per learner, and then nothing at all."""
    errors = []
    created = []
    for learner in participants:
        try:
            with transaction.atomic():
                created.append(
                    mobility_create(
                        centre=group.centre,
                        data={
                            "participant": learner,
                            "project": group.project,
                            "activity_type": group.activity_type,
                            "group": group,
                            "host_organisation": host_organisation,
                            "host_city": group.host_city,
                            "host_country": group.host_country,
                            "planned_start": group.planned_start,
                            "planned_end": group.planned_end,
                            "accompanying_person": (group.accompanying_persons.splitlines() or [""])[0][:200],
                        },
                        acting_user=acting_user,
                        request=request,
                    )
                )
        except ValidationError as exc:
            messages = (
                "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
                if hasattr(exc, "error_dict")
                else "; ".join(exc.messages)
            )
            errors.append(f"{learner.full_name}: {messages}")
    if errors:
        raise ValidationError({"participants": errors})
    return created


def group_add_participants(
    *,
    group: MobilityGroup,
    participants: list[Learner],
    acting_user: User | None,
    host_organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> list[Mobility]:
    """Adds learners to a planned departure (a late recruit): all of them, or none."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, group.centre_id)
    if not participants:
        raise ValidationError({"participants": _("Choose at least one participant.")})
    already = set(group.mobilities.values_list("participant_id", flat=True))
    doubles = [p.full_name for p in participants if p.pk in already]
    if doubles:
        raise ValidationError(
            {"participants": _("Already in the group: %(names)s.") % {"names": ", ".join(doubles)}}
        )
    with transaction.atomic():
        created = _group_plan_members(
            group=group,
            participants=participants,
            host_organisation=host_organisation,
            acting_user=acting_user,
            request=request,
        )
        audit_record(
            action="group.add_participants",
            actor=acting_user,
            target=group,
            centre_id=group.centre_id,
            data={"participants": len(participants)},
            request=request,
        )
    return created


def group_update(
    *,
    group: MobilityGroup,
    data: dict[str, Any],
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> MobilityGroup:
    """Changes the group; new dates or destination apply to the members whose mobility is not under way."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, group.centre_id)
    values = {k: v for k, v in data.items() if k in GROUP_FIELDS}
    with transaction.atomic():
        # From the database: the caller's object may already carry the new values (a bound form).
        group = MobilityGroup.objects.select_for_update().get(pk=group.pk)
        group, changed = model_update(
            instance=group,
            data=values,
            acting_user=acting_user,
            action="group.update",
            centre_id=group.centre_id,
            request=request,
        )
        if group.planned_end < group.planned_start:
            raise ValidationError({"planned_end": _("The group comes back before it leaves.")})
        if {"planned_start", "planned_end", "activity_type"} & set(changed):
            _check_group_duration(group)
        shared = {
            f: getattr(group, f)
            for f in ("planned_start", "planned_end", "host_city", "host_country", "project")
            if f in changed
        }
        if shared:
            for mobility in group.mobilities.filter(
                status__in=[MobilityStatus.DRAFT, MobilityStatus.PLANNED, MobilityStatus.CONFIRMED]
            ):
                mobility_update(mobility=mobility, data=shared, acting_user=acting_user, request=request)
    return group


# --- Acting on every member at once -----------------------------------------------------------
@dataclass
class BulkOutcome:
    """What a group-wide action did: who it was done for, who was left as they were, and why."""

    done: list[str] = field(default_factory=list)
    #: Already in the state the action leads to (a second click changes nothing).
    already: list[str] = field(default_factory=list)
    #: (who, why) for those the action could not reach.
    refused: list[tuple[str, str]] = field(default_factory=list)


def _members(group: MobilityGroup) -> list[Mobility]:
    return list(
        group.mobilities.select_related("participant", "host_tutor").order_by(
            "participant__last_name", "participant__first_name", "pk"
        )
    )


#: The links a group's departure needs: the host tutor's and the learner's.
GROUP_LINK_ROLES = (GuestRole.TUTOR, GuestRole.LEARNER)


def group_send_links(
    *, group: MobilityGroup, acting_user: User, request: HttpRequest | None = None
) -> BulkOutcome:
    """Sends the tutor's and the learner's link of every member that has not been sent it yet.

    A link already sent to the person now in charge is left alone, so a second click sends nothing;
    a member without a tutor or an address is skipped with the reason. Each send is the single
    mobility's (``access_link_invite``: its checks, its audit entry), under that mobility's lock.
    """
    require_capability(acting_user, Capability.MANAGE_LEARNERS, group.centre_id)
    outcome = BulkOutcome()
    for mobility in _members(group):
        for role in GROUP_LINK_ROLES:
            who = f"{mobility.participant.full_name} ({GuestRole(role).label.lower()})"
            try:
                with transaction.atomic():
                    locked = lock_mobility(mobility)
                    if locked.status == MobilityStatus.CANCELLED:
                        raise ValidationError(_("This mobility is cancelled: nobody needs a link to it."))
                    person = person_for(mobility=locked, role=role)
                    link = live_link(mobility=locked, role=role)
                    if link is not None and link.last_sent_at and link.email.lower() == person.email.lower():
                        outcome.already.append(who)
                        continue
                    access_link_invite(mobility=locked, role=role, acting_user=acting_user, request=request)
            except ValidationError as exc:
                outcome.refused.append((who, " ".join(exc.messages)))
            else:
                outcome.done.append(who)
    audit_record(
        action="group.send_links",
        actor=acting_user,
        target=group,
        centre_id=group.centre_id,
        data={"sent": len(outcome.done), "already": len(outcome.already), "refused": len(outcome.refused)},
        request=request,
    )
    return outcome


def group_confirm_all(
    *, group: MobilityGroup, acting_user: User, request: HttpRequest | None = None
) -> BulkOutcome:
    """Confirms every planned member the confirmation rules allow (``mobility_transition``, one by
    one); the others stay as they are, each with what stands in the way."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, group.centre_id)
    outcome = BulkOutcome()
    for mobility in _members(group):
        who = mobility.participant.full_name
        if mobility.status == MobilityStatus.CONFIRMED:
            outcome.already.append(who)
            continue
        if mobility.status != MobilityStatus.PLANNED:
            outcome.refused.append(
                (
                    who,
                    _("It is “%(status)s”: only a planned mobility can be confirmed.")
                    % {"status": mobility.get_status_display()},
                )
            )
            continue
        try:
            mobility_transition(
                mobility=mobility,
                to_status=MobilityStatus.CONFIRMED,
                acting_user=acting_user,
                request=request,
            )
        except ValidationError as exc:
            outcome.refused.append((who, " ".join(exc.messages)))
        else:
            outcome.done.append(who)
    audit_record(
        action="group.confirm_all",
        actor=acting_user,
        target=group,
        centre_id=group.centre_id,
        data={
            "confirmed": len(outcome.done),
            "already": len(outcome.already),
            "refused": len(outcome.refused),
        },
        request=request,
    )
    return outcome
