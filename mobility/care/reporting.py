"""Incidents in the activity report: counts by kind and severity only (nothing that names anyone)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from mobility.care.models import Incident, IncidentKind, Severity
from mobility.data import report_parts
from mobility.data.reports import Table


@report_parts.register
def incident_tables(mobility_ids: list[int]) -> list[Table]:
    rows = list(Incident.objects.filter(mobility_id__in=mobility_ids).values_list("kind", "severity"))
    by_kind = Counter(kind for kind, _s in rows)
    by_severity = Counter(severity for _k, severity in rows)
    return [
        Table(
            "incidents",
            _("Incidents during the stays"),
            [_("Kind"), _("Incidents"), *[str(label) for _v, label in Severity.choices]],
            [
                [str(label), by_kind[value],
                 *[sum(1 for k, s in rows if k == value and s == sev) for sev in Severity.values]]
                for value, label in IncidentKind.choices if by_kind[value]
            ],
            note=_("Incidents by severity: %(counts)s.") % {
                "counts": ", ".join(f"{label} {by_severity[value]}" for value, label in Severity.choices)
            },
        )
    ]  # fmt: skip
