"""State of the parts the platform needs: database, broker, workers."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_out"]
        ok = os.path.isdir(folder) and os.access(folder, os.W_OK)
        return {"ok": ok, "transport": "filesystem"} if ok else {"ok": False, "error": "folder not writable"}
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return {"ok": False, "transport": "redis", "error": type(exc).__name__}
    return {"ok": True, "transport": "redis"}


def check_workers() -> dict[str, Any]:
    from mobility.site.models import WorkerHeartbeat

    try:
        fresh_after = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_AFTER)
        alive = list(
            WorkerHeartbeat.objects.filter(seen_at__gte=fresh_after).values_list("hostname", "seen_at")
        )
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    if not alive:
        return {"ok": False, "error": "no worker heartbeat", "workers": 0}
    last = max(seen for _, seen in alive)
    return {"ok": True, "workers": len(alive), "last_heartbeat": last.isoformat()}
