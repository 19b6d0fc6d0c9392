"""Asking for an export: inline when small, as a job a worker writes when large; limited per person and
hour, audited; jobs lost by the broker are published again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mobility.data.budget import export_budget_check
from mobility.data.exports.rows import DATA_KINDS, count_for
from mobility.data.exports.run import export_job_run
from mobility.data.models import ExportJob, ExportKind, ExportStatus, FileFormat, ImportBatch, ImportStatus
from partners.accounts.models import User
from partners.broker.models import RecoveryCause
from partners.broker.services import publish_after_commit, recovery_record

logger = logging.getLogger(__name__)


# --- Export jobs ------------------------------------------------------------------------------
def inline_max_rows() -> int:
    return int(getattr(settings, "EXPORT_INLINE_MAX_ROWS", 2_000))


def export_job_request(
    *,
    user: User,
    kind: str,
    file_format: str,
    params: dict[str, Any],
    scope_label: str = "",
    request: HttpRequest | None = None,
) -> ExportJob:
    """Records an export; writes it at once when small, otherwise hands it to a worker."""
    if kind != ExportKind.REPORT:
        # One export's worth of the hour's budget; the activity report holds figures, not people.
        export_budget_check(user=user, request=request)
    if kind in DATA_KINDS:
        if file_format not in (FileFormat.CSV, FileFormat.XLSX):
            raise ValidationError({"file_format": _("Choose CSV or XLSX.")})
        expected = count_for(kind, user, params)  # also checks the scope: PermissionDenied
    else:
        expected = None
    job = ExportJob.objects.create(
        kind=kind,
        file_format=file_format,
        params=params,
        scope_label=scope_label[:300],
        created_by=user,
        row_count=expected,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    inline = kind in DATA_KINDS and expected is not None and expected <= inline_max_rows()
    if kind in (ExportKind.REPORT, ExportKind.ERASMUS) and file_format != FileFormat.PDF:
        inline = True  # a few summary tables or one project's mobilities: written at once
    if inline:
        export_job_run(job_id=job.pk, request=request)
        job.refresh_from_db()
    else:
        _publish(job)
    return job


def _publish(job: ExportJob) -> None:
    from mobility.data.tasks import export_run

    job_id = job.pk

    publish_after_commit(
        export_run,
        (job_id,),
        what=f"export {job_id}",
        on_published=lambda: ExportJob.objects.filter(pk=job_id).update(published_at=timezone.now()),
    )


def export_job_retry(*, job: ExportJob, user: User) -> ExportJob:
    if job.created_by_id != user.pk:
        raise PermissionDenied("not the owner of this export")
    if job.status != ExportStatus.FAILED:
        raise ValidationError(_("Only a failed export can be tried again."))
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.REQUESTED, error="", attempts=0)
    job.refresh_from_db()
    _publish(job)
    return job


def export_jobs_for_user(*, user: Any) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(created_by_id=getattr(user, "pk", None)).order_by("-created_at", "-id")


def export_job_get_for_user(*, user: Any, pk: Any) -> ExportJob:
    """An export is its requester's alone; anyone else's (or none) is a 404."""
    from django.http import Http404

    try:
        return export_jobs_for_user(user=user).get(pk=int(pk))
    except (ExportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Housekeeping -----------------------------------------------------------------------------
#: A job not picked up after this long is published again (the broker may have been away).
STALE_AFTER = timedelta(minutes=5)

#: A job "running" this long lost its worker.
LOST_AFTER = timedelta(minutes=30)

MAX_ATTEMPTS = 3


def publish_grace() -> timedelta:
    """A job whose publication never went through (the broker hung or was away when it was
    requested) is published again after this long: seconds after the broker's return."""
    return timedelta(seconds=settings.DATA_JOB_PUBLISH_GRACE)


def data_jobs_republish_stale(*, now: Any = None) -> int:
    """Re-publishes imports and exports that no worker picked up: never published (broker down
    or hung at the request) after the publish grace, published but not picked up or running
    without a worker after ``STALE_AFTER`` / ``LOST_AFTER``."""
    from mobility.data.imports.services import import_batch_publish as publish_import

    now = now or timezone.now()
    grace = now - publish_grace()
    counts = {RecoveryCause.NEVER_PUBLISHED: 0, RecoveryCause.STALE: 0}
    for job in ExportJob.objects.filter(
        Q(status=ExportStatus.REQUESTED, published_at__isnull=True, created_at__lt=grace)
        | Q(status=ExportStatus.REQUESTED, created_at__lt=now - STALE_AFTER)
        | Q(status=ExportStatus.RUNNING, started_at__lt=now - LOST_AFTER),
        attempts__lt=MAX_ATTEMPTS,
    ).exclude(published_at__gt=now - STALE_AFTER):
        never = job.status == ExportStatus.REQUESTED and job.published_at is None
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.REQUESTED)
        with transaction.atomic():
            _publish(job)
        counts[RecoveryCause.NEVER_PUBLISHED if never else RecoveryCause.STALE] += 1
    for batch in ImportBatch.objects.filter(
        Q(published_at__isnull=True, updated_at__lt=grace) | Q(updated_at__lt=now - STALE_AFTER),
        status__in=[ImportStatus.PREVIEWING, ImportStatus.CONFIRMED],
    ).exclude(published_at__gt=now - STALE_AFTER):
        with transaction.atomic():
            publish_import(batch, "preview" if batch.status == ImportStatus.PREVIEWING else "apply")
        counts[RecoveryCause.NEVER_PUBLISHED if batch.published_at is None else RecoveryCause.STALE] += 1
    for cause, count in counts.items():
        recovery_record(kind="import or export", cause=cause, count=count)
    return sum(counts.values())
