"""Signed-in HTTP clients for the benchmark server, and concurrent load with latency percentiles.

A client holds the session of a person who logged in with their second factor (the state the
platform's login leaves), created directly in the session store: the login form and its rate
limits are not what is measured.
"""

from __future__ import annotations

import http.client
import secrets
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from partners.accounts.models import User


def enrol_second_factor(user: User) -> None:
    """Staff reach learner data only with a second factor: give the person a TOTP authenticator."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def signed_in_session(user: User) -> str:
    """A fresh session key for ``user``, as after a login with password and second factor."""
    enrol_second_factor(user)
    now = int(time.time())
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["_session_started"] = now
    session["_session_seen"] = now
    session["_mfa_enrolled"] = True
    session.create()
    return session.session_key or ""


@dataclass
class Client:
    """One browser: the session cookie and a CSRF token, one connection per request (gunicorn's sync
    workers close the connection after each response)."""

    port: int
    session_key: str
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))  # an unmasked 32-character secret

    def _headers(self) -> dict[str, str]:
        return {
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_key}; {settings.CSRF_COOKIE_NAME}={self.csrf}",
            "Accept-Language": "fr",
        }

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, float, int]:
        """(status, seconds, bytes): from sending the request to the last byte of the response."""
        headers = self._headers()
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            size = len(response.read())
        finally:
            conn.close()
        return response.status, time.perf_counter() - started, size

    def get(self, path: str) -> tuple[int, float, int]:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> tuple[int, float, int]:
        return self.request("POST", path, data)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank on the sorted values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def load(clients: Sequence[Client], paths: Sequence[str], *, requests: int) -> list[float]:
    """Sends ``requests`` GETs over ``paths`` (round robin) from every client at once; the latencies.

    Every answer must be a 200: a redirect to the login page or an error would measure the wrong page.
    """
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def run(client: Client) -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None or failures:
                return
            path = paths[index % len(paths)]
            status, seconds, _size = client.get(path)
            with lock:
                if status != 200:
                    failures.append(f"GET {path} answered {status}")
                latencies.append(seconds)

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(failures[0])
    return latencies


def summary_ms(latencies: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(latencies) * 1000, 1),
        "p95": round(percentile(latencies, 95) * 1000, 1),
    }
