"""Housekeeping tasks: a ping that proves a worker runs, expired sessions cleared."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="mobility.tasks.ping")
def ping(token: str) -> str:
    """Leaves a mark in the shared cache: proof that a worker picked up and ran a task."""
    cache.set(f"celery-ping:{token}", "pong", 300)
    return token


@shared_task(name="mobility.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="mobility.tasks.worker_alive", acks_late=False, ignore_result=True)
def worker_alive(hostname: str) -> str:
    """A worker's ping to itself, through its own queue: consumed, it proves the worker consumes
    (``mobility.celery.HeartbeatStep``) and records the heartbeat that ``/healthz`` reads."""
    from mobility.site.services import worker_heartbeat_record

    worker_heartbeat_record(hostname=hostname)
    return hostname
