"""Daily: end-of-stay questionnaires to participants whose stay ended, and their reminders."""

from celery import shared_task


@shared_task(name="mobility.tasks.send_participant_reports")
def send_participant_reports() -> dict[str, int]:
    from mobility.quality.services import reports_send_due

    return reports_send_due()
