"""The render task: one document job by id."""

from celery import shared_task

from certification.services.renders import RenderRetry, document_job_run


@shared_task(
    name="certification.tasks.render_document",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(RenderRetry,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=10,
)
def render_document(job_id: int) -> int | None:
    """Renders one document job. Safe to deliver twice: the second delivery finds it done."""
    job = document_job_run(job_id=job_id)
    return job.pk if job is not None else None
