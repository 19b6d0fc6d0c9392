"""Checking and applying an import batch (worker side, or inline for a small file), with its progress."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mobility.data.imports.base import ERROR, CheckResult
from mobility.data.imports.parsing import Table, read_table
from mobility.data.imports.registry import importer_for
from mobility.data.models import ImportBatch, ImportStatus
from partners.audit.services import audit_record

logger = logging.getLogger(__name__)


class StaleImport(ValidationError):
    """Rows that were fine at the preview fail now: the data changed in between."""


# --- Progress ---------------------------------------------------------------------------------
def _progress_key(batch_id: int) -> str:
    return f"data:import:{batch_id}:progress"


def progress_set(batch_id: int, phase: str, done: int, total: int) -> None:
    try:
        cache.set(_progress_key(batch_id), {"phase": phase, "done": done, "total": total}, 3600)
    except Exception:  # progress is a nicety: a cache hiccup must not fail the import
        logger.warning("could not record import progress", exc_info=True)


def progress_get(batch_id: int) -> dict[str, Any] | None:
    try:
        return cache.get(_progress_key(batch_id))
    except Exception:
        return None


def _table(batch: ImportBatch) -> Table:
    with batch.file.open("rb") as handle:
        return read_table(
            handle, batch.file_format, encoding=batch.encoding if batch.encoding != "utf-8-sig" else ""
        )


def _check(batch: ImportBatch, table: Table, user: Any, phase: str) -> tuple[Any, CheckResult]:
    importer = importer_for(batch.kind, centre=batch.centre, user=user, table=table)
    result = importer.check(progress=lambda done, total: progress_set(batch.pk, phase, done, total))
    return importer, result


def import_batch_preview(*, batch: ImportBatch, table: Table | None = None) -> ImportBatch:
    """Checks every row and records what each would do. Writes nothing but the report."""
    with translation.override(batch.language):
        try:
            table = table or _table(batch)
            _importer, result = _check(batch, table, batch.created_by, "check")
        except ValidationError as exc:
            batch.status = ImportStatus.PREVIEWED
            batch.report = {"file_errors": list(exc.messages), "file_warnings": [], "rows": []}
            batch.counts = {}
            batch.save(update_fields=["status", "report", "counts", "updated_at"])
            return batch
        batch.status = ImportStatus.PREVIEWED
        batch.report = result.report()
        batch.counts = result.counts
        batch.row_count = len(table.rows)
        batch.save(update_fields=["status", "report", "counts", "row_count", "updated_at"])
    return batch


def import_batch_apply(*, batch_id: int, request: HttpRequest | None = None) -> None:
    """Imports a confirmed batch in one transaction. Idempotent: a done batch is left alone."""
    try:
        with transaction.atomic():
            batch = (
                ImportBatch.objects.select_for_update().select_related("centre").filter(pk=batch_id).first()
            )
            if batch is None or batch.status != ImportStatus.CONFIRMED:
                return
            with translation.override(batch.language):
                _apply(batch, request)
    except StaleImport as exc:
        _stale(batch_id, exc)
    except Exception as exc:
        logger.exception("import %s failed", batch_id)
        _failed(batch_id, exc, request)


def _apply(batch: ImportBatch, request: HttpRequest | None) -> None:
    user = batch.confirmed_by
    table = _table(batch)
    importer, result = _check(batch, table, user, "check")
    previewed_errors = {r["row"] for r in batch.report.get("rows", []) if r.get("outcome") == ERROR}
    if result.file_errors or not result.error_rows <= previewed_errors:
        stale = StaleImport(
            _(
                "Some rows that were correct at the preview are not any more (the data changed): check the new preview."
            )
        )
        stale.report, stale.counts = result.report(), result.counts  # type: ignore[attr-defined]
        raise stale
    importer.write(result.rows, progress=lambda done, total: progress_set(batch.pk, "write", done, total))
    counts = result.counts
    batch.status = ImportStatus.DONE
    batch.counts = counts
    batch.report = result.report()
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "counts", "report", "finished_at", "updated_at"])
    audit_record(
        action="data.import",
        actor=user,
        target=batch,
        centre_id=batch.centre_id,
        data={
            "kind": batch.kind,
            "format": batch.file_format,
            "rows": len(result.rows),
            "created": counts["new"],
            "updated": counts["updated"],
            "unchanged": counts["unchanged"],
            "skipped": counts["error"],
            "sha256": batch.sha256,
        },
        request=request,
    )


def _stale(batch_id: int, exc: ValidationError) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    batch.status = ImportStatus.PREVIEWED
    batch.error = "; ".join(exc.messages)
    batch.report = getattr(exc, "report", batch.report)
    batch.counts = getattr(exc, "counts", batch.counts)
    batch.save(update_fields=["status", "error", "report", "counts", "updated_at"])


def _failed(batch_id: int, exc: Exception, request: HttpRequest | None) -> None:
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    with translation.override(batch.language):
        reason = (
            "; ".join(exc.messages)
            if isinstance(exc, ValidationError)
            else _("An unexpected error stopped the import; nothing was written. (%(error)s)")
            % {"error": exc.__class__.__name__}
        )
    batch.status = ImportStatus.FAILED
    batch.error = reason[:2000]
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "error", "finished_at", "updated_at"])
    audit_record(
        action="data.import_failed",
        actor=batch.confirmed_by,
        target=batch,
        centre_id=batch.centre_id,
        data={"kind": batch.kind, "rows": batch.row_count, "error": exc.__class__.__name__},
        request=request,
    )


def import_batch_run_preview(*, batch_id: int) -> None:
    """The worker's side of a large preview. Idempotent: only a batch still being checked is checked."""
    batch = ImportBatch.objects.select_related("centre", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportStatus.PREVIEWING:
        return
    import_batch_preview(batch=batch)
