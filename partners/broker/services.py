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
    outcome: dict[str, Any] = {}
    lock = threading.Lock()

    def send() -> None:
        try:
            task.apply_async(tuple(args), retry=False, **options)
        except BaseException as exc:  # reported to the waiting caller
            outcome["error"] = exc
        with lock:
            done.set()
            late = outcome.get("gave_up", False)
        if late and "error" not in outcome:
            _published_late(what, on_published)

    threading.Thread(target=send, name=f"publish {what}", daemon=True).start()
    done.wait(wait)
    with lock:
        outcome["gave_up"] = not done.is_set()
    if outcome["gave_up"] or "error" in outcome:
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


def _published_late(what: str, on_published: Callable[[], None] | None) -> None:
    """The broker took the message after the caller stopped waiting: it was slow, not gone."""
    from django.db import connections

    broker_backoff_reset()
    logger.info("%s was published late", what)
    if on_published is not None:
        try:
            on_published()
        except Exception:
            logger.warning("could not record the publication of %s", what, exc_info=True)
        finally:
            connections.close_all()  # this helper thread's own connections


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


def broker_held_args(task_name: str, *, limit: int = 10_000) -> set[str] | None:
    """The arguments (``argsrepr``, e.g. ``"(12,)"``) of every ``task_name`` message the broker
    holds: waiting in the queue or delivered and not yet acknowledged. None when it cannot tell
    (filesystem broker, broker out of reach): then only the age of a publication says it was lost."""
    import json

    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            pipe = client.pipeline(transaction=False)
            pipe.lrange(queue, 0, limit - 1)
            for priority in (3, 6, 9):  # kombu's other priority lists of the same queue
                pipe.lrange(f"{queue}\x06\x16{priority}", 0, limit - 1)
            pipe.hvals("unacked")
            replies = pipe.execute()
        finally:
            client.close()
    except Exception:
        logger.warning("could not look into the broker's queue", exc_info=True)
        return None
    held: set[str] = set()
    for raw in (item for reply in replies for item in reply):
        try:
            payload = json.loads(raw)
            if isinstance(payload, list):  # unacked entries are [message, exchange, routing key]
                payload = payload[0]
            headers = payload.get("headers") or {}
        except (ValueError, TypeError, AttributeError, IndexError):
            continue
        if headers.get("task") == task_name:
            held.add(str(headers.get("argsrepr", "")))
    return held
