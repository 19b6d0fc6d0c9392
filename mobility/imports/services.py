"""The life of an import batch: upload → preview (nothing written) → confirm → import, all or nothing.

Small files are checked and imported during the request; larger ones by a worker, the page
showing its progress. Either way the confirmed import runs in one transaction: the rows are
checked again inside it (the data may have changed since the preview), and any failure rolls
everything back and leaves the batch marked failed with the reason.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.access import require_capability
from partners.audit import audit_record
from partners.models import Organisation, OrganisationKind, User
from partners.roles import Capability

from ..models import ImportBatch, ImportStatus
from ..spreadsheets import Rows, write_csv
from .engine import ERROR, CheckResult, importer_for
from .limits import check_spreadsheet
from .parsing import Table, read_table

logger = logging.getLogger(__name__)


class StaleImport(ValidationError):
    """Rows that were fine at the preview fail now: the data changed in between."""


def inline_max_rows() -> int:
    return int(getattr(settings, "IMPORT_INLINE_MAX_ROWS", 500))


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


# --- Steps ------------------------------------------------------------------------------------
def import_batch_create(
    *,
    centre: Organisation,
    kind: str,
    upload: Any,
    acting_user: User,
    encoding: str = "",
    request: HttpRequest | None = None,
) -> ImportBatch:
    """Stores a checked upload (size, type by content, XLSX unpacked size) and checks its rows.

    Returns the batch, previewed already when the file is small, or queued for a worker.
    """
    if centre.kind != OrganisationKind.TRAINING_CENTRE:
        raise ValidationError({"centre": _("Choose a training centre.")})
    require_capability(acting_user, Capability.IMPORT_DATA, centre.pk)
    checked = check_spreadsheet(upload)
    table = read_table(upload, checked.file_format, encoding=encoding)
    upload.seek(0)
    batch = ImportBatch(
        centre=centre,
        kind=kind,
        original_name=(getattr(upload, "name", "") or checked.safe_name)[:200],
        file_format=checked.file_format,
        size=checked.size,
        sha256=checked.sha256,
        encoding=table.encoding,
        delimiter=table.delimiter,
        row_count=len(table.rows),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=acting_user,
    )
    batch.full_clean(exclude=["file"])
    with transaction.atomic():
        batch.file.save(checked.safe_name, ContentFile(upload.read()), save=False)
        batch.save()
        if batch.row_count <= inline_max_rows():
            import_batch_preview(batch=batch, table=table)
        else:
            batch.status = ImportStatus.PREVIEWING
            batch.save(update_fields=["status", "updated_at"])
            _publish(batch, "preview")
    return batch


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


def import_batch_confirm(
    *, batch: ImportBatch, acting_user: User, skip_errors: bool = False, request: HttpRequest | None = None
) -> ImportBatch:
    """The user's go-ahead after the preview: imports now when small, else queues the import."""
    require_capability(acting_user, Capability.IMPORT_DATA, batch.centre_id)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.PREVIEWED:
            raise ValidationError(_("This import is not waiting for a confirmation any more."))
        if batch.report.get("file_errors"):
            raise ValidationError(
                _("The file cannot be imported: correct the problems listed and upload it again.")
            )
        errors = batch.counts.get(ERROR, 0)
        if errors and not skip_errors:
            raise ValidationError(
                {
                    "skip_errors": ngettext(
                        "%(count)s row has an error: correct the file and upload it again, or choose to import the other rows without it.",
                        "%(count)s rows have errors: correct the file and upload it again, or choose to import the other rows without them.",
                        errors,
                    )
                    % {"count": errors}
                }
            )
        if errors and errors == batch.row_count:
            raise ValidationError(_("Every row has an error: there is nothing to import."))
        batch.status = ImportStatus.CONFIRMED
        batch.skip_errors = bool(errors) and skip_errors
        batch.confirmed_by = acting_user
        batch.confirmed_at = timezone.now()
        batch.language = translation.get_language() or batch.language
        batch.save(
            update_fields=["status", "skip_errors", "confirmed_by", "confirmed_at", "language", "updated_at"]
        )
        inline = batch.row_count <= inline_max_rows()
        if not inline:
            _publish(batch, "apply")
    if inline:
        import_batch_apply(batch_id=batch.pk, request=request)
        batch.refresh_from_db()
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


def import_batch_cancel(*, batch: ImportBatch, acting_user: User) -> ImportBatch:
    require_capability(acting_user, Capability.IMPORT_DATA, batch.centre_id)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (ImportStatus.PREVIEWED, ImportStatus.UPLOADED, ImportStatus.PREVIEWING):
            raise ValidationError(_("This import cannot be cancelled any more."))
        batch.status = ImportStatus.CANCELLED
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at", "updated_at"])
        storage, name = batch.file.storage, batch.file.name
        if name:
            transaction.on_commit(lambda: storage.delete(name))
    return batch


# --- Workers ----------------------------------------------------------------------------------
def _publish(batch: ImportBatch, step: str) -> None:
    """Publishes the step after the commit; the sweeper re-publishes it if the broker was away."""
    from .tasks import import_apply, import_preview

    task = import_preview if step == "preview" else import_apply
    batch_id = batch.pk

    def send() -> None:
        try:
            task.apply_async(args=[batch_id], retry=False)
            ImportBatch.objects.filter(pk=batch_id).update(published_at=timezone.now())
        except Exception:
            logger.warning(
                "could not publish import %s (%s); the sweeper will", batch_id, step, exc_info=True
            )

    transaction.on_commit(send)


def import_batch_run_preview(*, batch_id: int) -> None:
    """The worker's side of a large preview. Idempotent: only a batch still being checked is checked."""
    batch = ImportBatch.objects.select_related("centre", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportStatus.PREVIEWING:
        return
    import_batch_preview(batch=batch)


def import_batch_errors_csv(
    *, batch: ImportBatch, acting_user: User, request: HttpRequest | None = None
) -> bytes | None:
    """The rows in error, as they were in the file, with what is wrong (None when no row failed).

    The file holds the uploaded cells (learners' data): taking it away is an export, audited as one.
    """
    failed = {r["row"]: r for r in batch.report.get("rows", []) if r.get("outcome") == ERROR}
    if not failed or not batch.file:
        return None
    with batch.file.open("rb") as handle:
        table = read_table(
            handle, batch.file_format, encoding="" if batch.encoding == "utf-8-sig" else batch.encoding
        )
    rows = (
        [
            "; ".join(
                f"{e['column']}: {e['message']}" if e.get("column") else e["message"]
                for e in failed[number].get("errors", [])
            ),
            *cells,
        ]
        for number, cells in table.rows
        if number in failed
    )
    buffer = io.BytesIO()
    count = write_csv(
        Rows(title="errors", header=[_("Errors"), *table.header], rows=rows),
        buffer,
        delimiter=table.delimiter or ";",
    )
    audit_record(
        action="data.export",
        actor=acting_user,
        target=batch,
        centre_id=batch.centre_id,
        data={"kind": "import_errors", "import_kind": batch.kind, "format": "csv", "rows": count},
        request=request,
    )
    return buffer.getvalue()
