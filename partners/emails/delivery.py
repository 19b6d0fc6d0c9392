"""Delivering a queued e-mail once (worker side): secrets filled in, sent, recorded; a failure retried."""

from __future__ import annotations

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from partners.emails.models import EmailStatus, OutboundEmail
from partners.emails.secrets import finalise


def _recipient(name: str, address: str) -> str:
    """``"Martin, Paul" <paul@…>``: a name with ``,`` ``;`` ``@`` or quotes still names one address."""
    return formataddr((" ".join(name.split()), address)) if name.strip() else address


def email_deliver(*, message_id: int) -> OutboundEmail | None:
    """Sends a queued e-mail once. Safe to call twice: a sent message is never sent again.

    A failed attempt is recorded, then the error is raised again so that the task retries.
    """
    failure: Exception | None = None
    with transaction.atomic():
        message = OutboundEmail.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == EmailStatus.SENT:
            return message
        message.attempts += 1
        to = _recipient(message.to_name, message.to)
        try:
            text, html = finalise(message)
            mail = EmailMultiAlternatives(message.subject, text, settings.DEFAULT_FROM_EMAIL, [to])
            if html:
                mail.attach_alternative(html, "text/html")
            mail.send()
        except Exception as exc:
            failure = exc
            message.status = EmailStatus.FAILED if message.attempts >= 5 else EmailStatus.QUEUED
            message.error = f"{type(exc).__name__}: {exc}"[:500]
            message.save(update_fields=["attempts", "status", "error"])
        else:
            message.status = EmailStatus.SENT
            message.sent_at = timezone.now()
            message.error = ""
            message.save(update_fields=["attempts", "status", "sent_at", "error"])
    if failure is not None:
        raise failure
    return message
