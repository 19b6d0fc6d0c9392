"""Reading the recovery counters (the administrator's screen, /healthz)."""

from __future__ import annotations

from partners.broker.models import Recovery


def recovery_totals() -> dict[str, int]:
    """Work published again so far, by cause (every kind together)."""
    totals: dict[str, int] = {}
    for cause, count in Recovery.objects.values_list("cause", "count"):
        totals[cause] = totals.get(cause, 0) + count
    return totals
