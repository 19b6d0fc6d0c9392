"""Log filters: a refusal (403) or a page not found (404) is one line in the log, not a traceback."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """Drops the traceback Django attaches to a 4xx answer of ``django.request``: a missing capability
    is an expected answer, and a traceback per refusal buries the errors that matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= int(status) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class RoutineTasksQuiet(logging.Filter):
    """Drops the worker's and beat's INFO lines about routine tasks — the liveness ping every
    ``WORKER_HEARTBEAT_INTERVAL`` and the sweeps every few seconds — which would otherwise fill the
    console and push everything that matters out of sight. Their failures (WARNING and above) stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or not record.name.startswith("celery"):
            return True
        from django.conf import settings

        from mobility.celery import PING_TASK

        message = record.getMessage()
        return not any(name in message for name in (PING_TASK, *settings.BEAT_RUN_IN_PROCESS))
