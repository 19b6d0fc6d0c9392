"""Real Celery worker processes for integration tests, bound to the test database and queue."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


class Worker:
    """A ``celery worker`` subprocess consuming this test run's queue."""

    def __init__(
        self,
        *,
        concurrency: int = 1,
        env: dict[str, str] | None = None,
        beat: bool = False,
        include: tuple[str, ...] = (),
    ):
        self._options = {"concurrency": concurrency, "env": env, "beat": beat, "include": include}
        self.name = f"w{uuid.uuid4().hex[:8]}@test"
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"celery-{self.name}.log"
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mobility",
            "worker",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-n",
            self.name,
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--without-heartbeat",  # as in production (mobility/celery.py)
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ]
        if beat:
            cmd += ["--beat", "--schedule", str(self.log_path.with_suffix(".beat"))]
        for module in include:  # extra modules the worker imports at start (fault injection)
            cmd += ["--include", module]
        full_env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "WORKER_HEARTBEAT_INTERVAL": "1",
            **(env or {}),
        }
        self.log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 30) -> None:
        from mobility.site.models import WorkerHeartbeat

        wait_for(
            lambda: WorkerHeartbeat.objects.filter(hostname=self.name).exists(),
            timeout=timeout,
            what=f"worker {self.name} to start (log: {self.log_path})",
            alive=self.process,
        )

    def child_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(p) for p in out.split()]

    def kill(self) -> None:
        """SIGKILL the whole worker: main process and pool children, as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def kill_child(self, pid: int) -> None:
        """SIGKILL one of this worker's child processes; the main process lives on."""
        assert pid in self.child_pids(), f"{pid} is not a child of worker {self.name}"
        os.kill(pid, signal.SIGKILL)

    def restart(self, **changes) -> Worker:
        """Stops this worker (if still alive) and starts a new one with the same options, or ``changes``."""
        self.stop()
        return Worker(**{**self._options, **changes})

    def stop(self, timeout: float = 20) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                self.kill()
        if not self.log.closed:
            self.log.close()

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def wait_for(
    condition: Callable[[], object],
    *,
    timeout: float,
    what: str,
    interval: float = 0.2,
    alive: subprocess.Popen | None = None,
):
    """Polls ``condition`` until it is truthy; fails with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if alive is not None and alive.poll() is not None:
            raise AssertionError(f"process died while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def _free_port(start: int) -> int:
    import socket

    for port in range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for a throwaway Redis")


class RedisServer:
    """A throwaway ``redis-server`` on its own port (never the shared one): stop, freeze, restart it."""

    def __init__(self, port: int | None = None):
        self.port = port or _free_port(6390 + os.getpid() % 100)
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.ping, timeout=10, what=f"redis-server on port {self.port}", alive=self.process)

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGCONT)
                self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@contextlib.contextmanager
def broker_at(url: str):
    """Points this process's Celery publisher at ``url`` for the duration (and back afterwards)."""
    from mobility.celery import app

    def reset() -> None:
        from kombu import pools

        pools.reset()  # kombu keeps connection and producer pools per broker address, process-wide
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset()
