"""Reads of documents, scoped to the user's centres, and what a mobility still lacks."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Q,
    QuerySet,
)

from mobility.catalogue.models import DocumentType
from mobility.documents.models import Document
from mobility.learners.models import ParentalConsent
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


#: The document type a recorded parental consent (with its scan) stands for.
PARENTAL_AUTHORISATION = "parental-authorisation"


def document_applies(doc_type: DocumentType, *, minor: bool) -> bool:
    """The one rule of required documents: a "minors only" document is asked of minors only (on the
    first day of the stay). The referent's page, the learner's page, the checklist, the dashboard and
    the confirmation all follow it."""
    return minor or not doc_type.required_for_minors_only


def participant_is_minor(mobility: Mobility) -> bool:
    return mobility.participant.is_minor_on(mobility.planned_start)


def consent_with_scan_learners(*, learner_ids: Any, mobility_ids: Any) -> set[tuple[int, int | None]]:
    """(learner, mobility or None) of the parental consents recorded with their scan."""
    return set(
        ParentalConsent.objects.filter(learner_id__in=learner_ids)
        .filter(Q(mobility_id__in=mobility_ids) | Q(mobility__isnull=True))
        .exclude(scan="")
        .values_list("learner_id", "mobility_id")
    )


def documents_present(*, mobility: Mobility, documents: list[Document] | None = None) -> set[int]:
    """The document types the mobility has: uploaded (for it or for none other, still valid at the
    end), and the parental authorisation when the parental consent was recorded with its scan —
    one record, counted by both.

    ``documents``: the learner's documents for this mobility or for every mobility, when the caller
    holds them already (the mobility page's ``document_rows``)."""
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
    if consent_with_scan_learners(learner_ids=[mobility.participant_id], mobility_ids=[mobility.pk]):
        present.update(DocumentType.objects.filter(code=PARENTAL_AUTHORISATION).values_list("pk", flat=True))
    return present


def missing_documents(
    *,
    mobility: Mobility,
    documents: list[Document] | None = None,
    required: list[DocumentType] | None = None,
) -> list[DocumentType]:
    """Documents the activity type requires before confirmation that are not uploaded yet
    (``documents`` as for ``documents_present``; ``required``: the activity type's required
    documents, when already read)."""
    if required is None:
        required = list(mobility.activity_type.required_documents.all())
    if not required:
        return []
    minor = participant_is_minor(mobility)
    present = documents_present(mobility=mobility, documents=documents)
    return [t for t in required if t.pk not in present and document_applies(t, minor=minor)]


# --- API --------------------------------------------------------------------------------------
def document_list_for_user(*, user: Any) -> QuerySet[Document]:
    """Documents (metadata) of the user's centres, newest first."""
    return (
        Document.objects.filter(centre_id__in=_centres(user))
        .select_related("document_type")
        .order_by("-created_at", "-id")
    )
