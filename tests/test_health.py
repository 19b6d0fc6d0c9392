from datetime import timedelta

import pytest
from django.utils import timezone

from mobility.site.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_database_broker_and_worker_are_up(client):
    WorkerHeartbeat.objects.create(hostname="celery@a", seen_at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["broker"]["ok"] and body["broker"]["transport"] == "redis"
    assert body["worker"]["workers"] == 1


def test_healthz_is_503_without_a_recent_worker_heartbeat(client):
    WorkerHeartbeat.objects.create(hostname="celery@old", seen_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["ok"] is False


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    WorkerHeartbeat.objects.create(hostname="celery@a", seen_at=timezone.now())
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "transport": "redis", "error": "ConnectionError"}
