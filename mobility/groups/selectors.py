"""Reads of groups of mobilities, scoped to the user's centres."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Prefetch,
    QuerySet,
)

from mobility.mobilities.models import Mobility, MobilityGroup
from partners.accounts.access import get_access, hidden


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


# --- Groups -----------------------------------------------------------------------------------
def group_list_for_user(*, user: Any) -> QuerySet[MobilityGroup]:
    return (
        MobilityGroup.objects.filter(centre_id__in=_centres(user))
        .select_related("centre", "activity_type", "project")
        .annotate(size=Count("mobilities"))
        .order_by("-planned_start", "name")
    )


def group_get_for_user(*, user: Any, pk: Any) -> MobilityGroup:
    try:
        return (
            MobilityGroup.objects.filter(centre_id__in=_centres(user))
            .select_related("centre", "activity_type", "project")
            .prefetch_related(
                Prefetch(
                    "mobilities",
                    queryset=Mobility.objects.select_related(
                        "participant", "host_organisation", "host_tutor"
                    ).order_by("participant__last_name", "participant__first_name"),
                )
            )
            .get(pk=int(pk))
        )
    except (MobilityGroup.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(MobilityGroup, pk) from exc


def group_choices_for_user(*, user: Any) -> QuerySet[MobilityGroup]:
    return MobilityGroup.objects.filter(centre_id__in=_centres(user)).order_by("-planned_start", "name")
