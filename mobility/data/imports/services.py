"""Asking for an import: the upload checked and recorded as a batch, previewed (inline when small, by a
worker when large), confirmed, cancelled; the rows in error as a CSV.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mobility.data.imports.base import ERROR
from mobility.data.imports.limits import check_spreadsheet
from mobility.data.imports.parsing import read_table
from mobility.data.imports.run import import_batch_apply, import_batch_preview
from mobility.data.models import ImportBatch, ImportStatus
from mobility.data.spreadsheets import Rows, write_csv
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.broker.services import publish_after_commit
from partners.directory.models import Organisation, OrganisationKind

logger = logging.getLogger(__name__)


def inline_max_rows() -> int:
    return int(getattr(settings, "IMPORT_INLINE_MAX_ROWS", 500))


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
            import_batch_publish(batch, "preview")
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
            import_batch_publish(batch, "apply")
    if inline:
        import_batch_apply(batch_id=batch.pk, request=request)
        batch.refresh_from_db()
    return batch


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
def import_batch_publish(batch: ImportBatch, step: str) -> None:
    """Publishes the step after the commit; the sweeper re-publishes it if the broker was away."""
    from mobility.data.tasks import import_apply, import_preview

    task = import_preview if step == "preview" else import_apply
    batch_id = batch.pk

    publish_after_commit(
        task,
        (batch_id,),
        what=f"import {batch_id} ({step})",
        on_published=lambda: ImportBatch.objects.filter(pk=batch_id).update(published_at=timezone.now()),
    )


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
