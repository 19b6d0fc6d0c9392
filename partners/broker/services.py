"""Publishing work to the broker without ever holding a request, and counting recoveries.

A publish waits at most ``BROKER_PUBLISH_DEADLINE`` seconds, whatever the broker does (down,
frozen, unreachable): the message is handed over by a helper thread and the caller stops waiting
at the deadline. After a publish that failed or timed out, this process leaves the broker alone for
``BROKER_BACKOFF`` seconds: the next requests answer at once, their rows stay waiting and the
sweeper (run by the beat process, not through the queue) publishes them once the broker is back.
A publish that times out may still reach the broker later: every task is safe to deliver twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from partners.broker.models import Recovery

logger = logging.getLogger(__name__)

_quiet_until = 0.0


def broker_backoff_reset() -> None:
    """The sweeper always tries: it is how waiting work leaves after an outage."""
    global _quiet_until
    _quiet_until = 0.0


def broker_quiet() -> bool:
    """Whether this process is leaving the broker alone after a failed publish."""
    return time.monotonic() < _quiet_until


def publish(
    task: Any,
    args: tuple | list = (),
    *,
    what: str,
    on_published: Callable[[], None] | None = None,
    deadline: float | None = None,
    **options: Any,
) -> bool:
    """Hands ``task(*args)`` to the broker; False when it could not within the deadline (the
    sweeper will). ``on_published`` runs once the broker has taken the message (in time)."""
    global _quiet_until
    if broker_quiet():
        return False
    wait = settings.BROKER_PUBLISH_DEADLINE if deadline is None else deadline
    done = threading.Event()
    outcome: dict[str, BaseException] = {}

    def send() -> None:
        try:
            task.apply_async(tuple(args), retry=False, **options)
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=send, name=f"publish {what}", daemon=True).start()
    if not done.wait(wait) or "error" in outcome:
        _quiet_until = time.monotonic() + settings.BROKER_BACKOFF
        error = outcome.get("error")
        logger.warning(
            "could not publish %s (%s); the sweeper will",
            what,
            type(error).__name__ if error else f"no answer within {wait}s",
        )
        return False
    if on_published is not None:
        try:
            on_published()
        except Exception:  # the work is on its way; the timestamp only spares a republish
            logger.warning("could not record the publication of %s", what, exc_info=True)
    return True


def publish_after_commit(task: Any, args: tuple | list = (), **kwargs: Any) -> None:
    """``publish`` once the current transaction has committed (at once outside a transaction)."""
    transaction.on_commit(lambda: publish(task, args, **kwargs))


def recovery_record(*, kind: str, cause: str, count: int = 1) -> None:
    """Counts work published again (``kind``: what, ``cause``: a ``RecoveryCause``)."""
    if count <= 0:
        return
    now = timezone.now()
    try:
        row, created = Recovery.objects.get_or_create(
            kind=kind, cause=cause, defaults={"count": count, "last_at": now}
        )
        if not created:
            Recovery.objects.filter(pk=row.pk).update(count=F("count") + count, last_at=now)
    except Exception:  # counting must never stop a recovery
        logger.warning("could not count the recovery of %s %s (%s)", count, kind, cause, exc_info=True)
    logger.info("republished %s %s (%s)", count, kind, cause)
