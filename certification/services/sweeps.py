"""What the sweeper publishes again: document jobs and group issues that a broker outage or a dead
worker left behind. Run by the beat process itself (``mobility.celery.Scheduler``), not through the
queue it sweeps; every recovery is counted by cause (``partners.broker``, shown to administrators).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from certification.models import DocumentJob, JobStatus
from certification.services import jobs
from certification.services.groups import group_issues_republish_stale
from certification.services.renders import render_lock
from partners.broker.models import RecoveryCause
from partners.broker.services import broker_backoff_reset, broker_held_args, recovery_record

logger = logging.getLogger(__name__)

KIND = "document job"
RENDER_TASK = "certification.tasks.render_document"


def _renderer_gone(job_id: int) -> bool:
    """Whether nobody holds the job's render lock: its renderer died (the database released the
    lock with the dead process's connection). Still ``rendering`` once the lock is ours says so."""
    with render_lock(job_id) as acquired:
        if not acquired:
            return False
        return DocumentJob.objects.filter(pk=job_id, status=JobStatus.RENDERING).exists()


def _lost_by_the_broker(waiting, grace) -> list[int]:
    """Jobs published longer than the grace ago of which the broker holds no message any more
    (a broker restarted without its data, a message dropped): published again at once."""
    published = list(waiting.filter(status=JobStatus.REQUESTED, published_at__lt=grace)[:1000])
    if not published:
        return []
    held = broker_held_args(RENDER_TASK)
    if held is None:
        return []
    return [pk for pk in published if f"({pk},)" not in held]


def document_jobs_republish_stale() -> int:
    """Publishes again the jobs a broker outage or a dead worker left behind (run by beat)."""
    broker_backoff_reset()
    now = timezone.now()
    stale = now - timedelta(seconds=settings.DOCUMENT_JOB_STALE_AFTER)
    grace = now - timedelta(seconds=settings.DOCUMENT_JOB_PUBLISH_GRACE)
    check = now - timedelta(seconds=settings.DOCUMENT_JOB_RENDERER_CHECK_AFTER)
    waiting = DocumentJob.objects.order_by("created_at").values_list("pk", flat=True)
    causes = {
        RecoveryCause.NEVER_PUBLISHED: list(
            waiting.filter(status=JobStatus.REQUESTED, published_at__isnull=True, created_at__lt=grace)[:1000]
        ),
        RecoveryCause.MESSAGE_LOST: _lost_by_the_broker(waiting, grace),
        RecoveryCause.STALE: list(waiting.filter(status=JobStatus.REQUESTED, published_at__lt=stale)[:1000]),
        RecoveryCause.RENDERER_DEAD: [
            pk
            for pk in waiting.filter(
                Q(status=JobStatus.RENDERING, started_at__lt=check)
                & (Q(published_at__isnull=True) | Q(published_at__lt=check))
            )[:1000]
            if _renderer_gone(pk)
        ],
    }
    total, seen = 0, set()
    for cause, ids in causes.items():
        fresh = [pk for pk in ids if pk not in seen]
        seen.update(fresh)
        published = sum(1 for pk in fresh if jobs._publish(pk))
        recovery_record(kind=KIND, cause=cause, count=published)
        total += published
    return total + group_issues_republish_stale(grace=grace, stale=stale)
