"""Certificates are never lost, never doubled: real worker processes, real Redis, real failures.

Each test is bounded by ``wait_for`` timeouts and stops every process it started.
"""

import time
from pathlib import Path

import pytest
from django.urls import reverse

from certification.models import Certificate, CertificateStatus, DocumentJob, JobKind, JobStatus
from certification.services import certificates as services
from certification.services import issuing as services_issuing
from certification.services import jobs as services_jobs
from certification.tasks import renders as tasks
from tests import factories as base
from tests.workers import RedisServer, Worker, broker_at, wait_for

from .factories import GroupFactory, evaluated_mobility

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

#: Fast sweeps for tests: a job never published is republished after 1 s, a stuck one after 3 s.
SWEEPER = {
    "DOCUMENT_JOB_SWEEP_EVERY": "1",
    "DOCUMENT_JOB_PUBLISH_GRACE": "1",
    "DOCUMENT_JOB_STALE_AFTER": "3",
}
SLOW_RENDER = {"RENDER_PAUSE": "4"}
FAULTS = ("tests.certification.fault_injection",)


@pytest.fixture(autouse=True)
def _fresh_breaker(monkeypatch):
    monkeypatch.setattr("partners.broker.services._quiet_until", 0.0)


@pytest.fixture
def workers():
    """Every worker a test starts, stopped at the end whatever happened."""
    started: list[Worker] = []

    def start(**options) -> Worker:
        worker = Worker(**options)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


def _job_status(job_id):
    return DocumentJob.objects.filter(pk=job_id).values_list("status", flat=True).first()


def _wait_ready(job_id, timeout=90, worker=None):
    wait_for(
        lambda: _job_status(job_id) == JobStatus.READY,
        timeout=timeout,
        what=f"job {job_id} to be ready (worker log: {worker.log_path if worker else '-'})",
    )
    return DocumentJob.objects.get(pk=job_id)


def _files(certificate: Certificate) -> list[Path]:
    return list(Path(certificate.file.path).parent.iterdir())


def test_killing_the_rendering_process_does_not_lose_the_certificate(
    workers, mobility_a, referent_a, tmp_path
):
    pid_file = tmp_path / "rendering.pid"
    worker = workers(
        beat=True, env={**SWEEPER, **SLOW_RENDER, "RENDER_PID_FILE": str(pid_file)}, include=FAULTS
    )
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    job_id = certificate.job.pk
    wait_for(lambda: pid_file.exists() and pid_file.read_text(), timeout=30, what="the render to start")
    assert _job_status(job_id) == JobStatus.RENDERING
    worker.kill_child(int(pid_file.read_text()))
    job = _wait_ready(job_id, worker=worker)
    certificate.refresh_from_db()
    assert job.attempts >= 2
    assert certificate.status == CertificateStatus.READY
    assert len(_files(certificate)) == 1


def test_killing_the_whole_worker_and_restarting_it_does_not_lose_the_certificate(
    workers, mobility_a, referent_a
):
    worker = workers(beat=True, env={**SWEEPER, **SLOW_RENDER}, include=FAULTS)
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    job_id = certificate.job.pk
    wait_for(lambda: _job_status(job_id) == JobStatus.RENDERING, timeout=30, what="the render to start")
    worker.kill()
    assert _job_status(job_id) == JobStatus.RENDERING  # left behind by the dead worker
    replacement = workers(beat=True, env=SWEEPER)
    job = _wait_ready(job_id, worker=replacement)
    certificate.refresh_from_db()
    assert job.attempts == 2 and certificate.status == CertificateStatus.READY
    assert len(_files(certificate)) == 1


def test_a_render_that_kills_its_process_every_time_ends_failed_and_the_worker_lives_on(
    workers, mobility_a, referent_a
):
    worker = workers(beat=True, env={**SWEEPER, "RENDER_CRASH": "1"}, include=FAULTS)
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    job_id = certificate.job.pk
    wait_for(
        lambda: _job_status(job_id) == JobStatus.FAILED,
        timeout=90,
        what=f"job {job_id} to be given up (worker log: {worker.log_path})",
    )
    job = DocumentJob.objects.get(pk=job_id)
    assert job.attempts == 3 and "RenderAbandoned" in job.error  # DOCUMENT_JOB_MAX_ATTEMPTS
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.FAILED
    assert worker.process.poll() is None  # the worker itself is still there for the next jobs
    time.sleep(3)  # later deliveries and sweeps leave it alone
    assert DocumentJob.objects.get(pk=job_id).attempts == 3


@pytest.fixture
def throwaway_redis():
    server = RedisServer()
    try:
        with broker_at(server.url):
            yield server
    finally:
        server.stop()


def _issue_through_the_page(client_of, referent, mobility):
    client = client_of(referent)
    started = time.monotonic()
    response = client.post(reverse("certification:certificate-issue", args=[mobility.pk]), {"language": "fr"})
    return response, time.monotonic() - started


def test_a_stopped_redis_neither_fails_the_request_nor_loses_the_job(
    workers, throwaway_redis, client_of, mobility_a, referent_a
):
    worker = workers(beat=True, env={**SWEEPER, "REDIS_URL": throwaway_redis.url})
    throwaway_redis.stop()
    response, elapsed = _issue_through_the_page(client_of, referent_a, mobility_a)
    assert response.status_code < 500 and elapsed < 5
    job = DocumentJob.objects.get(certificate__mobility=mobility_a)
    assert job.status == JobStatus.REQUESTED and job.published_at is None
    throwaway_redis.start()
    _wait_ready(job.pk, worker=worker)


def test_a_frozen_redis_neither_hangs_the_request_nor_loses_the_job(
    workers, throwaway_redis, client_of, mobility_a, referent_a, centre_a
):
    worker = workers(beat=True, env={**SWEEPER, "REDIS_URL": throwaway_redis.url})
    throwaway_redis.freeze()
    try:
        response, elapsed = _issue_through_the_page(client_of, referent_a, mobility_a)
        assert response.status_code < 500 and elapsed < 12
        other = evaluated_mobility(centre=centre_a)
        response, elapsed = _issue_through_the_page(client_of, referent_a, other)
        assert response.status_code < 500 and elapsed < 2  # the next requests do not wait at all
    finally:
        throwaway_redis.thaw()
    for job in DocumentJob.objects.filter(kind=JobKind.CERTIFICATE):
        _wait_ready(job.pk, worker=worker)


def test_every_task_delivered_twice_makes_one_certificate_and_one_file_each(
    workers, monkeypatch, centre_a, referent_a
):
    worker = workers(concurrency=2)
    publish = tasks.render_document.apply_async

    def twice(*args, **kwargs):
        publish(*args, **kwargs)
        return publish(*args, **kwargs)

    monkeypatch.setattr(tasks.render_document, "apply_async", twice)
    group = GroupFactory(centre=centre_a)
    for _ in range(3):
        evaluated_mobility(group=group, participant=base.LearnerFactory(centre=centre_a))
    certificates = services_issuing.group_certificates_issue(group=group, acting_user=referent_a)
    for certificate in certificates:
        _wait_ready(certificate.job.pk, worker=worker)
    bundle = services_jobs.bundle_request(kind=JobKind.BUNDLE_ZIP, group=group, acting_user=referent_a)
    _wait_ready(bundle.pk, worker=worker)
    # Both deliveries of each of the four jobs have run before we count.
    wait_for(
        lambda: worker.output().count("certification.tasks.render_document[") >= 16,
        timeout=60,
        what="every duplicate delivery to be handled",
    )
    assert Certificate.objects.count() == 3
    assert all(job.attempts == 1 for job in DocumentJob.objects.all())
    certificate = Certificate.objects.first()
    assert len(_files(certificate)) == 3
    assert len(list(Path(DocumentJob.objects.get(pk=bundle.pk).file.path).parent.iterdir())) == 1
