"""What the sweeper publishes again: document jobs and group issues that a broker outage or a dead
worker left behind.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from certification.models import (
    DocumentJob,
    JobStatus,
)
from certification.services import jobs
from certification.services.groups import group_issues_republish_stale

logger = logging.getLogger(__name__)


def document_jobs_republish_stale() -> int:
    """Publishes again the jobs a broker outage or a dead worker left behind (run by beat)."""
    jobs._broker_quiet_until = 0.0
    now = timezone.now()
    stale = now - timedelta(seconds=settings.DOCUMENT_JOB_STALE_AFTER)
    grace = now - timedelta(seconds=settings.DOCUMENT_JOB_PUBLISH_GRACE)
    ids = list(
        DocumentJob.objects.filter(
            Q(status=JobStatus.REQUESTED, published_at__isnull=True, created_at__lt=grace)
            | Q(status=JobStatus.REQUESTED, published_at__lt=stale)
            | (
                Q(status=JobStatus.RENDERING, started_at__lt=stale)
                & (Q(published_at__isnull=True) | Q(published_at__lt=stale))
            )
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    published = sum(1 for pk in ids if jobs._publish(pk))
    if ids:
        logger.info("republished %s of %s stale document jobs", published, len(ids))
    return published + group_issues_republish_stale(grace=grace, stale=stale)
