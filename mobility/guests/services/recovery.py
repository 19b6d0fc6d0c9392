"""Lost links: a fresh link and a code by e-mail, limited per address and per client, and the renewal
asked from the "link does not work" page.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.guests.models import AccessLink
from mobility.guests.services.links import (
    CODE_TTL_SECONDS,
    INVITATION_TEMPLATES,
    LOOKUP_LENGTH,
    _code_key,
    address_key,
    link_send,
    usable_links_for,
)
from mobility.guests.services.sessions import SESSION_CODE
from mobility.mobilities.models import MobilityStatus
from partners.audit.services import audit_record
from partners.broker.services import publish_after_commit

logger = logging.getLogger(__name__)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return timezone.now()


#: Codes checked per code request, and per client address and hour whatever the request (the
#: e-mail with the code also carries a fresh link, which opens even when the code page is closed).
CODE_MAX_ATTEMPTS = 5

CODE_CHECKS_PER_IP = 30

#: Requests for a new link: per e-mail address and per IP address, per hour.
LOST_LINK_LIMIT_PER_ADDRESS = 3

LOST_LINK_LIMIT_PER_IP = 10

RENEW_LIMIT_PER_LINK = 3


# --- Lost links: a fresh link and a code by e-mail -----------------------------------------------------
def _bump(key: str, window: int) -> int:
    try:
        if cache.add(key, 1, window):
            return 1
        return int(cache.incr(key))
    except Exception:
        logger.warning("rate-limit counter unavailable", exc_info=True)
        return 0


def lost_link_request(*, email: str, request: HttpRequest, language: str) -> bool:
    """Asks for new links for ``email``. The answer never says whether the address is known.

    Returns False when the rate limit is reached (nothing is sent). The look-up and the e-mail
    happen in a worker, so the response takes the same time for any address.
    """
    address = email.strip().lower()
    digest = _hash(address)[:32]
    if (
        _bump(f"guest-lost:addr:{digest}", 3600) > LOST_LINK_LIMIT_PER_ADDRESS
        or _bump(address_key("guest-lost:ip", request), 3600) > LOST_LINK_LIMIT_PER_IP
    ):
        return False
    request_id = secrets.token_urlsafe(18)
    request.session[SESSION_CODE] = {"id": request_id, "email": address, "at": int(time.time())}
    cache.set(_code_key(request_id), {"email": address}, CODE_TTL_SECONDS)

    from mobility.guests.tasks import guest_lost_link

    publish_after_commit(guest_lost_link, (address, request_id, language), what="a lost-link request")
    return True


def lost_link_verify_code(*, request: HttpRequest, code: str) -> list[AccessLink]:
    """Opens a guest session on every live link of the address, if ``code`` is the one e-mailed."""
    pending = request.session.get(SESSION_CODE)
    if not pending:
        raise ValidationError(_("Ask for a code first: enter your e-mail address."))
    # Counted in the cache, one atomic increment per check before it is made: requests sent at
    # once cannot all read the same count (the session is only saved when each one ends).
    if _bump(address_key("guest-code:ip", request), 3600) > CODE_CHECKS_PER_IP:
        raise ValidationError(
            _(
                "Too many codes were tried from your network. Open the link in the e-mail we sent "
                "you, or try again in an hour."
            )
        )
    if _bump(f"guest-code-checks:{pending['id']}", CODE_TTL_SECONDS) > CODE_MAX_ATTEMPTS:
        raise ValidationError(_("Too many wrong codes. Ask for a new code."))
    entry = cache.get(_code_key(pending["id"])) or {}
    cleaned = re.sub(r"\D", "", code or "")
    if not entry.get("hash") or not hmac.compare_digest(entry["hash"], _hash(cleaned)):
        raise ValidationError(
            _("This code is not the one we sent, or it has expired (codes last 15 minutes).")
        )
    cache.delete(_code_key(pending["id"]))
    request.session.pop(SESSION_CODE, None)
    links = usable_links_for(pending["email"])
    now = _now()
    for link in links:
        AccessLink.objects.filter(pk=link.pk).update(
            last_used_at=now, first_used_at=link.first_used_at or now
        )
        audit_record(
            action="access_link.open_by_code",
            actor_label=link.audit_label,
            target=link,
            centre_id=link.mobility.centre_id,
            request=request,
        )
    return links


def access_link_renew_request(*, lookup: str, request: HttpRequest) -> bool:
    """From the "link does not work" page: a fresh link to the address on file, if the link is live."""
    link = AccessLink.objects.select_related("mobility").filter(lookup=lookup[:LOOKUP_LENGTH]).first()
    if link is None:
        return False
    if _bump(f"guest-renew:{link.pk}", 24 * 3600) > RENEW_LIMIT_PER_LINK:
        return False
    if not link.is_usable or link.mobility.status == MobilityStatus.CANCELLED:
        return False
    with transaction.atomic():
        link_send(
            link=link,
            kind=f"guest.renewed.{link.role}",
            template=INVITATION_TEMPLATES[link.role],
            context={"resent": True},
        )
        audit_record(
            action="access_link.renewed",
            actor_label=link.audit_label,
            target=link,
            centre_id=link.mobility.centre_id,
            request=request,
        )
    return True


def mask_email(address: str) -> str:
    """``m•••@host.example``: enough for a person to recognise their address, not to learn it."""
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"
