"""The projects' budgets in the activity report: what the report's mobilities commit and realise
against each project's awarded amount (amounts only, nothing that names anyone)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from mobility.data import report_parts
from mobility.data.reports import Table
from mobility.funding import selectors
from mobility.mobilities.models import Mobility


@report_parts.register
def budget_tables(mobility_ids: list[int]) -> list[Table]:
    """One row per project of the report's mobilities (already scoped to the report's centres)."""
    by_project: dict[int, list[Mobility]] = defaultdict(list)
    projects = {}
    for mobility in (
        Mobility.objects.filter(pk__in=mobility_ids, project__isnull=False)
        .filter(status__in=(*selectors.COMMITTED, *selectors.REALISED))
        .select_related("centre", "participant", "activity_type", "sending_organisation", "project")
        .order_by("project__start_date", "project_id", "id")
    ):
        by_project[mobility.project_id].append(mobility)
        projects[mobility.project_id] = mobility.project
    rows = []
    for project_id, mobilities in by_project.items():
        project = projects[project_id]
        total = selectors.budget_of(project, mobilities)["total"]
        rows.append(
            [
                project.grant_agreement_number or project.title,
                total.awarded if total.awarded is not None else "",
                total.committed,
                total.realised,
                total.forecast,
                total.remaining if total.remaining is not None else "",
            ]
        )
    if not rows:
        return []
    return [
        Table(
            "budgets",
            _("Projects' budgets (EUR)"),
            [_("Project"), _("Awarded"), _("Committed"), _("Realised"), _("Forecast"), _("Remaining")],
            rows,
            chart_column=None,
            note=_(
                "Committed and realised count the grants of this report's mobilities (frozen once the "
                "grant agreement is issued); awarded is the project's whole amount."
            ),
        )
    ]
