"""The history of an object, as its page shows it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from partners.audit.models import AuditEntry
from partners.directory.models import (
    Organisation,
)


# --- History ----------------------------------------------------------------------------------
def history_for(*, obj: Any, limit: int | None = None) -> QuerySet[AuditEntry]:
    """The audit entries about ``obj`` (and, for an organisation, about the records merged into it).

    Call it only for an object the user was allowed to see through its selector.
    """
    target_type = obj._meta.label
    ids = {str(obj.pk)}
    if isinstance(obj, Organisation):
        ids |= _merged_into(obj.pk)
    qs = (
        AuditEntry.objects.filter(target_type=target_type, target_id__in=ids)
        .exclude(action="access.denied")  # refused attempts are security records, not the object's history
        .select_related("actor")
        .order_by("-at", "-id")
    )
    return qs[:limit] if limit else qs


def _merged_into(pk: int) -> set[str]:
    """Ids of organisations merged into ``pk``, transitively (their history stays visible)."""
    found: set[str] = set()
    frontier = {str(pk)}
    while frontier:
        merged = set(
            AuditEntry.objects.filter(
                action="organisation.merge", target_type=Organisation._meta.label, target_id__in=frontier
            ).values_list("data__merged_id", flat=True)
        )
        merged = {str(m) for m in merged if m is not None} - found
        found |= merged
        frontier = merged
    return found
