"""Runs the web server and a Celery worker (with beat) together; Ctrl-C stops both."""

import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server and a Celery worker with its beat scheduler; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--concurrency", default="1", help="Worker processes.")

    def handle(self, *args, host: str, port: str, concurrency: str, **options):
        worker_cmd = worker_command(concurrency)
        web_cmd = [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"]
        broker = "Redis" if settings.REDIS_URL else "embedded filesystem broker"
        self.stdout.write(f"Starting a Celery worker ({broker}) and the web server on http://{host}:{port}/")
        self.stdout.write("Press Ctrl-C to stop both.\n")
        processes = [subprocess.Popen(worker_cmd), subprocess.Popen(web_cmd)]
        self.print_summary_when_ready(host, port, processes)

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 20
            for p in processes:
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
        self.stdout.write("Stopped.")

    def print_summary_when_ready(self, host: str, port: str, processes: list, timeout: float = 90) -> None:
        """The demo's logins and links, printed last: once the server answers and the worker's first
        burst is over, so that they do not scroll away."""
        from mobility.management.commands.seed_demo import summary_path

        path = summary_path()
        if not path.exists():
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and all(p.poll() is None for p in processes):
            try:
                with socket.create_connection((host, int(port)), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        time.sleep(3)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Ready on http://{host}:{port}/"))
        self.stdout.write(path.read_text(encoding="utf-8"))


def worker_command(concurrency: str) -> list[str]:
    """The worker with its beat, as the platform runs it."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "mobility",
        "worker",
        "--beat",
        "--without-heartbeat",  # see mobility/celery.py
        "--without-gossip",
        "--without-mingle",
        "--concurrency",
        concurrency,
        "--loglevel",
        "INFO",
        "--schedule",
        settings.CELERY_BEAT_SCHEDULE_FILENAME,
    ]
