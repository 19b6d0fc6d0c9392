"""Runs the web server and a Celery worker (with beat) together; Ctrl-C stops both."""

import signal
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
        worker_cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mobility",
            "worker",
            "--beat",
            "--concurrency",
            concurrency,
            "--loglevel",
            "INFO",
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ]
        web_cmd = [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"]
        broker = "Redis" if settings.REDIS_URL else "embedded filesystem broker"
        self.stdout.write(f"Starting a Celery worker ({broker}) and the web server on http://{host}:{port}/")
        self.stdout.write("Press Ctrl-C to stop both.\n")
        processes = [subprocess.Popen(worker_cmd), subprocess.Popen(web_cmd)]

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
