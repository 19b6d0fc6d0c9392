"""Reads of the catalogues: what is shared by every network plus what the user's networks added."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from mobility.catalogue.models import ActivityType, DocumentType
from partners.accounts.access import get_access


# --- Catalogues -------------------------------------------------------------------------------
def activity_type_list_for_user(*, user: Any, include_inactive: bool = False) -> QuerySet[ActivityType]:
    """Activity types shared by every network, plus those of the user's networks."""
    access = get_access(user)
    qs = ActivityType.objects.filter(Q(network__isnull=True) | Q(network_id__in=access.network_ids))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "name")


def document_type_list(*, required_by: int | None = None) -> QuerySet[DocumentType]:
    """The document types in their order; with ``required_by`` (an activity type's id) each says
    whether that activity type requires it (``required``), in the same query."""
    qs = DocumentType.objects.order_by("order", "name")
    if required_by is not None:
        through = ActivityType.required_documents.through.objects.filter(
            activitytype_id=required_by, documenttype_id=OuterRef("pk")
        )
        qs = qs.annotate(required=Exists(through))
    return qs
