"""Planning a mobility and moving it through its statuses: the rules a referent would expect (a tutor
before confirmation, a signed agreement, consent for a minor, no overlapping stays, durations within
the activity's bounds), each change audited.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.agreements.models import (
    AgreementStatus,
    Party,
)
from mobility.agreements.services import agreement_missing_parties
from mobility.catalogue.models import ParticipantKind
from mobility.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus
from mobility.learners.models import Learner
from mobility.mobilities.models import MOBILITY_FIELDS, Mobility, MobilityStatus
from mobility.tracking.services import checklist_generate, checklist_reschedule, followups_schedule
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record, model_save_changes, model_snapshot
from partners.directory.models import Organisation, OrganisationKind
from partners.emails.services import email_queue

logger = logging.getLogger(__name__)


class TransitionError(ValidationError):
    """A status change that the rules do not allow; the message says why, in the user's language."""


def check_centre(centre: Organisation) -> None:
    if centre.kind != OrganisationKind.TRAINING_CENTRE:
        raise ValidationError({"centre": _("Choose a training centre.")})


# --- Mobilities -------------------------------------------------------------------------------
#: Fields whose change after planning is worth telling the sending employer about.
DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")


def mobility_validate(mobility: Mobility) -> None:
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


def mobility_derive(mobility: Mobility) -> None:
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
    check_centre(centre)
    require_capability(acting_user, Capability.MANAGE_LEARNERS, centre.pk)
    values = {k: v for k, v in data.items() if k in MOBILITY_FIELDS}
    values.setdefault("sending_organisation", centre)
    mobility = Mobility(centre=centre, status=MobilityStatus.DRAFT, reference="pending", **values)
    mobility_derive(mobility)
    mobility.full_clean(exclude=["reference"])
    mobility_validate(mobility)
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
        mobility_derive(mobility)
        mobility.full_clean()
        _lock_participant(mobility)
        mobility_validate(mobility)
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


_FETCH: Any = object()


def confirmation_blockers(
    *, mobility: Mobility, agreement: Any = _FETCH, documents_missing: list[Any] | None = None
) -> list[str]:
    """What stands between a mobility and its confirmation, in words a referent understands.

    ``agreement`` (the current version, or None) and ``documents_missing`` (the missing documents): when the
    caller read them already in this request, as the mobility page does."""
    from mobility.agreements.selectors import agreement_current
    from mobility.documents.selectors import missing_documents
    from mobility.learners.selectors import learner_has_consent

    blockers: list[str] = []
    if not mobility.host_organisation_id:
        blockers.append(_("Choose the host organisation."))
    if not mobility.host_tutor_id:
        blockers.append(_("Appoint a host tutor: a mobility cannot be confirmed without one."))
    if agreement is _FETCH:
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
    for doc_type in missing_documents(mobility=mobility) if documents_missing is None else documents_missing:
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
        if (
            to_status == MobilityStatus.PLANNED
            and current == MobilityStatus.DRAFT
            and mobility.planned_end >= timezone.localdate()  # a stay recorded afterwards: no notice
        ):
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
