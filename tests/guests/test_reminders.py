"""Reminders to tutors, on a frozen clock: 3 and 10 days after the due date, one a day at most,
never after submission; the referent's own reminder and its history."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError

from mobility.evaluations.models import EvaluationKind, GuestReminder, ReminderKind
from mobility.evaluations.services import evaluation as services_evaluation
from mobility.evaluations.services import reminders as evaluations
from mobility.guests.models import GuestRole
from mobility.guests.services import actions as services_actions
from mobility.guests.services import links as guests
from mobility.guests.services import sessions as services_sessions
from mobility.mobilities.models import MobilityStatus
from partners.emails.models import OutboundEmail

from .test_evaluations import _fill, _submitted

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=2))


def on(day: str):
    """The clock at 9:30 in Paris on ``day`` (when the beat job runs)."""
    return time_machine.travel(
        datetime.datetime.fromisoformat(f"{day}T09:30:00").replace(tzinfo=TZ), tick=False
    )


@pytest.fixture
def invited(mobility, referent_a):
    """Evaluation due on 10 April 2026; the tutor was invited on 1 March."""
    with on("2026-03-01"):
        guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    return mobility


def run(day: str) -> int:
    with on(day):
        return evaluations.reminders_send_due()


def test_the_beat_runs_the_reminders_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["send-tutor-reminders"]
    assert entry["task"] == "mobility.tasks.send_tutor_reminders"


def test_no_reminder_before_three_days_after_the_due_date(invited):
    assert [run(day) for day in ("2026-04-10", "2026-04-11", "2026-04-12")] == [0, 0, 0]


def test_reminders_go_three_and_ten_days_after_the_due_date(invited):
    sent = {day: run(day) for day in [f"2026-04-{d:02d}" for d in range(12, 26)]}
    assert [day for day, count in sent.items() if count] == ["2026-04-13", "2026-04-20"]
    reminders = GuestReminder.objects.order_by("sent_on")
    assert [(r.kind, r.sent_on, r.manual) for r in reminders] == [
        (ReminderKind.EVALUATION, datetime.date(2026, 4, 13), False),
        (ReminderKind.EVALUATION, datetime.date(2026, 4, 20), False),
    ]
    message = OutboundEmail.objects.filter(kind="guest.reminder.evaluation").first()
    assert message.language == "es" and message.to == "lucia@panaderia-sol.example"


def test_at_most_one_reminder_a_day_however_often_the_job_runs(invited):
    assert run("2026-04-13") == 1
    assert run("2026-04-13") == 0
    assert GuestReminder.objects.count() == 1


def test_a_missed_day_catches_up_one_reminder_a_day(invited):
    assert run("2026-04-25") == 1
    assert run("2026-04-25") == 0
    assert run("2026-04-26") == 1
    assert run("2026-04-27") == 0


def test_no_reminder_after_submission(invited):
    with on("2026-04-12"):
        _submitted(invited)
    assert run("2026-04-13") == 0
    assert run("2026-04-20") == 0


def test_a_draft_still_gets_reminded(invited):
    with on("2026-04-11"):
        _fill(invited)
    assert run("2026-04-13") == 1


def test_a_returned_evaluation_restarts_the_schedule_from_its_return(invited, referent_a):
    run("2026-04-13")
    run("2026-04-20")
    with on("2026-04-22"):
        services_evaluation.evaluation_send_back(
            evaluation=_submitted(invited), acting_user=referent_a, comment="Fechas"
        )
    assert [run(day) for day in ("2026-04-24", "2026-04-25", "2026-05-02")] == [0, 1, 1]


def test_a_revoked_link_gets_no_reminder(invited, referent_a):
    guests.access_link_revoke(
        link=guests.live_link(mobility=invited, role=GuestRole.TUTOR), acting_user=referent_a
    )
    assert run("2026-04-13") == 0


def test_a_cancelled_mobility_gets_no_reminder(invited):
    invited.status = MobilityStatus.CANCELLED
    invited.save(update_fields=["status"])
    assert run("2026-04-13") == 0


def test_an_unconfirmed_placement_is_reminded_after_the_invitation(mobility, referent_a):
    mobility.status = MobilityStatus.PLANNED
    mobility.planned_start, mobility.planned_end = datetime.date(2026, 6, 1), datetime.date(2026, 6, 26)
    mobility.save(update_fields=["status", "planned_start", "planned_end"])
    with on("2026-04-01"):
        guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    # Confirmation due 7 days after the invitation: reminders on the 11th and 18th.
    sent = [day for day in [f"2026-04-{d:02d}" for d in range(2, 25)] if run(day)]
    assert sent == ["2026-04-11", "2026-04-18"]
    assert OutboundEmail.objects.filter(kind="guest.reminder.confirmation").count() == 2


def test_a_confirmed_placement_is_not_reminded(mobility, referent_a):
    mobility.status = MobilityStatus.PLANNED
    mobility.save(update_fields=["status"])
    with on("2026-02-01"):
        link = guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
        grant = services_sessions.Grant(
            mobility_id=mobility.pk, role=GuestRole.TUTOR, name="Lucía García", language="es", link=link
        )
        services_actions.host_confirmation_record(mobility=mobility, grant=grant, dates_confirmed=True)
    assert run("2026-02-11") == 0


def test_the_referent_reminds_by_hand_and_it_counts_for_the_day(client_of, referent_a, invited):
    with on("2026-04-13"):
        response = client_of(referent_a).post(f"/mobilities/{invited.pk}/remind/")
        assert response.status_code == 302
        assert evaluations.reminders_send_due() == 0
    reminder = GuestReminder.objects.get()
    assert (
        reminder.manual
        and reminder.sent_by == referent_a
        and reminder.email.kind == "guest.reminder.evaluation"
    )
    assert run("2026-04-14") == 1  # the schedule's own first reminder, the next day


def test_a_manual_reminder_needs_something_to_remind(invited, referent_a):
    with on("2026-04-12"):
        _submitted(invited)
        with pytest.raises(ValidationError, match="nothing to do"):
            evaluations.reminder_send_manual(mobility=invited, acting_user=referent_a)


def test_the_mobility_panel_shows_what_was_sent_when(rf, referent_a, invited):
    from mobility.evaluations.panels import outside_panel

    run("2026-04-13")
    request = rf.get("/")
    request.user = referent_a
    with on("2026-04-14"):
        html = outside_panel(request, invited)
    assert "automatic" in html and "Remind the tutor now" in html
    assert f"/mobilities/{invited.pk}/outbox/" in html


def test_the_tutors_self_assessment_kind_never_triggers_tutor_reminders(invited):
    assert EvaluationKind.SELF != EvaluationKind.TUTOR
    with on("2026-04-11"):
        services_evaluation.evaluation_save_draft(
            mobility=invited,
            kind=EvaluationKind.SELF,
            data={},
            assessments={},
            author_name="Léa",
            language="fr",
            actor_label="Léa",
        )
    assert run("2026-04-13") == 1  # the tutor still owes the evaluation
