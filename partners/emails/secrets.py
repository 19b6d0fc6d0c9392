"""Secrets an e-mail carries (a personal link, a code) are made when it leaves: the stored message
holds placeholders bound to it by a nonce; only those are filled at delivery, by the issuer of each kind.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise

from partners.emails.models import OutboundEmail

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


def finalise(message: OutboundEmail) -> tuple[str, str]:
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
