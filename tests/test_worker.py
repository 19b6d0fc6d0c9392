import uuid

import pytest
from django.core.cache import cache

from mobility.site.tasks import ping

from .workers import Worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    w = Worker()
    try:
        w.wait_ready()
        yield w
    finally:
        w.stop()


def test_a_real_worker_runs_a_task_sent_through_redis(worker):
    token = uuid.uuid4().hex
    ping.delay(token)
    wait_for(lambda: cache.get(f"celery-ping:{token}") == "pong", timeout=30, what="the ping task to run")


def test_the_worker_records_its_heartbeat(worker):
    from mobility.site.models import WorkerHeartbeat

    assert WorkerHeartbeat.objects.filter(hostname=worker.name).exists()


def test_the_workers_console_stays_quiet_about_its_liveness_ping(worker):
    from mobility.celery import PING_TASK
    from mobility.site.models import WorkerHeartbeat

    token = uuid.uuid4().hex
    ping.delay(token)
    wait_for(lambda: cache.get(f"celery-ping:{token}") == "pong", timeout=30, what="the ping task to run")
    assert WorkerHeartbeat.objects.filter(hostname=worker.name).exists()  # the ping ran...
    output = worker.output()
    assert "Task mobility.tasks.ping[" in output  # ...real work is still logged...
    assert f"Task {PING_TASK}[" not in output  # ...but not the liveness ping, every 15 s for ever
