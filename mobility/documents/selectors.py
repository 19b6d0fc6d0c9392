"""Reads of documents, scoped to the user's centres, and what a mobility still lacks."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Q,
    QuerySet,
)

from mobility.catalogue.models import DocumentType
from mobility.documents.models import Document
from mobility.mobilities.models import Mobility
from partners.accounts.access import get_access, hidden


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


def document_get_for_user(*, user: Any, pk: Any) -> Document:
    try:
        return (
            Document.objects.filter(centre_id__in=_centres(user))
            .select_related("learner", "mobility", "document_type")
            .get(pk=int(pk))
        )
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Document, pk) from exc


def missing_documents(*, mobility: Mobility, documents: list[Document] | None = None) -> list[DocumentType]:
    """Documents the activity type requires before confirmation that are not uploaded yet.

    ``documents``: the learner's documents for this mobility or for every mobility, when the caller
    holds them already (the mobility page's ``document_rows``)."""
    required = list(mobility.activity_type.required_documents.all())
    if not required:
        return []
    minor = mobility.participant.is_minor_on(mobility.planned_start)
    if documents is not None:
        present = {
            d.document_type_id
            for d in documents
            if d.learner_id == mobility.participant_id
            and (d.mobility_id == mobility.pk or d.mobility_id is None)
            and (d.valid_until is None or d.valid_until >= mobility.planned_end)
        }
    else:
        present = set(
            Document.objects.filter(learner_id=mobility.participant_id)
            .filter(Q(mobility=mobility) | Q(mobility__isnull=True))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=mobility.planned_end))
            .values_list("document_type_id", flat=True)
        )
    return [t for t in required if t.pk not in present and (minor or not t.required_for_minors_only)]


# --- API --------------------------------------------------------------------------------------
def document_list_for_user(*, user: Any) -> QuerySet[Document]:
    """Documents (metadata) of the user's centres, newest first."""
    return (
        Document.objects.filter(centre_id__in=_centres(user))
        .select_related("document_type")
        .order_by("-created_at", "-id")
    )
