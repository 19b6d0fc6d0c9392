"""Celery tasks of the base layer."""

from celery import shared_task

from .emails import email_deliver, email_republish_stale


@shared_task(
    name="partners.tasks.deliver_email",
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=4,
)
def deliver_email(message_id: int) -> int:
    email_deliver(message_id=message_id)
    return message_id


@shared_task(name="partners.tasks.republish_stale_emails")
def republish_stale_emails() -> int:
    return email_republish_stale()
