"""E-mails: one template set per message (subject, text, HTML), rendered in the recipient's language.

``email_queue`` renders and stores the message, then a Celery task delivers it after the
transaction commits. Templates live in ``templates/emails/<name>_subject.txt``, ``<name>.txt`` and
``<name>.html`` (the HTML one extends ``emails/base.html``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import EmailStatus, OutboundEmail, User

logger = logging.getLogger(__name__)

SUPPORTED = {code for code, _ in settings.LANGUAGES}

#: ``(message, text, html) -> (text, html)``: completes a message just before it is sent.
Finaliser = Callable[[OutboundEmail, str, str], tuple[str, str]]
_FINALISERS: list[tuple[str, Finaliser]] = []


def register_finaliser(kind_prefix: str, finaliser: Finaliser) -> None:
    """Lets an upper app complete the messages whose kind starts with ``kind_prefix`` at delivery.

    For secrets that must never be stored (a personal link's token): the stored body holds a
    placeholder, the finaliser puts the secret in the copy that leaves, the row keeps the placeholder.
    """
    if all(f is not finaliser for _, f in _FINALISERS):
        _FINALISERS.append((kind_prefix, finaliser))


def _finalise(message: OutboundEmail) -> tuple[str, str]:
    text, html = message.body_text, message.body_html
    for prefix, finaliser in _FINALISERS:
        if message.kind.startswith(prefix):
            text, html = finaliser(message, text, html)
    return text, html


def email_language(preferred: str | None) -> str:
    """The language to write in: the recipient's when we have it, else English."""
    code = (preferred or "").split("-")[0].lower()
    return code if code in SUPPORTED else "en"


def render_email(*, template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    with translation.override(email_language(language)):
        ctx = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", ctx).split())
        text = render_to_string(f"emails/{template}.txt", ctx)
        html = render_to_string(f"emails/{template}.html", ctx)
    return subject, text, html


def email_queue(
    *,
    kind: str,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None,
    to_name: str = "",
    centre_id: int | None = None,
    related: models.Model | None = None,
    sent_by: User | None = None,
) -> OutboundEmail:
    """Renders and stores one e-mail, and has a worker deliver it once the transaction commits."""
    lang = email_language(language)
    subject, text, html = render_email(template=template, context=context, language=lang)
    message = OutboundEmail.objects.create(
        kind=kind,
        to=to,
        to_name=to_name[:200],
        language=lang,
        subject=subject[:250],
        body_text=text,
        body_html=html,
        centre_id=centre_id,
        related_type=related._meta.label if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        sent_by=sent_by if sent_by is not None and sent_by.is_authenticated else None,
    )
    transaction.on_commit(lambda: _publish(message.pk))
    return message


#: After a failed publish the broker is left alone for this many seconds: while it is down or frozen,
#: only the first request waits for the socket timeout; the next ones answer at once and their
#: messages stay queued for the sweeper (``email_republish_stale``).
BROKER_BACKOFF_SECONDS = 15.0
_broker_quiet_until = 0.0


def _publish(message_id: int) -> bool:
    global _broker_quiet_until
    if time.monotonic() < _broker_quiet_until:
        return False
    from .tasks import deliver_email

    try:
        deliver_email.delay(message_id)
    except Exception:  # broker down: the row stays queued and the sweeper publishes it later
        _broker_quiet_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning("could not publish e-mail %s; the sweeper will retry", message_id, exc_info=True)
        return False
    return True


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
        to = f"{message.to_name} <{message.to}>" if message.to_name else message.to
        try:
            text, html = _finalise(message)
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


def email_republish_stale(*, older_than_seconds: int = 120) -> int:
    """Publishes again the e-mails still queued after a while (broker outage, lost message)."""
    global _broker_quiet_until
    _broker_quiet_until = 0.0  # the sweeper always tries: it is how queued messages leave after an outage
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        OutboundEmail.objects.filter(
            status=EmailStatus.QUEUED, created_at__lt=cutoff, attempts__lt=5
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        _publish(pk)
    return len(ids)
