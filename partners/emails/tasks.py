"""The delivery task: one queued e-mail by id."""

from celery import shared_task

from partners.emails.delivery import email_deliver


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
