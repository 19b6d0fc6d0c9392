"""The Celery application. Workers run the tasks of every app; the database rows are the truth."""

import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mobility.settings")

app = Celery("mobility")
app.config_from_object("django.conf:settings", namespace="CELERY")


class HeartbeatStep(bootsteps.StartStopStep):
    """Records in the database, every few seconds, that this worker is alive (read by /healthz).

    The database rather than Celery's remote control: it also works on the embedded
    filesystem broker, which has no broadcast.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        self.beat(worker)
        self.tref = worker.timer.call_repeatedly(settings.WORKER_HEARTBEAT_INTERVAL, self.beat, (worker,))

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def beat(self, worker):
        from mobility.site.services import worker_heartbeat_record

        try:
            worker_heartbeat_record(hostname=worker.hostname)
        except Exception:  # a database hiccup must not kill the worker's timer
            import logging

            logging.getLogger(__name__).exception("could not record the worker heartbeat")


app.steps["worker"].add(HeartbeatStep)
