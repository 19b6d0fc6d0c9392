"""Writing an export job's file (worker side), with its progress, and purging old files."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mobility.data import report_parts
from mobility.data.exports.rows import DATA_KINDS, audit_data, int_or_none, rows_for, write_rows
from mobility.data.models import ExportJob, ExportKind, ExportStatus, ImportBatch
from partners.audit.services import audit_record

logger = logging.getLogger(__name__)


def _progress_key(job_id: int) -> str:
    return f"data:export:{job_id}:progress"


def export_progress(job_id: int) -> int | None:
    try:
        return cache.get(_progress_key(job_id))
    except Exception:
        return None


def _set_progress(job_id: int, done: int) -> None:
    try:
        cache.set(_progress_key(job_id), done, 3600)
    except Exception:
        logger.warning("could not record export progress", exc_info=True)


def _file_name(job: ExportJob) -> str:
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    base = {
        ExportKind.LEARNERS: "learners",
        ExportKind.ORGANISATIONS: "organisations",
        ExportKind.MOBILITIES: "mobilities",
        ExportKind.EVALUATIONS: "evaluations",
        ExportKind.STATISTICS: "mobility-statistics",
        ExportKind.REPORT: "activity-report",
        ExportKind.ERASMUS: "erasmus-beneficiary-module",
        ExportKind.EMERGENCY: "emergency-sheet",
        ExportKind.SELECTION: "selection-report",
    }.get(job.kind, "export")
    return f"{base}-{stamp}.{job.file_format}"


def export_job_run(*, job_id: int, request: HttpRequest | None = None) -> None:
    """Writes the file of an export job. Idempotent: a finished job is left alone."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportStatus.REQUESTED, ExportStatus.RUNNING]
    ).update(status=ExportStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    try:
        with translation.override(job.language), tempfile.TemporaryFile() as handle:
            count = _write_job(job, handle)
            handle.seek(0)
            name = _file_name(job)
            old = job.file.name
            job.file.save(name, File(handle), save=False)
            job.file_name = name
            job.size = job.file.size
            job.row_count = count
            job.status = ExportStatus.READY
            job.finished_at = timezone.now()
            job.error = ""
            job.save(
                update_fields=["file", "file_name", "size", "row_count", "status", "finished_at", "error"]
            )
            if old and old != job.file.name:
                job.file.storage.delete(old)
    except Exception as exc:
        logger.exception("export %s failed", job_id)
        with translation.override(job.language):
            message = (
                str(exc)
                if isinstance(exc, ValidationError | PermissionDenied)
                else _("The export failed (%(error)s). Try again; if it fails again, tell an administrator.")
                % {"error": exc.__class__.__name__}
            )
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        return
    audit_record(
        action="data.export",
        actor=job.created_by,
        target=job,
        centre_id=int_or_none(job.params.get("centre")),
        data=audit_data(job),
        request=request,
    )


def _write_job(job: ExportJob, handle: Any) -> int:
    user = job.created_by
    if job.kind in DATA_KINDS:
        rows = rows_for(job.kind, user, job.params)
        rows.on_progress = lambda done: _set_progress(job.pk, done)
        delimiter = job.params.get("delimiter") or ","
        return write_rows(rows, job.file_format, handle, delimiter=delimiter if delimiter in ",;\t" else ",")
    if job.kind == ExportKind.REPORT:
        from mobility.data.reports import report_write

        return report_write(job=job, out=handle)
    if job.kind == ExportKind.ERASMUS:
        from mobility.data.erasmus import erasmus_write

        return erasmus_write(job=job, out=handle)
    writer = report_parts.file_writers.get(job.kind)
    if writer is not None:
        return writer(job=job, out=handle)
    raise ValueError(f"unknown export kind {job.kind!r}")


def data_files_purge(*, now: Any = None) -> int:
    """Deletes export files and uploaded import files after the retention period (they hold personal data)."""
    now = now or timezone.now()
    limit = now - timedelta(days=int(getattr(settings, "DATA_FILES_KEEP_DAYS", 7)))
    count = 0
    for job in ExportJob.objects.filter(created_at__lt=limit).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    for batch in ImportBatch.objects.filter(created_at__lt=limit).exclude(file=""):
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="", report={})
        count += 1
    return count
