"""Reads of projects: those held by an organisation the user reaches (their centres and chambers)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from mobility.projects.models import Project
from partners.accounts.access import get_access, hidden


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


# --- Projects ---------------------------------------------------------------------------------
def project_list_for_user(*, user: Any) -> QuerySet[Project]:
    """Projects held by an organisation the user reaches (their centres and chambers)."""
    access = get_access(user)
    return Project.objects.filter(organisation_id__in=access.org_ids).select_related("organisation")


def project_get_for_user(*, user: Any, pk: Any) -> Project:
    try:
        return project_list_for_user(user=user).get(pk=int(pk))
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Project, pk) from exc


def project_list_with_counts_for_user(*, user: Any, search: str = "") -> QuerySet[Project]:
    qs = project_list_for_user(user=user).annotate(
        mobility_count=Count("mobilities", filter=Q(mobilities__centre_id__in=_centres(user)), distinct=True),
        group_count=Count("groups", filter=Q(groups__centre_id__in=_centres(user)), distinct=True),
    )
    for word in search.split()[:5]:
        qs = qs.filter(
            Q(title__icontains=word) | Q(grant_agreement_number__icontains=word) | Q(key_action__iexact=word)
        )
    return qs.order_by("-start_date", "title")
