"""A broker hiccup never holds a request, never stalls a worker in silence, and lost work comes back
in seconds: real worker processes, a throwaway Redis frozen with SIGSTOP (never the shared one).

Each test is bounded by ``wait_for`` timeouts and stops every process it started.
"""

import os
import signal
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import DocumentJob, JobKind, JobStatus
from certification.services import certificates as services
from certification.services import groups as services_groups
from certification.services import jobs as services_jobs
from mobility.data.exports import jobs as exports
from mobility.data.imports import services as imports
from partners.broker import services as broker
from partners.broker.models import Recovery, RecoveryCause
from partners.emails import services as emails
from tests import factories as base
from tests.workers import RedisServer, Worker, broker_at, wait_for

from .factories import evaluated_mobility

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FAST_SWEEPS = {"DOCUMENT_JOB_SWEEP_EVERY": "1", "DOCUMENT_JOB_PUBLISH_GRACE": "2"}
SLOW_RENDER = {"RENDER_PAUSE": "4"}
FAULTS = ("tests.certification.fault_injection",)


@pytest.fixture
def workers():
    started: list[Worker] = []

    def start(**options) -> Worker:
        worker = Worker(**options)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def redis_server(settings):
    """A throwaway Redis as this process's broker (publishing and /healthz's broker check)."""
    server = RedisServer()
    try:
        with broker_at(server.url):  # first: it restores the publisher's address read before the change
            settings.CELERY_BROKER_URL = server.url
            yield server
    finally:
        server.stop()


def _status(job_id):
    return DocumentJob.objects.filter(pk=job_id).values_list("status", flat=True).first()


def _wait_ready(job_ids, *, timeout, worker):
    wait_for(
        lambda: all(_status(pk) == JobStatus.READY for pk in job_ids),
        timeout=timeout,
        what=f"jobs {job_ids} to be ready (worker log: {worker.log_path})",
    )


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def _recovered(cause) -> int:
    return sum(Recovery.objects.filter(cause=cause).values_list("count", flat=True))


def test_every_kind_of_publish_answers_within_two_seconds_while_redis_is_frozen(redis_server):
    redis_server.freeze()
    try:
        publishers = {
            "document": lambda: services_jobs._publish(0),
            "group issue": lambda: services_groups._publish_group_issue(0),
            "e-mail": lambda: emails._publish(0),
            "export": lambda: exports._publish(SimpleNamespace(pk=0)),
            "import": lambda: imports.import_batch_publish(SimpleNamespace(pk=0), "preview"),
        }
        for what, publish in publishers.items():
            broker.broker_backoff_reset()  # each path pays the full wait, the worst case
            result, elapsed = _timed(publish)
            assert elapsed < 2, f"{what} publish held the caller {elapsed:.1f}s"
            assert result in (False, None), what
            # The next publish in this process does not even try: it answers at once.
            result, elapsed = _timed(publish)
            assert elapsed < 0.2 and result in (False, None), what
    finally:
        redis_server.thaw()


def test_requests_during_a_freeze_answer_at_once_and_their_work_is_published_soon_after_the_thaw(
    workers, redis_server, client_of, centre_a, referent_a
):
    worker = workers(beat=True, env={**FAST_SWEEPS, "REDIS_URL": redis_server.url})
    client = client_of(referent_a)
    mobilities = [evaluated_mobility(centre=centre_a) for _ in range(3)]
    assert client.get(reverse("certification:job-list")).status_code == 200  # a warm process
    redis_server.freeze()
    try:
        for mobility in mobilities:
            response, elapsed = _timed(
                lambda m=mobility: client.post(
                    reverse("certification:certificate-issue", args=[m.pk]), {"language": "fr"}
                )
            )
            assert response.status_code < 500 and elapsed < 2, f"request took {elapsed:.1f}s"
        time.sleep(3)  # the freeze goes on a little while
    finally:
        redis_server.thaw()
    thawed = time.monotonic()
    ids = list(DocumentJob.objects.filter(kind=JobKind.CERTIFICATE).values_list("pk", flat=True))
    assert len(ids) == 3
    _wait_ready(ids, timeout=30, worker=worker)
    print(f"ready {time.monotonic() - thawed:.1f}s after the thaw")  # README: Reliability
    assert time.monotonic() - thawed < 20  # published within seconds of the broker's return
    assert _recovered(RecoveryCause.NEVER_PUBLISHED) >= 1


ACK_FAILED = "Couldn't ack"  # Celery's log line for an acknowledgement that raised
SLOT_FREED = "its prefetch slot is freed anyway"


def _render_two_then_fail_their_acks(worker, redis_server, client, centre_a, referent_a) -> float:
    """Two slow renders fill a two-process worker; Redis is frozen while they run, so both
    acknowledgements time out (the worker's log says so). Returns the moment of the thaw."""
    ids = [
        services.certificate_issue(
            mobility=evaluated_mobility(centre=centre_a), acting_user=referent_a
        ).job.pk
        for _ in range(2)
    ]
    wait_for(lambda: all(_status(pk) == JobStatus.RENDERING for pk in ids), timeout=30, what="both renders")
    redis_server.freeze()
    frozen = time.monotonic()
    try:
        wait_for(lambda: all(_status(pk) == JobStatus.READY for pk in ids), timeout=30, what="renders")
        response, elapsed = _timed(lambda: client.get("/healthz"))
        assert response.status_code == 503 and response.json()["broker"]["ok"] is False
        assert elapsed < 5
        wait_for(
            lambda: worker.output().count(ACK_FAILED) >= 2,
            timeout=40,
            what=f"two acknowledgements to fail (worker log: {worker.log_path})",
        )
    finally:
        redis_server.thaw()
    print(f"two acknowledgements failed; Redis frozen {time.monotonic() - frozen:.1f}s")
    for line in worker.output().splitlines():  # the evidence, from the worker's own log
        if ACK_FAILED in line or SLOT_FREED in line:
            print("  worker:", line)
    return time.monotonic()


def _issue_for_new_learners(count, centre, acting_user) -> list[int]:
    return [
        services.certificate_issue(
            mobility=evaluated_mobility(centre=centre, participant=base.LearnerFactory(centre=centre)),
            acting_user=acting_user,
        ).job.pk
        for _ in range(count)
    ]


def test_acknowledgements_failing_in_a_freeze_leave_the_worker_consuming_and_healthz_truthful(
    workers, redis_server, client, settings, centre_a, referent_a
):
    settings.WORKER_HEARTBEAT_STALE_AFTER = 5
    worker = workers(
        concurrency=2,
        beat=True,
        env={**FAST_SWEEPS, **SLOW_RENDER, "REDIS_URL": redis_server.url},
        include=FAULTS,
    )
    assert client.get("/healthz").status_code == 200
    thawed = _render_two_then_fail_their_acks(worker, redis_server, client, centre_a, referent_a)
    assert worker.output().count(SLOT_FREED) >= 2
    # Capacity is back: four new jobs on a two-process worker are all rendered.
    later = _issue_for_new_learners(4, centre_a, referent_a)
    _wait_ready(later, timeout=60, worker=worker)
    recovered = time.monotonic() - thawed
    print(f"four new jobs ready {recovered:.1f}s after the thaw")  # README: Reliability
    assert recovered < 30  # without the freed slots: only after the stalled worker's restart
    wait_for(lambda: client.get("/healthz").status_code == 200, timeout=15, what="/healthz back to ok")
    assert "restarting" not in worker.output()  # the freed slots did it, not a restart


def test_a_worker_whose_failed_acknowledgements_kept_their_slots_restarts_itself_and_consumes_again(
    workers, redis_server, client, settings, centre_a, referent_a
):
    """Without the slot-freeing acknowledgement the worker consumes nothing after the freeze (both
    prefetch slots lost, both processes free): /healthz says so, and the worker restarts itself."""
    settings.WORKER_HEARTBEAT_STALE_AFTER = 5
    worker = workers(
        concurrency=2,
        beat=True,
        env={
            **FAST_SWEEPS,
            **SLOW_RENDER,
            "REDIS_URL": redis_server.url,
            "ACK_KEEPS_SLOT": "1",
            "WORKER_STALL_AFTER": "25",
        },
        include=FAULTS,
    )
    pid = worker.process.pid
    thawed = _render_two_then_fail_their_acks(worker, redis_server, client, centre_a, referent_a)
    assert SLOT_FREED not in worker.output()
    later = _issue_for_new_learners(2, centre_a, referent_a)
    response = wait_for(
        lambda: (r := client.get("/healthz")).status_code == 503 and r,
        timeout=15,
        what="/healthz to report the worker that consumes nothing",
    )
    assert response.json()["broker"]["ok"] is True and response.json()["worker"]["ok"] is False
    wait_for(lambda: "restarting" in worker.output(), timeout=40, what=f"the restart ({worker.log_path})")
    restarted = time.monotonic() - thawed
    assert {_status(pk) for pk in later} <= {JobStatus.REQUESTED}  # nothing consumed until then
    _wait_ready(later, timeout=60, worker=worker)
    ready = time.monotonic() - thawed
    wait_for(lambda: client.get("/healthz").status_code == 200, timeout=15, what="/healthz back to ok")
    assert worker.process.poll() is None and worker.process.pid == pid  # the same process, run again
    assert worker.output().count(f"{worker.name} ready.") == 2
    print(f"worker restarted {restarted:.1f}s, new jobs ready {ready:.1f}s after the thaw")  # README


def test_a_worker_that_consumes_nothing_is_reported_down(workers, redis_server, client, settings):
    settings.WORKER_HEARTBEAT_STALE_AFTER = 3
    worker = workers(concurrency=1, env={"REDIS_URL": redis_server.url})
    wait_for(lambda: client.get("/healthz").status_code == 200, timeout=10, what="/healthz ok")
    children = worker.child_pids()
    for pid in children:  # the pool cannot run anything; the main process and its timer live on
        os.kill(pid, signal.SIGSTOP)
    try:
        response = wait_for(
            lambda: (r := client.get("/healthz")).status_code == 503 and r,
            timeout=15,
            what="/healthz to report the worker down",
        )
        assert response.json()["worker"]["ok"] is False
        assert worker.process.poll() is None  # its main process is alive all along
    finally:
        for pid in children:
            os.kill(pid, signal.SIGCONT)
    wait_for(lambda: client.get("/healthz").status_code == 200, timeout=15, what="/healthz ok again")


def test_a_worker_killed_mid_render_has_its_job_ready_again_within_a_minute_with_the_defaults(
    workers, redis_server, mobility_a, referent_a
):
    worker = workers(beat=True, env={**SLOW_RENDER, "REDIS_URL": redis_server.url}, include=FAULTS)
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    job_id = certificate.job.pk
    wait_for(lambda: _status(job_id) == JobStatus.RENDERING, timeout=30, what="the render to start")
    worker.kill()
    killed = time.monotonic()
    replacement = workers(beat=True, env={"REDIS_URL": redis_server.url})
    _wait_ready([job_id], timeout=60, worker=replacement)
    print(f"ready {time.monotonic() - killed:.1f}s after the kill")  # README: Reliability
    assert time.monotonic() - killed < 60
    assert DocumentJob.objects.get(pk=job_id).attempts == 2
    assert _recovered(RecoveryCause.RENDERER_DEAD) == 1


def test_a_job_whose_message_the_broker_lost_is_published_again_within_the_grace(
    workers, redis_server, mobility_a, referent_a
):
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    job_id = certificate.job.pk
    assert DocumentJob.objects.get(pk=job_id).published_at is not None
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()  # a broker restarted without its data
    DocumentJob.objects.filter(pk=job_id).update(published_at=timezone.now() - timedelta(seconds=5))
    worker = workers(beat=True, env={**FAST_SWEEPS, "REDIS_URL": redis_server.url})
    _wait_ready([job_id], timeout=30, worker=worker)
    assert _recovered(RecoveryCause.MESSAGE_LOST) == 1
