"""E-mails: one template set per message (subject, text, HTML), rendered in the recipient's language
and stored; a worker delivers it once the transaction commits. A broker outage delays delivery, the
sweeper publishes what is still queued.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from partners.accounts.models import User
from partners.broker.models import RecoveryCause
from partners.broker.services import broker_backoff_reset, publish, recovery_record
from partners.emails.models import EmailStatus, OutboundEmail
from partners.emails.secrets import Placeholders

logger = logging.getLogger(__name__)


SUPPORTED = {code for code, _ in settings.LANGUAGES}


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
    placeholders: Placeholders | None = None,
) -> OutboundEmail:
    """Renders and stores one e-mail, and has a worker deliver it once the transaction commits.

    ``placeholders``: the secrets the context's placeholders stand for (made at delivery).
    """
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
        nonce=placeholders.nonce if placeholders is not None else "",
        placeholders=placeholders.bound if placeholders is not None else [],
    )
    transaction.on_commit(lambda: _publish(message.pk))
    return message


def _publish(message_id: int) -> bool:
    """Hands the e-mail to the broker, never holding the request (``partners.broker.services``);
    when it cannot, the row stays queued and the sweeper (``email_republish_stale``) publishes it."""
    from partners.emails.tasks import deliver_email

    return publish(deliver_email, (message_id,), what=f"e-mail {message_id}")


def email_republish_stale(*, older_than_seconds: int = 30) -> int:
    """Publishes again the e-mails still queued after a while (broker outage, lost message)."""
    broker_backoff_reset()
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        OutboundEmail.objects.filter(
            status=EmailStatus.QUEUED, created_at__lt=cutoff, attempts__lt=5
        ).values_list("pk", flat=True)[:500]
    )
    published = sum(1 for pk in ids if _publish(pk))
    recovery_record(kind="e-mail", cause=RecoveryCause.STALE, count=published)
    return len(ids)
