"""Every state change of the mobility domain goes through a function here.

Services check the acting user's capability at the centre concerned (defence in depth: pages,
API and imports call the same functions), validate, save, audit, and publish work only after
the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.access import require_capability
from partners.audit import audit_record
from partners.emails import email_queue
from partners.models import Organisation, OrganisationKind, User
from partners.roles import Capability
from partners.services import model_save_changes, model_snapshot, model_update
from partners.uploads import check_upload

from .models import (
    AgreementOutcome,
    AgreementStatus,
    Anchor,
    ChecklistItem,
    Document,
    DocumentType,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    FollowUp,
    Learner,
    LearningAgreement,
    Mobility,
    MobilityGroup,
    MobilityStatus,
    ParentalConsent,
    ParticipantKind,
    Party,
    Project,
    Signature,
    SignatureMethod,
    WorkerHeartbeat,
)

logger = logging.getLogger(__name__)


class TransitionError(ValidationError):
    """A status change that the rules do not allow; the message says why, in the user's language."""


# --- Infrastructure ---------------------------------------------------------------------------
@contextmanager
def _file_removed_on_failure(instance: Any, field: str) -> Iterator[None]:
    """A file written to storage in a block that then fails is removed: the rollback does not
    reach the disk, and a refused upload must leave nothing behind."""
    try:
        yield
    except BaseException:
        stored = getattr(instance, field)
        if stored:
            stored.delete(save=False)
        raise


def worker_heartbeat_record(*, hostname: str) -> None:
    """Marks a worker as alive now (one row per worker hostname)."""
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})


def _check_centre(centre: Organisation) -> None:
    if centre.kind != OrganisationKind.TRAINING_CENTRE:
        raise ValidationError({"centre": _("Choose a training centre.")})


# --- Learners ---------------------------------------------------------------------------------
LEARNER_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "national_id",
    "email",
    "phone",
    "nationality",
    "preferred_language",
    "qualification",
    "trade",
    "training_year",
    "position",
    "employer",
    "employer_contact",
    "fewer_opportunities",
    "needs_adaptation",
    "is_recent_graduate",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
)


def _validate_learner_links(learner: Learner) -> None:
    if learner.employer_contact_id and learner.employer_id:
        if learner.employer_contact.organisation_id != learner.employer_id:
            raise ValidationError(
                {"employer_contact": _("This contact does not work for the chosen employer.")}
            )
    if learner.national_id:
        clash = Learner.objects.filter(centre_id=learner.centre_id, national_id=learner.national_id)
        if learner.pk:
            clash = clash.exclude(pk=learner.pk)
        if clash.exists():
            raise ValidationError({"national_id": _("Another learner of this centre already has this id.")})


def learner_create(
    *,
    centre: Organisation,
    data: dict[str, Any],
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> Learner:
    """Adds a learner (or staff participant) to a centre the acting user manages."""
    _check_centre(centre)
    require_capability(acting_user, Capability.MANAGE_LEARNERS, centre.pk)
    learner = Learner(centre=centre, **{k: v for k, v in data.items() if k in LEARNER_FIELDS})
    # The id's uniqueness is checked below with a message on the field, not the constraint's generic one.
    learner.full_clean(validate_constraints=False)
    _validate_learner_links(learner)
    with transaction.atomic():
        learner.save()
        audit_record(
            action="learner.create",
            actor=acting_user,
            target=learner,
            centre_id=centre.pk,
            data={"fields": sorted(k for k in data if k in LEARNER_FIELDS)},
            request=request,
        )
    return learner


def learner_update(
    *, learner: Learner, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> Learner:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, learner.centre_id)
    values = {k: v for k, v in data.items() if k in LEARNER_FIELDS}
    with transaction.atomic():
        learner = Learner.objects.select_for_update().get(pk=learner.pk)
        before = model_snapshot(learner, values)
        for name, value in values.items():
            setattr(learner, name, value)
        learner.full_clean(validate_constraints=False)
        _validate_learner_links(learner)
        model_save_changes(
            instance=learner,
            before=before,
            acting_user=acting_user,
            action="learner.update",
            centre_id=learner.centre_id,
            request=request,
        )
    return learner


def consent_record(
    *,
    learner: Learner,
    given_on: date,
    given_by: str,
    scan: Any = None,
    mobility: Mobility | None = None,
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> ParentalConsent:
    """Records a guardian's consent for a minor, with the signed scan when there is one."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, learner.centre_id)
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The consent cannot be dated in the future.")})
    if mobility is not None and mobility.participant_id != learner.pk:
        raise ValidationError({"mobility": _("This mobility is not the learner's.")})
    consent = ParentalConsent(
        learner=learner, mobility=mobility, given_on=given_on, given_by=given_by, recorded_by=acting_user
    )
    checked = check_upload(scan) if scan else None
    consent.full_clean(exclude=["scan"])
    with transaction.atomic(), _file_removed_on_failure(consent, "scan"):
        if checked:
            consent.scan.save(checked.safe_name, checked.file, save=False)
        consent.save()
        audit_record(
            action="consent.record",
            actor=acting_user,
            target=consent,
            centre_id=learner.centre_id,
            request=request,
        )
    return consent


# --- Mobilities -------------------------------------------------------------------------------
MOBILITY_FIELDS = (
    "participant",
    "project",
    "activity_type",
    "direction",
    "group",
    "is_accompanying_person",
    "sending_organisation",
    "host_organisation",
    "intermediary",
    "host_tutor",
    "accompanying_person",
    "host_city",
    "host_country",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "travel_days",
    "green_travel",
    "distance_band",
    "interruption_days",
    "main_language",
    "notes",
)
#: Fields whose change after planning is worth telling the sending employer about.
DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")


def _validate_mobility(mobility: Mobility) -> None:
    """Rules a referent would expect; each error names the field it is about."""
    errors: dict[str, str] = {}
    participant = mobility.participant
    if participant.centre_id != mobility.centre_id:
        errors["participant"] = _("The participant belongs to another centre.")
    activity = mobility.activity_type
    if activity.participant_kind != participant.kind and not mobility.is_accompanying_person:
        errors["activity_type"] = (
            _("This activity is for staff members.")
            if activity.participant_kind == ParticipantKind.STAFF
            else _("This activity is for learners.")
        )
    if mobility.planned_start and mobility.planned_end and mobility.planned_end >= mobility.planned_start:
        days = (mobility.planned_end - mobility.planned_start).days + 1
        if activity.min_days and days < activity.min_days and not mobility.is_accompanying_person:
            errors["planned_end"] = _(
                "%(activity)s lasts at least %(min)s days (travel days excluded); these dates make %(days)s."
            ) % {"activity": activity.label, "min": activity.min_days, "days": days}
        elif activity.max_days and days > activity.max_days:
            errors["planned_end"] = _(
                "%(activity)s lasts at most %(max)s days (travel days excluded); these dates make %(days)s."
            ) % {"activity": activity.label, "max": activity.max_days, "days": days}
    if mobility.host_tutor_id and mobility.host_organisation_id:
        if mobility.host_tutor.organisation_id != mobility.host_organisation_id:
            errors["host_tutor"] = _("The tutor does not work for the host organisation.")
    if mobility.host_tutor_id and not mobility.host_tutor.is_tutor:
        errors["host_tutor"] = _("This contact is not marked as a tutor.")
    if mobility.host_organisation_id and mobility.host_organisation.kind in (
        OrganisationKind.NETWORK,
        OrganisationKind.SENDING_EMPLOYER,
    ):
        errors["host_organisation"] = _("Choose a host company, a partner school or a training centre.")
    if mobility.group_id and mobility.group.centre_id != mobility.centre_id:
        errors["group"] = _("The group belongs to another centre.")
    if mobility.project_id and mobility.project.end_date and mobility.planned_start:
        project = mobility.project
        if mobility.planned_start < project.start_date or mobility.planned_end > project.end_date:
            errors.setdefault(
                "project",
                _("The dates fall outside the project (%(start)s – %(end)s).")
                % {"start": project.start_date, "end": project.end_date},
            )
    if errors:
        raise ValidationError(errors)
    if mobility.status not in (MobilityStatus.CANCELLED, MobilityStatus.DRAFT) or mobility.pk is None:
        _check_overlap(mobility)


def _lock_participant(mobility: Mobility) -> None:
    """Serialises the plans of one participant, so that two requests cannot both pass the overlap
    rule (each blind to the other's uncommitted mobility). Call inside the transaction that saves."""
    list(Learner.objects.select_for_update().filter(pk=mobility.participant_id).values_list("pk", flat=True))


def _check_overlap(mobility: Mobility) -> None:
    """No two mobilities of one participant (other than cancelled ones) share a day."""
    clash = (
        Mobility.objects.filter(participant_id=mobility.participant_id)
        .exclude(status=MobilityStatus.CANCELLED)
        .filter(planned_start__lte=mobility.planned_end, planned_end__gte=mobility.planned_start)
    )
    if mobility.pk:
        clash = clash.exclude(pk=mobility.pk)
    other = clash.first()
    if other is not None:
        raise ValidationError(
            {
                "planned_start": _(
                    "%(name)s already has a mobility from %(start)s to %(end)s (%(reference)s): the dates overlap."
                )
                % {
                    "name": mobility.participant.full_name,
                    "start": other.planned_start.strftime("%d/%m/%Y"),
                    "end": other.planned_end.strftime("%d/%m/%Y"),
                    "reference": other.reference,
                }
            }
        )


def _derive(mobility: Mobility) -> None:
    """Values that follow from others: long-term flag, host place, evaluation deadline."""
    activity = mobility.activity_type
    if mobility.host_organisation_id:
        host = mobility.host_organisation
        mobility.host_city = mobility.host_city or host.city
        mobility.host_country = mobility.host_country or host.country
    if mobility.planned_start and mobility.planned_end:
        days = (mobility.planned_end - mobility.planned_start).days + 1
        mobility.long_term = bool(activity.long_term_from_days and days >= activity.long_term_from_days)
        mobility.evaluation_due = mobility.planned_end + timedelta(days=14)


def mobility_create(
    *,
    centre: Organisation,
    data: dict[str, Any],
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> Mobility:
    """Plans a new mobility (status draft) with its checklist and follow-up schedule."""
    _check_centre(centre)
    require_capability(acting_user, Capability.MANAGE_LEARNERS, centre.pk)
    values = {k: v for k, v in data.items() if k in MOBILITY_FIELDS}
    values.setdefault("sending_organisation", centre)
    mobility = Mobility(centre=centre, status=MobilityStatus.DRAFT, reference="pending", **values)
    _derive(mobility)
    mobility.full_clean(exclude=["reference"])
    _validate_mobility(mobility)
    with transaction.atomic():
        _lock_participant(mobility)
        _check_overlap(mobility)
        mobility.save()
        mobility.reference = f"MOB-{mobility.planned_start:%Y}-{mobility.pk:06d}"
        mobility.save(update_fields=["reference"])
        checklist_generate(mobility=mobility)
        followups_schedule(mobility=mobility)
        audit_record(
            action="mobility.create",
            actor=acting_user,
            target=mobility,
            centre_id=centre.pk,
            data={"status": mobility.status},
            request=request,
        )
    return mobility


def mobility_update(
    *, mobility: Mobility, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> Mobility:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    values = {k: v for k, v in data.items() if k in MOBILITY_FIELDS}
    with transaction.atomic():
        mobility = (
            Mobility.objects.select_for_update(of=("self",))
            .select_related("activity_type", "participant")
            .get(pk=mobility.pk)
        )
        if mobility.status in (MobilityStatus.CERTIFIED,) and set(values) & {*DATE_FIELDS, "participant"}:
            raise ValidationError(
                _(
                    "A certified mobility cannot change its participant or dates; reissue the certificate after a correction."
                )
            )
        before_dates = {f: getattr(mobility, f) for f in DATE_FIELDS}
        derived_names = ("long_term", "evaluation_due", "host_city", "host_country")
        before = model_snapshot(mobility, [*values, *derived_names])
        for name, value in values.items():
            setattr(mobility, name, value)
        _derive(mobility)
        mobility.full_clean()
        _lock_participant(mobility)
        _validate_mobility(mobility)
        model_save_changes(
            instance=mobility,
            before=before,
            acting_user=acting_user,
            action="mobility.update",
            centre_id=mobility.centre_id,
            request=request,
        )
        dates_changed = any(before_dates[f] != getattr(mobility, f) for f in DATE_FIELDS)
        if dates_changed:
            checklist_reschedule(mobility=mobility)
            followups_schedule(mobility=mobility)
            if mobility.status not in (MobilityStatus.DRAFT, MobilityStatus.CANCELLED):
                employer_notify(mobility=mobility, event="dates_changed", acting_user=acting_user)
    return mobility


#: Which status may follow which, by a person. Some moves are made by the system only.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    MobilityStatus.DRAFT: (MobilityStatus.PLANNED, MobilityStatus.CANCELLED),
    MobilityStatus.PLANNED: (MobilityStatus.CONFIRMED, MobilityStatus.DRAFT, MobilityStatus.CANCELLED),
    MobilityStatus.CONFIRMED: (MobilityStatus.IN_PROGRESS, MobilityStatus.PLANNED, MobilityStatus.CANCELLED),
    MobilityStatus.IN_PROGRESS: (MobilityStatus.COMPLETED, MobilityStatus.INTERRUPTED),
    MobilityStatus.COMPLETED: (MobilityStatus.EVALUATED, MobilityStatus.IN_PROGRESS),
    MobilityStatus.INTERRUPTED: (MobilityStatus.EVALUATED, MobilityStatus.IN_PROGRESS),
    MobilityStatus.EVALUATED: (MobilityStatus.CERTIFIED, MobilityStatus.COMPLETED),
    MobilityStatus.CERTIFIED: (),
    MobilityStatus.CANCELLED: (MobilityStatus.DRAFT,),
}


def confirmation_blockers(*, mobility: Mobility) -> list[str]:
    """What stands between a mobility and its confirmation, in words a referent understands."""
    from .selectors import agreement_current, learner_has_consent, missing_documents

    blockers: list[str] = []
    if not mobility.host_organisation_id:
        blockers.append(_("Choose the host organisation."))
    if not mobility.host_tutor_id:
        blockers.append(_("Appoint a host tutor: a mobility cannot be confirmed without one."))
    agreement = agreement_current(mobility=mobility)
    # Counted again, not read from the status set at the last signature: an intermediary added
    # since, or dates moved so that the learner leaves as a minor, call for one more signature.
    missing_parties = agreement_missing_parties(agreement=agreement) if agreement is not None else []
    if agreement is None:
        blockers.append(_("Write the learning agreement."))
    elif agreement.status != AgreementStatus.SIGNED or missing_parties:
        missing = [str(Party(p).label) for p in missing_parties]
        blockers.append(
            _("The learning agreement is not signed by every party (missing: %(parties)s).")
            % {"parties": ", ".join(missing)}
        )
    participant = mobility.participant
    if participant.is_minor_on(mobility.planned_start) and not learner_has_consent(
        learner=participant, mobility=mobility
    ):
        blockers.append(_("Record the parental consent: the participant is a minor on departure."))
    for doc_type in missing_documents(mobility=mobility):
        blockers.append(_("Upload the document: %(type)s.") % {"type": doc_type.label})
    return blockers


def _transition_rules(mobility: Mobility, to_status: str, reason: str) -> None:
    if (
        mobility.status in (MobilityStatus.DRAFT, MobilityStatus.CANCELLED)
        and to_status != MobilityStatus.CANCELLED
    ):
        # A draft may have been edited onto taken dates, and a cancelled mobility's dates may have
        # been given to another one since: neither comes back into the plan over another mobility.
        _lock_participant(mobility)
        try:
            _check_overlap(mobility)
        except ValidationError as exc:
            raise TransitionError(exc.messages) from exc
    if to_status == MobilityStatus.PLANNED and mobility.status == MobilityStatus.DRAFT:
        if not mobility.host_organisation_id and not mobility.host_city:
            raise TransitionError(_("Say where the mobility takes place before planning it."))
    if to_status == MobilityStatus.CONFIRMED:
        blockers = confirmation_blockers(mobility=mobility)
        if blockers:
            raise TransitionError(blockers)
    if to_status in (MobilityStatus.CANCELLED, MobilityStatus.INTERRUPTED) and not reason.strip():
        raise TransitionError({"reason": _("Give the reason.")})
    if to_status == MobilityStatus.EVALUATED:
        validated = Evaluation.objects.filter(
            mobility=mobility, kind=EvaluationKind.TUTOR, status=EvaluationStatus.VALIDATED
        ).exists()
        if not validated:
            raise TransitionError(_("The host tutor's evaluation must be validated first."))
    if to_status == MobilityStatus.IN_PROGRESS and mobility.status == MobilityStatus.CONFIRMED:
        if mobility.start > timezone.localdate():
            raise TransitionError(
                _("The mobility has not started yet (it starts on %(date)s).") % {"date": mobility.start}
            )


def mobility_transition(
    *,
    mobility: Mobility,
    to_status: str,
    acting_user: User | None,
    reason: str = "",
    force_majeure: bool = False,
    request: HttpRequest | None = None,
    system: bool = False,
) -> Mobility:
    """Moves a mobility to ``to_status`` if the workflow and the rules allow it; audited.

    ``system`` is for moves made by the platform itself (dates passing, evaluation validated,
    certificate issued): no capability check, the actor is recorded as the platform.
    """
    if not system:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    with transaction.atomic():
        mobility = (
            Mobility.objects.select_for_update(of=("self",))
            .select_related("participant", "activity_type", "host_tutor", "host_organisation")
            .get(pk=mobility.pk)
        )
        current = mobility.status
        if to_status == current:
            return mobility
        if to_status not in TRANSITIONS.get(current, ()):
            raise TransitionError(
                _("A mobility cannot go from “%(current)s” to “%(target)s”.")
                % {"current": MobilityStatus(current).label, "target": MobilityStatus(to_status).label}
            )
        _transition_rules(mobility, to_status, reason)
        fields = ["status", "updated_at"]
        mobility.status = to_status
        if to_status in (MobilityStatus.CANCELLED, MobilityStatus.INTERRUPTED):
            mobility.status_reason = reason.strip()
            mobility.force_majeure = force_majeure
            fields += ["status_reason", "force_majeure"]
        if to_status == MobilityStatus.IN_PROGRESS and not mobility.actual_start:
            mobility.actual_start = min(mobility.planned_start, timezone.localdate())
            fields.append("actual_start")
        if to_status == MobilityStatus.INTERRUPTED and not mobility.actual_end:
            mobility.actual_end = max(mobility.start, timezone.localdate())
            fields.append("actual_end")
        if to_status == MobilityStatus.COMPLETED and not mobility.actual_end:
            mobility.actual_end = mobility.planned_end
            fields.append("actual_end")
        mobility.save(update_fields=fields)
        audit_record(
            action="mobility.transition",
            actor=None if system else acting_user,
            actor_label="" if acting_user or not system else "platform",
            target=mobility,
            centre_id=mobility.centre_id,
            data={"status": [current, to_status], "force_majeure": force_majeure}
            if force_majeure
            else {"status": [current, to_status]},
            request=request,
        )
        if to_status == MobilityStatus.PLANNED and current == MobilityStatus.DRAFT:
            employer_notify(mobility=mobility, event="planned", acting_user=acting_user)
    return mobility


def mobilities_follow_dates(*, today: date | None = None) -> dict[str, int]:
    """Daily: confirmed mobilities that started go in progress; those whose end passed are completed."""
    today = today or timezone.localdate()
    moved = {"in_progress": 0, "completed": 0}
    for pk in Mobility.objects.filter(status=MobilityStatus.CONFIRMED, planned_start__lte=today).values_list(
        "pk", flat=True
    ):
        try:
            mobility_transition(
                mobility=Mobility(pk=pk), to_status=MobilityStatus.IN_PROGRESS, acting_user=None, system=True
            )
            moved["in_progress"] += 1
        except ValidationError:
            logger.info("mobility %s could not start automatically", pk)
    for pk in (
        Mobility.objects.filter(status=MobilityStatus.IN_PROGRESS)
        .filter(Q(actual_end__lt=today) | Q(actual_end__isnull=True, planned_end__lt=today))
        .values_list("pk", flat=True)
    ):
        try:
            mobility_transition(
                mobility=Mobility(pk=pk), to_status=MobilityStatus.COMPLETED, acting_user=None, system=True
            )
            moved["completed"] += 1
        except ValidationError:
            logger.info("mobility %s could not complete automatically", pk)
    return moved


# --- Sending employer -------------------------------------------------------------------------
def employer_notify(*, mobility: Mobility, event: str, acting_user: User | None = None) -> None:
    """Tells the apprentice's employer that a mobility is planned, or that its dates changed."""
    learner = mobility.participant
    contact = learner.employer_contact
    to = (contact.email if contact else "") or (learner.employer.email if learner.employer_id else "")
    if not to:
        return
    email_queue(
        kind=f"employer.{event}",
        to=to,
        to_name=contact.full_name
        if contact
        else (learner.employer.display_name if learner.employer_id else ""),
        template="employer_mobility_" + ("planned" if event == "planned" else "dates_changed"),
        context={
            "mobility": mobility,
            "learner": learner,
            "contact": contact,
            "centre": mobility.centre,
            "host": mobility.host_organisation,
        },
        language=contact.preferred_language if contact else "fr",
        centre_id=mobility.centre_id,
        related=mobility,
        sent_by=acting_user,
    )


# --- Checklist --------------------------------------------------------------------------------
def _due(template_days: int, anchor: str, mobility: Mobility) -> date:
    if anchor == Anchor.AFTER_START:
        return mobility.planned_start + timedelta(days=template_days)
    if anchor == Anchor.AFTER_END:
        return mobility.planned_end + timedelta(days=template_days)
    return mobility.planned_start - timedelta(days=template_days)


def checklist_generate(*, mobility: Mobility) -> list[ChecklistItem]:
    """Creates the five-step tasks of the mobility from its activity type's templates (once)."""
    if mobility.checklist.filter(template__isnull=False).exists():
        return list(mobility.checklist.all())
    items = [
        ChecklistItem(
            mobility=mobility,
            template=t,
            step=t.step,
            title=t.name,
            assignee=t.assignee,
            document_type=t.document_type,
            due_date=_due(t.days, t.anchor, mobility),
            order=t.order,
        )
        for t in mobility.activity_type.checklist_items.all()
    ]
    return ChecklistItem.objects.bulk_create(items)


def checklist_reschedule(*, mobility: Mobility) -> None:
    """After a change of dates, open tasks move with the mobility."""
    for item in mobility.checklist.filter(done_at__isnull=True, template__isnull=False).select_related(
        "template"
    ):
        item.due_date = _due(item.template.days, item.template.anchor, mobility)
        item.save(update_fields=["due_date"])


def checklist_item_set_done(
    *,
    item: ChecklistItem,
    done: bool,
    acting_user: User | None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> ChecklistItem:
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, item.mobility.centre_id)
    with transaction.atomic():
        item = (
            ChecklistItem.objects.select_for_update(of=("self",)).select_related("mobility").get(pk=item.pk)
        )
        if done == item.is_done:
            return item
        item.done_at = timezone.now() if done else None
        item.done_by = acting_user if done else None
        item.done_by_label = (actor_label or (str(acting_user) if acting_user else ""))[:200] if done else ""
        item.save(update_fields=["done_at", "done_by", "done_by_label"])
        audit_record(
            action="checklist.done" if done else "checklist.undone",
            actor=acting_user,
            actor_label=actor_label,
            target=item,
            centre_id=item.mobility.centre_id,
            request=request,
        )
    return item


def checklist_item_add(
    *, mobility: Mobility, step: str, title: str, due_date: date | None, assignee: str, acting_user: User
) -> ChecklistItem:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    item = ChecklistItem(
        mobility=mobility, step=step, title=title, due_date=due_date, assignee=assignee, order=999
    )
    item.full_clean()
    item.save()
    audit_record(action="checklist.add", actor=acting_user, target=item, centre_id=mobility.centre_id)
    return item


# --- Follow-ups -------------------------------------------------------------------------------
def followup_interval(mobility: Mobility) -> int:
    if mobility.activity_type.followup_every_days:
        return mobility.activity_type.followup_every_days
    days = (mobility.planned_end - mobility.planned_start).days + 1
    if days < 30:
        return 7
    if days < 90:
        return 14
    return 30


def followups_schedule(*, mobility: Mobility) -> list[FollowUp]:
    """(Re)plans the check-ins not held yet: every interval from the start, inside the stay."""
    mobility.followups.filter(done_on__isnull=True).delete()
    held = set(mobility.followups.values_list("scheduled_for", flat=True))
    interval = followup_interval(mobility)
    start, end = mobility.planned_start, mobility.planned_end
    days = (end - start).days + 1
    if days < 3:
        return []
    dates = []
    day = start + timedelta(days=min(interval, max(1, days // 2)))
    while day < end:
        dates.append(day)
        day += timedelta(days=interval)
    rows = [FollowUp(mobility=mobility, scheduled_for=d) for d in dates if d not in held]
    return FollowUp.objects.bulk_create(rows)


FOLLOWUP_FIELDS = ("done_on", "channel", "notes", "wellbeing", "needs_attention")


def followup_record(
    *,
    mobility: Mobility,
    data: dict[str, Any],
    followup: FollowUp | None = None,
    acting_user: User | None,
    author_kind: str = "referent",
    author_label: str = "",
    request: HttpRequest | None = None,
) -> FollowUp:
    """Records a check-in that took place (a scheduled one, or an extra one)."""
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    values = {k: v for k, v in data.items() if k in FOLLOWUP_FIELDS}
    if not values.get("done_on"):
        raise ValidationError({"done_on": _("Say when the follow-up took place.")})
    if values["done_on"] > timezone.localdate():
        raise ValidationError({"done_on": _("A follow-up cannot be recorded in the future.")})
    with transaction.atomic():
        if followup is None:
            followup = FollowUp(mobility=mobility, scheduled_for=values["done_on"])
        elif followup.mobility_id != mobility.pk:
            raise ValidationError(_("This follow-up belongs to another mobility."))
        for name, value in values.items():
            setattr(followup, name, value)
        followup.author_kind = author_kind
        followup.author_label = (author_label or (str(acting_user) if acting_user else ""))[:200]
        followup.recorded_by = acting_user
        followup.full_clean()
        followup.save()
        audit_record(
            action="followup.record",
            actor=acting_user,
            actor_label=author_label,
            target=followup,
            centre_id=mobility.centre_id,
            request=request,
        )
    return followup


# --- Learning agreement -----------------------------------------------------------------------
AGREEMENT_FIELDS = (
    "language",
    "objectives",
    "tasks",
    "hours_per_week",
    "working_schedule",
    "assessor",
    "assessment_method",
    "assessment_timing",
    "recognition_arrangements",
    "placement_language",
    "translations",
)


def agreement_required_parties(*, agreement: LearningAgreement) -> list[str]:
    mobility = agreement.mobility
    parties = [Party.LEARNER]
    if mobility.participant.is_minor_on(mobility.planned_start):
        parties.append(Party.GUARDIAN)
    parties += [Party.SENDING, Party.HOST]
    if mobility.intermediary_id:
        parties.append(Party.INTERMEDIARY)
    return parties


def agreement_missing_parties(*, agreement: LearningAgreement) -> list[str]:
    signed = {s.party for s in agreement.signatures.all()}
    return [p for p in agreement_required_parties(agreement=agreement) if p not in signed]


def _agreement_changes(
    current: LearningAgreement,
    values: dict[str, Any],
    outcomes: list[dict[str, Any]] | None,
    units: list[Any] | None,
) -> bool:
    """Whether saving these values would change anything in ``current``."""
    if any(getattr(current, name) != value for name, value in values.items()):
        return True
    if units is not None and {u.pk for u in units} != {u.pk for u in current.units.all()}:
        return True
    if outcomes is not None:

        def unit_id(row: dict[str, Any]) -> Any:
            unit = row.get("unit")
            return getattr(unit, "pk", unit)

        wanted = [
            (unit_id(row), row.get("category") or "skills", (row.get("description") or "").strip())
            for row in outcomes
            if (row.get("description") or "").strip()
        ]
        present = [(o.unit_id, o.category, o.description) for o in current.outcomes.all()]
        if wanted != present:
            return True
    return False


def agreement_save(
    *,
    mobility: Mobility,
    data: dict[str, Any],
    outcomes: list[dict[str, Any]] | None,
    units: list[Any] | None,
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> LearningAgreement:
    """Writes the learning agreement. Once anyone has signed, a change makes a new version."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    values = {k: v for k, v in data.items() if k in AGREEMENT_FIELDS}
    with transaction.atomic():
        Mobility.objects.select_for_update().filter(pk=mobility.pk).first()
        current = mobility.agreements.order_by("-version").first()
        if units is not None and mobility.participant.qualification_id:
            foreign = [u for u in units if u.qualification_id != mobility.participant.qualification_id]
            if foreign:
                raise ValidationError({"units": _("Choose units of the learner's own qualification.")})
        new_version = current is None or current.signatures.exists()
        if current is not None and new_version and not _agreement_changes(current, values, outcomes, units):
            # Saving a signed version unchanged must not void its signatures.
            return current
        if new_version:
            agreement = LearningAgreement(mobility=mobility, version=(current.version + 1) if current else 1)
            if current is not None:
                for name in AGREEMENT_FIELDS:
                    setattr(agreement, name, getattr(current, name))
        else:
            agreement = current
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.status = AgreementStatus.DRAFT
        agreement.full_clean()
        agreement.save()
        if new_version and current is not None:
            current.status = AgreementStatus.SUPERSEDED
            current.save(update_fields=["status", "updated_at"])
        if units is not None:
            agreement.units.set(units)
        elif new_version and current is not None:
            agreement.units.set(current.units.all())
        if outcomes is not None:
            agreement.outcomes.all().delete()
            rows = []
            for index, row in enumerate(outcomes):
                description = (row.get("description") or "").strip()
                if not description:
                    continue
                outcome = AgreementOutcome(
                    agreement=agreement,
                    unit=row.get("unit"),
                    category=row.get("category") or "skills",
                    description=description,
                    order=index,
                )
                outcome.full_clean(exclude=["agreement"])
                rows.append(outcome)
            AgreementOutcome.objects.bulk_create(rows)
        elif new_version and current is not None:
            AgreementOutcome.objects.bulk_create(
                [
                    AgreementOutcome(
                        agreement=agreement,
                        unit=o.unit,
                        category=o.category,
                        description=o.description,
                        order=o.order,
                    )
                    for o in current.outcomes.all()
                ]
            )
        audit_record(
            action="agreement.new_version" if new_version else "agreement.update",
            actor=acting_user,
            target=agreement,
            centre_id=mobility.centre_id,
            data={"version": agreement.version, "changes": sorted(values)},
            request=request,
        )
    return agreement


def agreement_sign(
    *,
    agreement: LearningAgreement,
    party: str,
    signer_name: str,
    method: str,
    scan: Any = None,
    acting_user: User | None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> Signature:
    """Records one party's signature: in the platform, or outside with the signed scan uploaded."""
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, agreement.mobility.centre_id)
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Enter the name of the person who signs.")})
    if method == SignatureMethod.OUTSIDE and not scan:
        raise ValidationError(
            {"scan": _("Upload the signed scan when the agreement was signed outside the platform.")}
        )
    checked = check_upload(scan) if scan else None
    from partners.http import client_ip

    with transaction.atomic():
        agreement = (
            LearningAgreement.objects.select_for_update(of=("self",))
            .select_related("mobility__participant")
            .get(pk=agreement.pk)
        )
        if agreement.status == AgreementStatus.SUPERSEDED:
            raise ValidationError(
                _("This version has been replaced by a newer one; sign the current version.")
            )
        if party not in agreement_required_parties(agreement=agreement):
            raise ValidationError({"party": _("This party does not sign this agreement.")})
        if not agreement.outcomes.exists() and not agreement.objectives.strip():
            raise ValidationError(
                _("The agreement has no objectives or learning outcomes yet: nothing to sign.")
            )
        if agreement.signatures.filter(party=party).exists():
            raise ValidationError({"party": _("This party has already signed this version.")})
        signature = Signature(
            agreement=agreement,
            party=party,
            signer_name=signer_name.strip()[:200],
            method=method,
            recorded_by=acting_user,
            ip=client_ip(request),
        )
        signature.full_clean(exclude=["scan"])
        with _file_removed_on_failure(signature, "scan"):
            if checked:
                signature.scan.save(checked.safe_name, checked.file, save=False)
            signature.save()
            missing = agreement_missing_parties(agreement=agreement)
            agreement.status = AgreementStatus.SIGNED if not missing else AgreementStatus.SIGNING
            agreement.save(update_fields=["status", "updated_at"])
            audit_record(
                action="agreement.sign",
                actor=acting_user,
                actor_label=actor_label,
                target=agreement,
                centre_id=agreement.mobility.centre_id,
                data={"party": party, "method": method, "version": agreement.version},
                request=request,
            )
    return signature


# --- Documents --------------------------------------------------------------------------------
def document_upload(
    *,
    learner: Learner,
    document_type: DocumentType,
    upload: Any,
    mobility: Mobility | None = None,
    valid_until: date | None = None,
    acting_user: User | None,
    uploaded_by_label: str = "",
    request: HttpRequest | None = None,
) -> Document:
    """Stores a checked upload; ticks the checklist tasks that asked for this kind of document."""
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, learner.centre_id)
    if mobility is not None and mobility.participant_id != learner.pk:
        raise ValidationError({"mobility": _("This mobility is not the learner's.")})
    checked = check_upload(upload)
    document = Document(
        centre_id=learner.centre_id,
        learner=learner,
        mobility=mobility,
        document_type=document_type,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        valid_until=valid_until,
        uploaded_by=acting_user,
        uploaded_by_label=(uploaded_by_label or (str(acting_user) if acting_user else ""))[:200],
    )
    document.full_clean(exclude=["file"])
    with transaction.atomic(), _file_removed_on_failure(document, "file"):
        document.file.save(checked.safe_name, checked.file, save=False)
        document.save()
        if mobility is not None:
            for item in mobility.checklist.filter(document_type=document_type, done_at__isnull=True):
                item.done_at = timezone.now()
                item.done_by = acting_user
                item.done_by_label = document.uploaded_by_label
                item.save(update_fields=["done_at", "done_by", "done_by_label"])
        audit_record(
            action="document.upload",
            actor=acting_user,
            actor_label=uploaded_by_label,
            target=document,
            centre_id=learner.centre_id,
            data={
                "type": document_type.code,
                "size": checked.size,
                "mobility": mobility.pk if mobility else None,
            },
            request=request,
        )
    return document


def document_delete(
    *, document: Document, acting_user: User | None, request: HttpRequest | None = None
) -> None:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, document.centre_id)
    with transaction.atomic():
        audit_record(
            action="document.delete",
            actor=acting_user,
            target=document,
            centre_id=document.centre_id,
            data={"type": document.document_type.code, "mobility": document.mobility_id},
            request=request,
        )
        storage, name = document.file.storage, document.file.name
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- Groups and projects ----------------------------------------------------------------------
GROUP_FIELDS = (
    "name",
    "project",
    "activity_type",
    "host_city",
    "host_country",
    "planned_start",
    "planned_end",
    "accompanying_persons",
    "notes",
)


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
    _check_centre(centre)
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


PROJECT_FIELDS = (
    "title",
    "programme",
    "grant_agreement_number",
    "key_action",
    "call_year",
    "start_date",
    "end_date",
    "budget_lines",
)


def project_create(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> Project:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, organisation.pk)
    project = Project(organisation=organisation, **{k: v for k, v in data.items() if k in PROJECT_FIELDS})
    project.full_clean()
    with transaction.atomic():
        project.save()
        audit_record(
            action="project.create",
            actor=acting_user,
            target=project,
            centre_id=organisation.pk,
            request=request,
        )
    return project


def project_update(
    *, project: Project, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> Project:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, project.organisation_id)
    with transaction.atomic():
        # From the database: the caller's object may already carry the new values (a bound form).
        project = Project.objects.select_for_update().get(pk=project.pk)
        project, _ = model_update(
            instance=project,
            data={k: v for k, v in data.items() if k in PROJECT_FIELDS},
            acting_user=acting_user,
            action="project.update",
            centre_id=project.organisation_id,
            request=request,
        )
    return project
