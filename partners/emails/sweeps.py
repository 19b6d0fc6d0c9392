"""The beat task that publishes again the e-mails still queued after a broker outage."""

from celery import shared_task

from partners.emails.services import email_republish_stale


@shared_task(name="partners.tasks.republish_stale_emails")
def republish_stale_emails() -> int:
    return email_republish_stale()
