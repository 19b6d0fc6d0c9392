"""Daily: reminders to tutors; evaluated mobilities move on by themselves."""

from celery import shared_task


@shared_task(name="mobility.tasks.send_tutor_reminders")
def send_tutor_reminders() -> int:
    """Daily: tutors who have not confirmed the placement or sent the evaluation are reminded."""
    from mobility.evaluations.services.reminders import reminders_send_due

    return reminders_send_due()


@shared_task(name="mobility.tasks.evaluated_mobilities_follow")
def evaluated_mobilities_follow() -> int:
    """Completed mobilities whose evaluation is already validated move to "evaluated"."""
    from mobility.evaluations.services.reminders import evaluated_mobilities_follow as follow

    return follow()
