"""Every rule of the status workflow, move by move."""

import datetime

import pytest

from mobility.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus
from mobility.mobilities import services
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.audit.models import AuditEntry

from .. import factories

pytestmark = pytest.mark.django_db

ALL = list(MobilityStatus.values)
ALLOWED = [(a, b) for a in ALL for b in services.TRANSITIONS[a]]
REFUSED = [(a, b) for a in ALL for b in ALL if a != b and b not in services.TRANSITIONS[a]]


def _at(mobility, status):
    Mobility.objects.filter(pk=mobility.pk).update(status=status)
    mobility.refresh_from_db()
    return mobility


def test_every_move_outside_the_workflow_is_refused_and_changes_nothing(mobility, referent_a):
    accepted = []
    for current, target in REFUSED:
        _at(mobility, current)
        try:
            services.mobility_transition(
                mobility=mobility, to_status=target, acting_user=referent_a, reason="x"
            )
        except services.TransitionError as exc:
            assert "cannot go from" in exc.messages[0]
        else:
            accepted.append((current, target))
        mobility.refresh_from_db()
        assert mobility.status == current
    assert accepted == []
    assert len(REFUSED) > 50


def test_the_workflow_allows_the_moves_a_referent_expects():
    assert (MobilityStatus.DRAFT, MobilityStatus.PLANNED) in ALLOWED
    assert (MobilityStatus.IN_PROGRESS, MobilityStatus.INTERRUPTED) in ALLOWED
    assert (MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED) in ALLOWED
    assert services.TRANSITIONS[MobilityStatus.CERTIFIED] == ()


def test_planning_needs_to_know_where(centre_a, referent_a, learner):
    mobility = factories.MobilityFactory(
        participant=learner, host_organisation=None, host_tutor=None, host_city=""
    )
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a
        )
    assert "where" in exc.value.messages[0]


def test_a_confirmed_mobility_cannot_be_started_before_its_first_day(mobility, referent_a):
    future = datetime.date.today() + datetime.timedelta(days=20)
    Mobility.objects.filter(pk=mobility.pk).update(
        status=MobilityStatus.CONFIRMED,
        planned_start=future,
        planned_end=future + datetime.timedelta(days=20),
    )
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.IN_PROGRESS, acting_user=referent_a
        )
    assert "has not started yet" in exc.value.messages[0]


def test_starting_records_the_actual_start_and_is_audited(mobility, referent_a):
    _at(mobility, MobilityStatus.CONFIRMED)
    started = services.mobility_transition(
        mobility=mobility, to_status=MobilityStatus.IN_PROGRESS, acting_user=referent_a
    )
    assert started.actual_start == datetime.date(2026, 3, 2)
    entry = AuditEntry.objects.filter(action="mobility.transition", target_id=str(mobility.pk)).latest("at")
    assert entry.data["status"] == ["confirmed", "in_progress"] and entry.actor == referent_a


def test_an_interruption_ends_the_stay_and_keeps_the_reason(mobility, referent_a):
    _at(mobility, MobilityStatus.IN_PROGRESS)
    interrupted = services.mobility_transition(
        mobility=mobility,
        to_status=MobilityStatus.INTERRUPTED,
        reason="Rapatriement",
        force_majeure=True,
        acting_user=referent_a,
    )
    assert interrupted.actual_end is not None
    assert (interrupted.status_reason, interrupted.force_majeure) == ("Rapatriement", True)


def test_an_interruption_without_a_reason_is_refused(mobility, referent_a):
    _at(mobility, MobilityStatus.IN_PROGRESS)
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.INTERRUPTED, acting_user=referent_a
        )
    assert "reason" in exc.value.message_dict


def test_a_submitted_evaluation_is_not_enough_to_be_evaluated(mobility, referent_a):
    _at(mobility, MobilityStatus.COMPLETED)
    Evaluation.objects.create(mobility=mobility, kind=EvaluationKind.TUTOR, status=EvaluationStatus.SUBMITTED)
    with pytest.raises(services.TransitionError):
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.EVALUATED, acting_user=referent_a
        )


def test_a_cancelled_mobility_comes_back_as_a_draft(mobility, referent_a):
    services.mobility_transition(
        mobility=mobility, to_status=MobilityStatus.CANCELLED, reason="Report", acting_user=referent_a
    )
    again = services.mobility_transition(
        mobility=mobility, to_status=MobilityStatus.DRAFT, acting_user=referent_a
    )
    assert again.status == MobilityStatus.DRAFT


def test_the_daily_job_leaves_planned_mobilities_alone(mobility, referent_a):
    _at(mobility, MobilityStatus.PLANNED)
    services.mobilities_follow_dates(today=datetime.date(2026, 3, 10))
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.PLANNED


def test_read_only_staff_cannot_move_a_mobility(mobility, readonly_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=readonly_a
        )


def _plan_other(learner, referent_a, start, end):
    """A second mobility of the same learner, planned on ``start``–``end``."""
    return services.mobility_create(
        centre=learner.centre,
        data={
            "participant": learner,
            "activity_type": factories.activity(),
            "host_city": "Sevilla",
            "host_country": "ES",
            "planned_start": start,
            "planned_end": end,
        },
        acting_user=referent_a,
    )


def test_a_cancelled_mobility_does_not_come_back_over_dates_given_since(mobility, referent_a, learner):
    services.mobility_transition(
        mobility=mobility, to_status=MobilityStatus.CANCELLED, reason="Report", acting_user=referent_a
    )
    other = _plan_other(learner, referent_a, datetime.date(2026, 3, 9), datetime.date(2026, 3, 31))
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.DRAFT, acting_user=referent_a
        )
    assert other.reference in exc.value.messages[0] and "overlap" in exc.value.messages[0]
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.CANCELLED


def test_a_draft_moved_onto_taken_dates_is_not_planned(mobility, referent_a, learner):
    later = _plan_other(learner, referent_a, datetime.date(2026, 5, 4), datetime.date(2026, 5, 29))
    services.mobility_update(
        mobility=later,
        data={"planned_start": datetime.date(2026, 3, 16), "planned_end": datetime.date(2026, 4, 10)},
        acting_user=referent_a,
    )
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(mobility=later, to_status=MobilityStatus.PLANNED, acting_user=referent_a)
    assert mobility.reference in exc.value.messages[0]
    later.refresh_from_db()
    assert later.status == MobilityStatus.DRAFT
    assert not AuditEntry.objects.filter(action="mobility.transition", target_id=str(later.pk)).exists()


def test_a_draft_on_free_dates_is_planned(mobility, referent_a, learner):
    later = _plan_other(learner, referent_a, datetime.date(2026, 5, 4), datetime.date(2026, 5, 29))
    planned = services.mobility_transition(
        mobility=later, to_status=MobilityStatus.PLANNED, acting_user=referent_a
    )
    assert planned.status == MobilityStatus.PLANNED


def test_the_beat_moves_mobilities_with_their_dates(settings, mobility):
    from mobility.celery import app
    from mobility.mobilities.tasks import follow_dates

    entry = settings.CELERY_BEAT_SCHEDULE["mobilities-follow-dates"]
    assert entry["task"] == follow_dates.name and follow_dates.name in app.tasks
    _at(mobility, MobilityStatus.CONFIRMED)  # 2 to 27 March 2026: started and ended by now
    assert follow_dates.apply().get() == {"in_progress": 1, "completed": 1}
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.COMPLETED
    assert (mobility.actual_start, mobility.actual_end) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 27),
    )
    moves = AuditEntry.objects.filter(action="mobility.transition", target_id=str(mobility.pk))
    assert sorted(e.data["status"][1] for e in moves) == ["completed", "in_progress"]
    assert all(e.actor is None and e.actor_label == "platform" for e in moves)
