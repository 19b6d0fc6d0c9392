"""Uploading and deleting documents: checked by content and size, stored only when the row is, audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.catalogue.models import DocumentType
from mobility.documents.models import Document
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.uploads import check_upload


# --- Infrastructure ---------------------------------------------------------------------------
@contextmanager
def file_removed_on_failure(instance: Any, field: str) -> Iterator[None]:
    """A file written to storage in a block that then fails is removed: the rollback does not
    reach the disk, and a refused upload must leave nothing behind."""
    try:
        yield
    except BaseException:
        stored = getattr(instance, field)
        if stored:
            stored.delete(save=False)
        raise


# --- Documents --------------------------------------------------------------------------------
def document_upload(
    *,
    learner: Learner,
    document_type: DocumentType,
    upload: Any,
    mobility: Mobility | None = None,
    valid_until: date | None = None,
    acting_user: User | None,
    uploaded_by_label: str = "",
    request: HttpRequest | None = None,
) -> Document:
    """Stores a checked upload; ticks the checklist tasks that asked for this kind of document."""
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, learner.centre_id)
    if mobility is not None and mobility.participant_id != learner.pk:
        raise ValidationError({"mobility": _("This mobility is not the learner's.")})
    checked = check_upload(upload)
    document = Document(
        centre_id=learner.centre_id,
        learner=learner,
        mobility=mobility,
        document_type=document_type,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        valid_until=valid_until,
        uploaded_by=acting_user,
        uploaded_by_label=(uploaded_by_label or (str(acting_user) if acting_user else ""))[:200],
    )
    document.full_clean(exclude=["file"])
    with transaction.atomic(), file_removed_on_failure(document, "file"):
        document.file.save(checked.safe_name, checked.file, save=False)
        document.save()
        if mobility is not None:
            for item in mobility.checklist.filter(document_type=document_type, done_at__isnull=True):
                item.done_at = timezone.now()
                item.done_by = acting_user
                item.done_by_label = document.uploaded_by_label
                item.save(update_fields=["done_at", "done_by", "done_by_label"])
        audit_record(
            action="document.upload",
            actor=acting_user,
            actor_label=uploaded_by_label,
            target=document,
            centre_id=learner.centre_id,
            data={
                "type": document_type.code,
                "size": checked.size,
                "mobility": mobility.pk if mobility else None,
            },
            request=request,
        )
    return document


def document_delete(
    *, document: Document, acting_user: User | None, request: HttpRequest | None = None
) -> None:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, document.centre_id)
    with transaction.atomic():
        audit_record(
            action="document.delete",
            actor=acting_user,
            target=document,
            centre_id=document.centre_id,
            data={"type": document.document_type.code, "mobility": document.mobility_id},
            request=request,
        )
        storage, name = document.file.storage, document.file.name
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))
