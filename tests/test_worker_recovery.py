"""The pieces that bring a worker back on its own, each on its own logic: a failed acknowledgement
frees its prefetch slot, a worker whose pings stay unconsumed restarts, beat runs the sweepers
itself, and the recoveries are counted for the administrator."""

import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.urls import reverse
from kombu.transport import redis as kombu_redis

from mobility import celery as worker_app
from mobility.management.commands import run_platform
from partners.broker.models import Recovery, RecoveryCause
from partners.broker.selectors import recovery_totals
from partners.broker.services import recovery_record

ROOT = Path(__file__).resolve().parent.parent


class _FrozenPipe:
    def zrem(self, *args):
        return self

    def hdel(self, *args):
        return self

    def execute(self):
        raise kombu_redis.redis.exceptions.TimeoutError("Timeout reading from socket")


def _qos(prefetch: int) -> kombu_redis.QoS:
    qos = kombu_redis.QoS.__new__(kombu_redis.QoS)
    kombu_redis.virtual.QoS.__init__(qos, channel=SimpleNamespace(do_restore=False), prefetch_count=prefetch)
    qos._remove_from_indices = lambda tag, pipe=None: _FrozenPipe()
    return qos


def test_an_acknowledgement_that_times_out_still_frees_its_prefetch_slot():
    qos = _qos(prefetch=1)
    kombu_redis.virtual.QoS.append(qos, SimpleNamespace(), "tag-1")  # delivered
    assert not qos.can_consume()
    with pytest.raises(kombu_redis.redis.exceptions.TimeoutError):
        qos.ack("tag-1")
    assert qos.can_consume()  # the worker can take the next message
    kombu_redis.virtual.QoS.append(qos, SimpleNamespace(), "tag-2")
    with pytest.raises(kombu_redis.redis.exceptions.TimeoutError):
        qos.reject("tag-2")
    assert qos.can_consume()


def _step(concurrency=2):
    step = worker_app.HeartbeatStep.__new__(worker_app.HeartbeatStep)
    step.pending_since, step.restarting = None, False
    return step, SimpleNamespace(hostname="w@test", concurrency=concurrency)


def test_a_worker_whose_ping_waits_with_a_free_process_restarts(monkeypatch):
    restarts = []
    monkeypatch.setattr(worker_app, "worker_restart", lambda: restarts.append(1))
    step, worker = _step()
    step.check_stalled(worker, stall_after=45)
    assert restarts == []  # nothing sent yet, nothing to wait for
    step.pending_since = time.monotonic() - 10
    step.check_stalled(worker, stall_after=45)
    assert restarts == []  # not long enough
    step.pending_since = time.monotonic() - 50
    step.check_stalled(worker, stall_after=45)
    step.check_stalled(worker, stall_after=45)
    assert restarts == [1]  # once


def test_a_worker_busy_on_every_process_is_left_alone(monkeypatch):
    from celery.worker import state

    restarts = []
    monkeypatch.setattr(worker_app, "worker_restart", lambda: restarts.append(1))
    monkeypatch.setattr(state, "active_requests", {object(), object()})
    step, worker = _step(concurrency=2)
    step.pending_since = time.monotonic() - 500
    step.check_stalled(worker, stall_after=45)
    assert restarts == []


def test_a_consumed_ping_clears_the_wait():
    step, _worker = _step()
    step.pending_since = time.monotonic() - 50
    step.on_received(request=SimpleNamespace(name="certification.tasks.render_document"))
    assert step.pending_since is not None
    step.on_received(request=SimpleNamespace(name=worker_app.PING_TASK))
    assert step.pending_since is None


def test_beat_runs_the_sweepers_itself_and_sends_the_rest(monkeypatch, settings):
    ran, sent = [], []
    monkeypatch.setattr(worker_app, "run_in_process", lambda name: ran.append(name))
    monkeypatch.setattr(
        worker_app.PersistentScheduler, "apply_async", lambda self, entry, *a, **k: sent.append(entry.task)
    )
    scheduler = worker_app.Scheduler.__new__(worker_app.Scheduler)
    scheduler._running = {}
    for name in (*settings.BEAT_RUN_IN_PROCESS, "mobility.tasks.follow_dates"):
        scheduler.apply_async(SimpleNamespace(task=name), advance=False)
    for thread in scheduler._running.values():
        thread.join(5)
    assert sorted(ran) == sorted(settings.BEAT_RUN_IN_PROCESS)
    assert sent == ["mobility.tasks.follow_dates"]


@pytest.mark.django_db
def test_recoveries_are_counted_by_cause_and_shown_to_the_administrator(client_of, operator):
    recovery_record(kind="document job", cause=RecoveryCause.RENDERER_DEAD)
    recovery_record(kind="document job", cause=RecoveryCause.RENDERER_DEAD, count=2)
    recovery_record(kind="e-mail", cause=RecoveryCause.STALE)
    recovery_record(kind="e-mail", cause=RecoveryCause.STALE, count=0)
    assert Recovery.objects.get(kind="document job").count == 3
    assert recovery_totals() == {"renderer_dead": 3, "stale": 1}
    client = client_of(operator)
    response = client.get(reverse("admin:partners_recovery_changelist"))
    assert response.status_code == 200
    assert b"document job" in response.content and b"e-mail" in response.content


def test_a_restart_runs_the_worker_command_again_as_it_was_typed(monkeypatch):
    # "python -m celery ..." (tests, run_platform) must stay "-m celery": Celery's own reload
    # (sys.argv) would run celery/__main__.py as a script, which cannot import its package.
    monkeypatch.setattr(sys, "orig_argv", ["python3", "-m", "celery", "-A", "mobility", "worker"])
    assert worker_app._same_command() == [sys.executable, "-m", "celery", "-A", "mobility", "worker"]
    monkeypatch.setattr(sys, "orig_argv", ["python3", "/usr/local/bin/celery", "-A", "mobility", "worker"])
    assert worker_app._same_command()[1:] == ["/usr/local/bin/celery", "-A", "mobility", "worker"]


def test_every_worker_runs_without_celerys_event_heartbeat():
    """That heartbeat publishes from the worker's main loop and retries for ever: a frozen broker
    would stop acknowledgements, consumer and pings alike until it answers."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    commands = {
        "docker-compose": compose["services"]["worker"]["command"],
        "run_platform": run_platform.worker_command("1"),
    }
    for where, command in commands.items():
        assert {"--without-heartbeat", "--without-gossip", "--without-mingle"} <= set(command), where
