"""The task that carries out a large group's certificate issue."""

from celery import shared_task

from certification.services.issuing import group_issue_run


@shared_task(
    name="certification.tasks.issue_group_certificates",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def issue_group_certificates(issue_id: int) -> None:
    """Issues the certificates of a large group (``GroupIssue``). Safe to deliver twice."""
    group_issue_run(issue_id=issue_id)
