"""The Celery application. Workers run the tasks of every app; the database rows are the truth.

Three things keep a broker hiccup from stalling work in silence:

* liveness is measured through the queue: every few seconds a worker sends a ping to its own
  queue (``worker_direct``, consumed by the same channel as the work), and the ping task, once
  consumed by a pool process, records the heartbeat that ``/healthz`` reads. A worker that
  consumes nothing has no fresh heartbeat, whatever its main process does;
* a worker whose pings stay unconsumed while it has free pool processes restarts itself;
* an acknowledgement that fails (broker frozen) still frees its prefetch slot (``_ack_frees_slot``),
  and the sweepers run in the beat process itself (``Scheduler``), not through the queue they sweep.

Workers run ``--without-heartbeat --without-gossip --without-mingle`` (docker-compose.yml,
``run_platform``): Celery's own event heartbeat publishes from the worker's main loop and retries
for ever, so a frozen broker would stop the whole worker (its acknowledgements, its consumer, the
ping timer) until the broker answers again; nothing here reads those events.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

from celery import Celery, bootsteps, signals
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mobility.settings")

logger = logging.getLogger(__name__)

app = Celery("mobility")
app.config_from_object("django.conf:settings", namespace="CELERY")

PING_TASK = "mobility.tasks.worker_alive"


def _ack_frees_slot() -> None:
    """kombu's Redis QoS forgets to free a delivery's prefetch slot when the acknowledgement to
    Redis fails (timeout while the broker is frozen): with late acks and a prefetch multiplier of 1,
    each such failure takes one pool process away for the life of the channel. Here the slot is
    freed whatever happens; the message itself stays in Redis's unacked set and comes back after
    the visibility timeout, to a task that is safe to deliver twice."""
    from kombu.transport import redis as kombu_redis
    from kombu.transport.virtual import base

    if getattr(kombu_redis.QoS.ack, "frees_slot", False):
        return
    original_ack, original_reject = kombu_redis.QoS.ack, kombu_redis.QoS.reject

    def ack(self, delivery_tag):
        try:
            original_ack(self, delivery_tag)
        except Exception:
            base.QoS.ack(self, delivery_tag)
            logger.warning("acknowledgement %s failed; its prefetch slot is freed anyway", delivery_tag)
            raise

    def reject(self, delivery_tag, requeue=False):
        try:
            original_reject(self, delivery_tag, requeue=requeue)
        except Exception:
            base.QoS.ack(self, delivery_tag)
            logger.warning("rejection %s failed; its prefetch slot is freed anyway", delivery_tag)
            raise

    ack.frees_slot = True  # type: ignore[attr-defined]
    ack.original, reject.original = original_ack, original_reject  # type: ignore[attr-defined]
    kombu_redis.QoS.ack, kombu_redis.QoS.reject = ack, reject


_ack_frees_slot()


class HeartbeatStep(bootsteps.StartStopStep):
    """Sends this worker a ping through its own queue every ``WORKER_HEARTBEAT_INTERVAL`` seconds
    and restarts the worker when pings stay unconsumed for ``WORKER_STALL_AFTER`` seconds while a
    pool process is free (a consumer that lost its capacity; nothing else would bring it back).

    The heartbeat lives in the database rather than Celery's remote control: it also works on the
    embedded filesystem broker, which has no broadcast.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None
        self.worker = worker
        self.pending_since: float | None = None  # oldest ping sent and not consumed yet
        self.restarting = False

    def start(self, worker):
        from django.conf import settings

        signals.task_received.connect(self.on_received, weak=False)
        self.tref = worker.timer.call_repeatedly(settings.WORKER_HEARTBEAT_INTERVAL, self.beat, (worker,))
        threading.Timer(0.5, self.beat, (worker,)).start()  # a first ping once the consumer is up

    def stop(self, worker):
        signals.task_received.disconnect(self.on_received)
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def on_received(self, sender=None, request=None, **kwargs):
        if request is not None and request.name == PING_TASK:
            self.pending_since = None

    def beat(self, worker):
        from django.conf import settings

        try:
            self.check_stalled(worker, settings.WORKER_STALL_AFTER)
            self.ping(worker, settings)
        except Exception:  # nothing here may kill the worker's timer
            logger.exception("could not send the worker heartbeat")

    def ping(self, worker, settings) -> None:
        from celery.utils.nodenames import worker_direct

        from partners.broker.services import publish

        task = app.tasks.get(PING_TASK) or app.signature(PING_TASK).type
        sent = publish(
            task,
            (worker.hostname,),
            what="worker ping",
            queue=worker_direct(worker.hostname),
            expires=settings.WORKER_HEARTBEAT_STALE_AFTER,
            deadline=settings.BROKER_PUBLISH_DEADLINE,
        )
        if sent and self.pending_since is None:
            self.pending_since = time.monotonic()

    def check_stalled(self, worker, stall_after: float) -> None:
        from celery.worker import state

        if self.pending_since is None or self.restarting:
            return
        waited = time.monotonic() - self.pending_since
        busy = len(state.active_requests)
        if waited < stall_after or busy >= (worker.concurrency or 1):
            return
        logger.error(
            "worker %s consumed nothing for %.0fs with %s of %s processes busy: restarting it",
            worker.hostname,
            waited,
            busy,
            worker.concurrency,
        )
        self.restarting = True
        worker_restart()


def worker_restart() -> None:
    """Warm shutdown, then the same command again in the same process (``execv``: same pid, so
    docker, ``run_platform`` or any process manager keeps watching it)."""
    import atexit

    from celery.worker import state

    logger.warning("restarting: %s", " ".join(_same_command()))
    atexit.register(_exec_same_command)
    state.should_stop = 0


def _same_command() -> list[str]:
    # sys.orig_argv keeps "-m celery"; Celery's own reload (sys.argv) would run
    # celery/__main__.py as a script, which cannot import its package.
    return [sys.executable, *sys.orig_argv[1:]]


def _exec_same_command() -> None:
    from celery import platforms

    platforms.close_open_fds([sys.__stdin__, sys.__stdout__, sys.__stderr__])
    os.execv(sys.executable, _same_command())  # noqa: S606 (this very command, run again)


app.steps["worker"].add(HeartbeatStep)


class Scheduler(PersistentScheduler):
    """Beat, running the tasks named in ``BEAT_RUN_IN_PROCESS`` (the sweepers) in its own process,
    one thread each, instead of sending them through the queue: a worker that stopped consuming,
    or a queue that piled up, cannot keep the sweepers from publishing again what was lost."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._running: dict[str, threading.Thread] = {}

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        from django.conf import settings

        if entry.task not in settings.BEAT_RUN_IN_PROCESS:
            return super().apply_async(entry, producer, advance, **kwargs)
        entry = self.reserve(entry) if advance else entry
        previous = self._running.get(entry.task)
        if previous is not None and previous.is_alive():
            return None  # the last sweep is still at it (broker slow): no second one beside it
        thread = threading.Thread(
            target=run_in_process, args=(entry.task,), name=f"beat {entry.task}", daemon=True
        )
        self._running[entry.task] = thread
        thread.start()
        return None


def run_in_process(name: str) -> None:
    from django.db import connections

    try:
        app.loader.import_default_modules()
        app.tasks[name]()
    except Exception:
        logger.exception("sweep %s failed", name)
    finally:
        connections.close_all()
