"""The worker heartbeat, recorded by each worker and read by ``/healthz``."""

from __future__ import annotations

from django.utils import timezone

from mobility.site.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> None:
    """Marks a worker as alive now (one row per worker hostname)."""
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})
