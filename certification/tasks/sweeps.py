"""The beat task that publishes again the jobs and group issues left behind."""

from celery import shared_task

from certification.services.sweeps import document_jobs_republish_stale


@shared_task(name="certification.tasks.republish_stale_jobs", ignore_result=True)
def republish_stale_jobs() -> int:
    return document_jobs_republish_stale()
