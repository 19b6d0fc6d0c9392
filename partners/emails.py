"""E-mails: one template set per message (subject, text, HTML), rendered in the recipient's language.

``email_queue`` renders and stores the message, then a Celery task delivers it after the
transaction commits. Templates live in ``templates/emails/<name>_subject.txt``, ``<name>.txt`` and
``<name>.html`` (the HTML one extends ``emails/base.html``).

Secrets (a personal link, a code, an invitation's token) are never stored: the caller binds them to
the message before rendering (``Placeholders``), the stored body holds placeholders marked with the
message's random nonce, and at delivery each bound placeholder gets a fresh secret from the issuer
its app registered (``register_issuer``). Nothing else in the text is touched, so a name typed as a
placeholder is sent as typed.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from .models import EmailStatus, OutboundEmail, User

logger = logging.getLogger(__name__)

SUPPORTED = {code for code, _ in settings.LANGUAGES}

#: ``(message, reference) -> text``: makes one secret of a message at delivery (a link, a code).
Issuer = Callable[[OutboundEmail, str], str]
_ISSUERS: dict[str, tuple[Issuer, str | Promise]] = {}
PLACEHOLDER_RE = re.compile(r"\[\[([a-z]{1,20}):([A-Za-z0-9_-]{1,40}):([0-9a-f]{32})\]\]")


def register_issuer(kind: str, issuer: Issuer, *, shown_as: str | Promise) -> None:
    """Lets an app put secrets of ``kind`` in e-mails: made at delivery, never stored.

    The stored body holds a placeholder (``Placeholders.add``); at delivery the issuer makes the
    secret for the copy that leaves and audits it with the message's id. ``shown_as`` is what the
    outbox and the admin show instead.
    """
    _ISSUERS[kind] = (issuer, shown_as)


class Placeholders:
    """The secrets one e-mail may carry, bound to it before its templates are rendered.

    Each placeholder holds the message's random nonce: a name or a comment typed as
    ``[[link:12]]`` (or with a guessed nonce) matches nothing bound and is sent as typed.
    """

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(16)
        self.bound: list[list[str]] = []

    def add(self, kind: str, reference: Any) -> str:
        """What a template writes where the secret of ``kind`` for ``reference`` goes."""
        entry = [kind, str(reference)]
        if entry not in self.bound:
            self.bound.append(entry)
        return f"[[{kind}:{reference}:{self.nonce}]]"


def _finalise(message: OutboundEmail) -> tuple[str, str]:
    """The text and HTML that leave: each placeholder bound to the message gets its fresh secret."""
    if not message.nonce:
        return message.body_text, message.body_html
    bound = {(kind, reference) for kind, reference in message.placeholders}
    made: dict[tuple[str, str], str] = {}

    def fill(match: re.Match[str]) -> str:
        kind, reference, nonce = match.groups()
        key = (kind, reference)
        if key not in bound or kind not in _ISSUERS or not hmac.compare_digest(nonce, message.nonce):
            return match.group(0)
        if key not in made:  # the same secret in the text and the HTML part
            made[key] = _ISSUERS[kind][0](message, reference)
        return made[key]

    return PLACEHOLDER_RE.sub(fill, message.body_text), PLACEHOLDER_RE.sub(fill, message.body_html)


def email_body_redacted(message: OutboundEmail) -> str:
    """The stored text as staff may read it: where a secret went, what it was (‹personal link›)."""

    def show(match: re.Match[str]) -> str:
        kind = match.group(1)
        if kind not in _ISSUERS or not message.nonce or match.group(3) != message.nonce:
            return match.group(0)
        return f"‹{_ISSUERS[kind][1]}›"

    return PLACEHOLDER_RE.sub(show, message.body_text)


def _recipient(name: str, address: str) -> str:
    """``"Martin, Paul" <paul@…>``: a name with ``,`` ``;`` ``@`` or quotes still names one address."""
    return formataddr((" ".join(name.split()), address)) if name.strip() else address


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
        to = _recipient(message.to_name, message.to)
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
