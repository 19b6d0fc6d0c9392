"""Reads of checklist tasks, scoped to the user's centres."""

from __future__ import annotations

from typing import Any

from mobility.tracking.models import ChecklistItem
from partners.accounts.access import get_access, hidden


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


def checklist_item_get_for_user(*, user: Any, pk: Any) -> ChecklistItem:
    try:
        return (
            ChecklistItem.objects.filter(mobility__centre_id__in=_centres(user))
            .select_related("mobility", "template", "done_by")
            .get(pk=int(pk))
        )
    except (ChecklistItem.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(ChecklistItem, pk) from exc
