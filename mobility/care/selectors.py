"""Reads of incidents (always through a mobility the user may see)."""

from __future__ import annotations

from django.db.models import QuerySet

from mobility.care.models import Incident
from mobility.mobilities.models import Mobility


def incidents_of(*, mobility: Mobility) -> QuerySet[Incident]:
    return (
        Incident.objects.filter(mobility=mobility)
        .select_related("recorded_by")
        .order_by("-occurred_on", "-id")
    )
