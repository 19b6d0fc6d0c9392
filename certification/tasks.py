"""Celery tasks of the certification app: load by id, call one service."""

from celery import shared_task

from .services import RenderRetry, document_job_run, document_jobs_republish_stale, group_issue_run


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


@shared_task(name="certification.tasks.republish_stale_jobs", ignore_result=True)
def republish_stale_jobs() -> int:
    return document_jobs_republish_stale()


@shared_task(
    name="certification.tasks.issue_group_certificates",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def issue_group_certificates(issue_id: int) -> None:
    """Issues the certificates of a large group (``GroupIssue``). Safe to deliver twice."""
    group_issue_run(issue_id=issue_id)
