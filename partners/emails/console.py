"""The development mail backend (``make run``): one line per e-mail on the console, the plain-text
part in full in a file. The console stays readable (the demo's logins do not scroll away) and what
a recipient reads as text is what is shown, never the HTML part with its entities."""

from __future__ import annotations

import sys
import threading
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


def outbox_path() -> Path:
    return Path(getattr(settings, "EMAIL_OUTBOX_FILE", "") or Path(settings.VAR_DIR) / "outbox.txt")


class SummaryEmailBackend(BaseEmailBackend):
    _lock = threading.Lock()

    def __init__(self, *args: Any, stream: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, email_messages: Any) -> int:
        path = outbox_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        sent = 0
        with self._lock, path.open("a", encoding="utf-8") as outbox:
            for message in email_messages:
                recipients = ", ".join(str(make_header(decode_header(r))) for r in message.recipients())
                outbox.write(
                    f"=== {timezone.now():%Y-%m-%d %H:%M:%S} · To: {recipients}\n"
                    f"Subject: {message.subject}\n\n{message.body}\n\n"
                )
                self.stream.write(f"e-mail to {recipients}: {message.subject}  (text in {path})\n")
                sent += 1
            self.stream.flush()
        return sent
