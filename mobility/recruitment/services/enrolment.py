"""From a selected application to a planned mobility in one action: the learner matched or created
from what the candidate typed, the mobility planned on the place's host and dates, the guardian's and
the employer's agreements carried over. A set of selected candidates can become a group at once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.catalogue.models import ParticipantKind
from mobility.groups.services import group_create
from mobility.learners.models import Learner, ParentalConsent
from mobility.learners.services import learner_create
from mobility.mobilities.models import Mobility, MobilityGroup
from mobility.mobilities.services import mobility_create
from mobility.recruitment.models import Answer, Application, ApplicationStatus
from mobility.recruitment.services.applying import learner_match
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record


def _learner_for(application: Application, acting_user: User, request: Any) -> Learner:
    learner = application.learner or learner_match(application)
    if learner is not None:
        return learner
    return learner_create(
        centre=application.centre,
        data={
            "kind": ParticipantKind.LEARNER,
            "first_name": application.first_name,
            "last_name": application.last_name,
            "date_of_birth": application.date_of_birth,
            "email": application.email,
            "phone": application.phone,
            "national_id": application.national_id,
            "preferred_language": application.language,
            "trade": application.trade,
            "training_year": application.training_year,
            "guardian_name": application.guardian_name,
            "guardian_email": application.guardian_email,
        },
        acting_user=acting_user,
        request=request,
    )


def _check_ready(application: Application) -> None:
    if application.status != ApplicationStatus.SELECTED or application.place_id is None:
        raise ValidationError(_("Only a selected candidate with a place gets a mobility."))
    if application.mobility_id:
        raise ValidationError(_("This candidate's mobility is planned already."))


def _carry_over(
    application: Application, learner: Learner, mobility: Mobility, acting_user: User, request: Any
) -> None:
    """The agreements given on the application become the mobility's records."""
    if application.guardian_answer == Answer.AGREED and application.guardian_answer_at:
        ParentalConsent.objects.create(
            learner=learner,
            mobility=mobility,
            given_on=timezone.localtime(application.guardian_answer_at).date(),
            given_by=application.guardian_answer_by,
            recorded_by=acting_user,
        )
    if application.employer_answer == Answer.AGREED and application.employer_answer_at:
        note = _("Employer's agreement given on the application by %(by)s on %(date)s.") % {
            "by": application.employer_answer_by,
            "date": timezone.localtime(application.employer_answer_at).strftime("%d/%m/%Y"),
        }
        mobility.notes = f"{mobility.notes}\n{note}".strip()
        mobility.save(update_fields=["notes"])
    application.learner = learner
    application.mobility = mobility
    application.save(update_fields=["learner", "mobility", "updated_at"])
    audit_record(
        action="application.to_mobility",
        actor=acting_user,
        target=application,
        centre_id=application.centre_id,
        data={"mobility": mobility.pk},
        request=request,
    )


def application_to_mobility(*, application: Application, acting_user: User, request: Any = None) -> Mobility:
    """Creates (or matches) the learner and plans the mobility of a selected candidate."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, application.centre_id)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "place", "place__host_organisation", "centre", "learner")
            .get(pk=application.pk)
        )
        _check_ready(application)
        learner = _learner_for(application, acting_user, request)
        place = application.place
        call = application.call
        mobility = mobility_create(
            centre=application.centre,
            data={
                "participant": learner,
                "project": call.project,
                "activity_type": call.activity_type,
                "host_organisation": place.host_organisation,
                "host_city": place.city
                or (place.host_organisation.city if place.host_organisation_id else ""),
                "host_country": place.country,
                "planned_start": place.start,
                "planned_end": place.end,
            },
            acting_user=acting_user,
            request=request,
        )
        _carry_over(application, learner, mobility, acting_user, request)
    return mobility


def applications_to_group(
    *, applications: list[Application], name: str, acting_user: User, request: Any = None
) -> MobilityGroup:
    """Selected candidates of one place travel as a group: the group and every mobility, all or nothing."""
    if not applications:
        raise ValidationError({"applications": _("Choose at least one selected candidate.")})
    applications = list(
        Application.objects.select_related("call", "place", "place__host_organisation", "centre", "learner")
        .filter(pk__in=[a.pk for a in applications])
        .order_by("rank", "pk")
    )
    place_ids = {a.place_id for a in applications}
    if len(place_ids) != 1:
        raise ValidationError(
            {"applications": _("A group travels to one place: choose candidates of the same place.")}
        )
    if not (name or "").strip():
        raise ValidationError({"name": _("Name the group.")})
    first = applications[0]
    for application in applications:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, application.centre_id)
        if application.centre_id != first.centre_id:
            raise ValidationError({"applications": _("A group is of one training centre.")})
        _check_ready(application)
    place = first.place
    call = first.call
    with transaction.atomic():
        learners = [_learner_for(a, acting_user, request) for a in applications]
        group = group_create(
            centre=first.centre,
            data={
                "name": name.strip(),
                "project": call.project,
                "activity_type": call.activity_type,
                "host_city": place.city
                or (place.host_organisation.city if place.host_organisation_id else ""),
                "host_country": place.country,
                "planned_start": place.start,
                "planned_end": place.end,
            },
            participants=learners,
            host_organisation=place.host_organisation,
            acting_user=acting_user,
            request=request,
        )
        by_learner = {m.participant_id: m for m in group.mobilities.all()}
        for application, learner in zip(applications, learners, strict=True):
            _carry_over(application, learner, by_learner[learner.pk], acting_user, request)
    return group
