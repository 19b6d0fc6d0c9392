"""The processes a run starts — gunicorn and Celery workers — each stopped whatever happens.

Workers are the test suite's (tests/workers.py): a real ``celery worker`` process, in its own
process group, ready once its heartbeat is in the database.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from tests.workers import Worker, wait_for

from .environment import ROOT, VAR

__all__ = [
    "Server",
    "Worker",
    "cpu_seconds",
    "free_port",
    "rss_mb",
    "running_server",
    "running_worker",
    "wait_for",
]


def free_port(start: int = 8700) -> int:
    for port in range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the benchmark server")


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (10^6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """gunicorn as in production (docker-compose.yml: 3 sync workers, 60 s timeout), on the loopback."""

    def __init__(self, *, port: int, workers: int = 3):
        self.port = port
        self.log_path = VAR / "gunicorn.log"
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "mobility.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        self.log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/bench/ping/")
            status = conn.getresponse().status
            conn.close()
        except OSError:
            return False
        return status in (200, 302)

    def wait_ready(self, timeout: float = 60) -> None:
        wait_for(
            self._answers,
            timeout=timeout,
            what=f"gunicorn on port {self.port} (log: {self.log_path})",
            alive=self.process,
        )

    def stop(self, timeout: float = 20) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if not self.log.closed:
            self.log.close()


@contextlib.contextmanager
def running_server(*, port: int) -> Iterator[Server]:
    server = Server(port=port)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def running_worker(*, concurrency: int = 1, env: dict[str, str] | None = None) -> Iterator[Worker]:
    # the worker's heartbeat as in production: the tests' worker pings itself every second, which in a
    # render benchmark is a task between renders every second
    production = {"WORKER_HEARTBEAT_INTERVAL": str(settings.WORKER_HEARTBEAT_INTERVAL)}
    worker = Worker(concurrency=concurrency, env={**production, **(env or {})})
    try:
        worker.wait_ready(timeout=60)
        # the pool children are forked once the consumer is up; wait until all of them are there
        wait_for(
            lambda: len(worker.child_pids()) >= concurrency,
            timeout=30,
            what="the worker's pool",
            alive=worker.process,
        )
        yield worker
    finally:
        worker.stop()


def worker_rss_mb(worker: Worker) -> dict[str, float]:
    children = worker.child_pids()
    return {
        "main": round(rss_mb(worker.process.pid), 1),
        "children": round(sum(rss_mb(pid) for pid in children), 1),
        "largest_child": round(max((rss_mb(pid) for pid in children), default=0.0), 1),
    }
