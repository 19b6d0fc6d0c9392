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
