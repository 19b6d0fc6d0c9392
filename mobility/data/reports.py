"""The activity report of a period and a scope: what a chamber tells its board and the national agency.

``activity_report`` turns the mobilities into plain tables (unit-tested); the page shows each with
a bar chart drawn here as SVG (a title, a description, the table beside it as the alternative);
the same tables become an XLSX workbook (one sheet per table) or a PDF rendered by WeasyPrint in
a worker. Nothing in a report names a person: ages are bands, participants are counted.

Which mobilities count: those that start in the period (the actual start when known), drafts and
cancelled ones left out.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_countries import countries

from mobility.catalogue.models import ActivityType
from mobility.data import report_parts
from mobility.data.exports.rows import AGE_BANDS, DURATION_BANDS, age_band, duration_band, duration_days
from mobility.data.models import ExportJob
from mobility.data.spreadsheets import Rows
from mobility.evaluations.models import EmployerFeedback, Evaluation
from mobility.learners.models import Sex
from mobility.mobilities.models import Direction, Mobility, MobilityStatus
from mobility.projects.models import Project
from mobility.recruitment.selectors import recruitment_figures
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.directory.models import Organisation, OrganisationKind

COMPLETED = (MobilityStatus.COMPLETED, MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED)

EXCLUDED = (MobilityStatus.DRAFT, MobilityStatus.CANCELLED)


# --- Scope ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportScope:
    value: str
    label: str
    centre_ids: frozenset[int]
    project_id: int | None = None


def report_scopes(user: Any) -> list[tuple[str, str]]:
    """What the user may report on: all their centres, each chamber, each centre, each project."""
    access = get_access(user)
    centres = access.centres_with(Capability.VIEW_REPORTS)
    if not centres:
        return []
    choices: list[tuple[str, str]] = [("all", _("All my centres"))]
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=access.orgs_with(Capability.VIEW_REPORTS))}
    for org in sorted(orgs.values(), key=lambda o: o.name):
        if org.kind == OrganisationKind.NETWORK:
            choices.append((f"chamber:{org.pk}", _("Chamber: %(name)s") % {"name": org.display_name}))
    for org in sorted(orgs.values(), key=lambda o: o.name):
        if org.pk in centres:
            choices.append((f"centre:{org.pk}", _("Centre: %(name)s") % {"name": org.display_name}))
    for project in Project.objects.filter(
        organisation_id__in=access.orgs_with(Capability.VIEW_REPORTS)
    ).order_by("-start_date"):
        choices.append((f"project:{project.pk}", _("Project: %(name)s") % {"name": project}))
    return choices


def report_scope_resolve(user: Any, value: str) -> ReportScope:
    """The scope a user asked for, checked: another chamber's, centre's or project's is a 404."""
    access = get_access(user)
    centres = access.centres_with(Capability.VIEW_REPORTS)
    if not centres:
        raise PermissionDenied("no centre to report on")
    kind, _sep, raw = (value or "all").partition(":")
    if kind == "all":
        return ReportScope("all", _("All my centres"), centres)
    try:
        pk = int(raw)
    except ValueError as exc:
        raise Http404 from exc
    if pk not in access.orgs_with(Capability.VIEW_REPORTS) and kind != "project":
        raise Http404
    if kind == "chamber":
        chamber = Organisation.objects.filter(pk=pk, kind=OrganisationKind.NETWORK).first()
        if chamber is None:
            raise Http404
        below = _descendants(chamber.pk) & centres
        return ReportScope(value, _("Chamber: %(name)s") % {"name": chamber.display_name}, frozenset(below))
    if kind == "centre":
        if pk not in centres:
            raise Http404
        centre = Organisation.objects.get(pk=pk)
        return ReportScope(value, _("Centre: %(name)s") % {"name": centre.display_name}, frozenset({pk}))
    if kind == "project":
        project = Project.objects.filter(
            pk=pk, organisation_id__in=access.orgs_with(Capability.VIEW_REPORTS)
        ).first()
        if project is None:
            raise Http404
        return ReportScope(value, _("Project: %(name)s") % {"name": project}, centres, project_id=project.pk)
    raise Http404


def _descendants(org_id: int) -> set[int]:
    found, frontier = {org_id}, {org_id}
    while frontier:
        frontier = (
            set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def default_period(today: date | None = None) -> tuple[date, date]:
    """The current reporting year (the calendar year): what an annual report covers."""
    today = today or timezone.localdate()
    return date(today.year, 1, 1), date(today.year, 12, 31)


def default_period_for(scope: ReportScope, today: date | None = None) -> tuple[date, date]:
    """The current reporting year, or the latest year with mobilities in the scope (a report that
    opens on zeros tells nothing)."""
    start, end = default_period(today)
    if _mobilities(scope, start, end).exists():
        return start, end
    earlier = _mobilities(scope, date(1900, 1, 1), start - timedelta(days=1))
    latest = earlier.order_by("-planned_start").values_list("planned_start", flat=True).first()
    return (date(latest.year, 1, 1), date(latest.year, 12, 31)) if latest else (start, end)


def parse_period(start: Any, end: Any) -> tuple[date, date]:
    default_start, default_end = default_period()
    start_date = start if isinstance(start, date) else (parse_date(str(start)) if start else None)
    end_date = end if isinstance(end, date) else (parse_date(str(end)) if end else None)
    return start_date or default_start, end_date or default_end


# --- Tables -----------------------------------------------------------------------------------
@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    #: Which column the chart draws (None: no chart), and the label column.
    chart_column: int | None = 1
    note: str = ""

    @property
    def chart_points(self) -> list[tuple[str, float]]:
        if self.chart_column is None:
            return []
        return [(str(r[0]), float(r[self.chart_column] or 0)) for r in self.rows]


@dataclass
class ActivityReport:
    scope: ReportScope
    start: date
    end: date
    figures: list[tuple[str, str]]
    tables: list[Table]
    mobility_count: int
    generated_at: Any = field(default_factory=timezone.now)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _decimal(value: float) -> str:
    """One decimal, rounded (Django's number_format cuts the digits off instead)."""
    return number_format(round(value, 1), 1)


def _percent(part: float, whole: float) -> str:
    if not whole:
        return "–"
    return f"{_decimal(100 * part / whole)} %"


def _share_rows(
    counter: Counter, total: int, order: Iterable[Any] | None = None, labels: Any = None
) -> list[list[Any]]:
    keys = list(order) if order is not None else [k for k, _n in counter.most_common()]
    rows = []
    for key in keys:
        if order is not None and not counter.get(key):
            continue
        label = labels(key) if labels else key
        rows.append([label, counter[key], _percent(counter[key], total)])
    return rows


def _mobilities(scope: ReportScope, start: date, end: date):
    qs = Mobility.objects.filter(centre_id__in=scope.centre_ids).exclude(status__in=EXCLUDED)
    if scope.project_id:
        qs = qs.filter(project_id=scope.project_id)
    qs = qs.filter(
        Q(actual_start__isnull=False, actual_start__gte=start, actual_start__lte=end)
        | Q(actual_start__isnull=True, planned_start__gte=start, planned_start__lte=end)
    )
    return qs


#: What the report reads of each mobility: no name, no contact.
REPORT_VALUES = (
    "id", "participant_id", "participant__kind", "participant__sex", "participant__date_of_birth",
    "participant__fewer_opportunities", "participant__trade", "participant__qualification__diploma",
    "participant__qualification__title", "participant__qualification__eqf_level",
    "participant__qualification__isced_f", "activity_type_id",
    "direction", "host_country", "sending_organisation__country", "planned_start", "planned_end",
    "actual_start", "actual_end", "interruption_days", "status",
)  # fmt: skip


def activity_report(*, user: Any, scope: ReportScope, start: date, end: date) -> ActivityReport:
    """Counts, shares and rates of the mobilities of the period and scope, as plain tables."""
    if scope.centre_ids - get_access(user).centres_with(Capability.VIEW_REPORTS):
        raise PermissionDenied("scope outside the user's reports")
    rows = list(_mobilities(scope, start, end).values(*REPORT_VALUES))
    total = len(rows)
    activities = {a.pk: a for a in ActivityType.objects.filter(pk__in={r["activity_type_id"] for r in rows})}
    for r in rows:
        r["start"] = r["actual_start"] or r["planned_start"]
        r["days"] = duration_days(r["start"], r["actual_end"] or r["planned_end"], r["interruption_days"])
    outgoing = [r for r in rows if r["direction"] == Direction.OUTGOING]
    incoming = [r for r in rows if r["direction"] == Direction.INCOMING]
    participants = {r["participant_id"] for r in rows}
    learners_abroad = {r["participant_id"] for r in outgoing if r["participant__kind"] == "learner"}
    fewer = {r["participant_id"] for r in rows if r["participant__fewer_opportunities"]}
    completed = [r for r in rows if r["status"] in COMPLETED]
    interrupted = [r for r in rows if r["status"] == MobilityStatus.INTERRUPTED]
    certified = [r for r in rows if r["status"] == MobilityStatus.CERTIFIED]
    finished = len(completed) + len(interrupted)
    average = sum(r["days"] for r in rows) / total if total else 0
    ids = [r["id"] for r in rows]
    employer = _employer_satisfaction(ids)
    tutor = _tutor_satisfaction(ids)

    figures = [
        (_("Mobilities"), number_format(total, force_grouping=True)),
        (_("Participants"), number_format(len(participants), force_grouping=True)),
        (_("Learners abroad"), number_format(len(learners_abroad), force_grouping=True)),
        (_("Outgoing / incoming"), f"{len(outgoing)} / {len(incoming)}"),
        (_("Average duration"), _("%(days)s days") % {"days": _decimal(average)}),
        (_("Participants with fewer opportunities"), _percent(len(fewer), len(participants))),
        (_("Completion rate"), _percent(len(completed), finished)),
        (_("Certification rate"), _percent(len(certified), len(completed))),
        (_("Employer satisfaction"), employer["average_label"]),
        (_("Tutor satisfaction"), tutor["average_label"]),
        *recruitment_figures(centre_ids=scope.centre_ids),
    ]

    def country_name(code: str) -> str:
        return str(countries.name(code)) if code else _("not recorded")

    tables = [
        Table(
            "countries",
            _("Outgoing mobilities by host country"),
            [_("Country"), _("Mobilities"), _("Share")],
            _share_rows(Counter(r["host_country"] for r in outgoing), len(outgoing), labels=country_name),
        ),
        Table(
            "activities",
            _("Mobilities by activity type"),
            [_("Activity"), _("Mobilities"), _("Share"), _("Average duration (days)")],
            _activity_rows(rows, activities, total),
        ),
        Table(
            "durations",
            _("Mobilities by duration (travel days excluded)"),
            [_("Duration"), _("Mobilities"), _("Share")],
            _share_rows(
                Counter(duration_band(r["days"]) for r in rows),
                total,
                order=[str(b[2]) for b in DURATION_BANDS],
            ),
        ),
        Table(
            "qualifications",
            _("Mobilities by qualification or trade"),
            [_("Qualification or trade"), _("Mobilities"), _("Share")],
            _share_rows(Counter(_qualification(r) for r in rows), total),
        ),
        Table(
            "sex",
            _("Participants by sex (where recorded)"),
            [_("Sex"), _("Participants"), _("Share")],
            _share_rows(
                Counter(_first_by_participant(rows, "participant__sex").values()),
                len(participants),
                order=[*Sex.values, ""],
                labels=lambda v: str(Sex(v).label) if v else _("not recorded"),
            ),
        ),
        Table(
            "ages",
            _("Participants by age at departure"),
            [_("Age"), _("Participants"), _("Share")],
            _share_rows(
                Counter(
                    age_band(r["participant__date_of_birth"], r["start"]) or ""
                    for r in _first_rows_by_participant(rows)
                ),
                len(participants),
                order=[*(b[2] for b in AGE_BANDS), ""],
                labels=lambda v: v or _("not recorded"),
            ),
        ),
        Table(
            "fewer_opportunities",
            _("Participants with fewer opportunities"),
            [_("Fewer opportunities"), _("Participants"), _("Share")],
            _share_rows(
                Counter(_("yes") if p in fewer else _("no") for p in participants),
                len(participants),
                order=[_("yes"), _("no")],
            ),
        ),
        Table(
            "directions",
            _("Outgoing and incoming mobilities"),
            [_("Direction"), _("Mobilities"), _("Share"), _("Participants")],
            [
                [
                    str(Direction(d).label),
                    len(group),
                    _percent(len(group), total),
                    len({r["participant_id"] for r in group}),
                ]
                for d, group in ((Direction.OUTGOING, outgoing), (Direction.INCOMING, incoming))
                if group
            ],
        ),
        Table(
            "incoming_countries",
            _("Incoming mobilities by sending country"),
            [_("Country"), _("Mobilities"), _("Share")],
            _share_rows(
                Counter(r["sending_organisation__country"] for r in incoming),
                len(incoming),
                labels=country_name,
            ),
        ),
        Table(
            "outcomes",
            _("How the mobilities ended"),
            [_("Outcome"), _("Mobilities"), _("Share")],
            [
                [label, count, _percent(count, total)]
                for label, count in (
                    (_("Completed"), len(completed)),
                    (_("of which certified"), len(certified)),
                    (_("Interrupted"), len(interrupted)),
                    (_("Not finished yet"), total - finished),
                )
            ]
            if total
            else [],
            note=_(
                "Completion rate: completed ÷ (completed + interrupted). Certification rate: certified ÷ completed."
            ),
        ),
        Table(
            "employer_satisfaction",
            _("Sending employers' satisfaction (1 to 5)"),
            [_("Score"), _("Answers"), _("Share")],
            employer["rows"],
            note=employer["note"],
        ),
        Table(
            "tutor_satisfaction",
            _("Host tutors' satisfaction (1 to 5)"),
            [_("Score"), _("Answers"), _("Share")],
            tutor["rows"],
            note=tutor["note"],
        ),
        *report_parts.extra_tables(ids),
    ]
    return ActivityReport(
        scope=scope, start=start, end=end, figures=figures, tables=tables, mobility_count=total
    )


def _qualification(row: dict[str, Any]) -> str:
    if row["participant__qualification__title"]:
        isced = row.get("participant__qualification__isced_f")
        levels = f"EQF {row['participant__qualification__eqf_level']}" + (
            f", ISCED-F {isced}" if isced else ""
        )
        return f"{row['participant__qualification__diploma']} {row['participant__qualification__title']} ({levels})"
    return row["participant__trade"] or _("not recorded")


def _first_rows_by_participant(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: r["start"]):
        seen.setdefault(r["participant_id"], r)
    return list(seen.values())


def _first_by_participant(rows: list[dict[str, Any]], key: str) -> dict[int, Any]:
    return {r["participant_id"]: r[key] or "" for r in _first_rows_by_participant(rows)}


def _activity_rows(
    rows: list[dict[str, Any]], activities: dict[int, ActivityType], total: int
) -> list[list[Any]]:
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r["activity_type_id"]].append(r)
    result = []
    for activity_id, group in sorted(groups.items(), key=lambda item: -len(item[1])):
        label = activities[activity_id].label if activity_id in activities else "?"
        average = sum(r["days"] for r in group) / len(group)
        result.append([label, len(group), _percent(len(group), total), _decimal(average)])
    return result


def _score_rows(scores: list[int]) -> dict[str, Any]:
    counter = Counter(scores)
    rows = [
        [f"{score} / 5", counter[score], _percent(counter[score], len(scores))] for score in range(5, 0, -1)
    ]
    average = sum(scores) / len(scores) if scores else None
    return {
        "rows": rows if scores else [],
        "average_label": f"{_decimal(average)} / 5" if average is not None else _("no answer yet"),
        "note": _("%(count)s answers.") % {"count": len(scores)},
    }


def _employer_satisfaction(mobility_ids: list[int]) -> dict[str, Any]:
    scores = list(
        EmployerFeedback.objects.filter(mobility_id__in=mobility_ids).values_list("satisfaction", flat=True)
    )
    return _score_rows([s for s in scores if s])


def _tutor_satisfaction(mobility_ids: list[int]) -> dict[str, Any]:
    """The tutors' own rating of the placement, where the evaluation form records one."""
    names = {f.name for f in Evaluation._meta.get_fields()}
    field_name = next((n for n in ("tutor_satisfaction", "satisfaction") if n in names), None)
    if field_name is None:
        result = _score_rows([])
        result["note"] = _("The tutors' evaluation form does not ask for a satisfaction score.")
        return result
    scores = list(
        Evaluation.objects.filter(mobility_id__in=mobility_ids, kind="tutor")
        .exclude(**{f"{field_name}__isnull": True})
        .values_list(field_name, flat=True)
    )
    return _score_rows([int(s) for s in scores if s])


# --- Charts -----------------------------------------------------------------------------------
_TEXT = 'font-size="12" font-family="DejaVu Sans, sans-serif" fill="#17202b"'

_COLOURS = ("#1d4f91", "#0f766e")


def bar_chart_svg(
    *, chart_id: str, title: str, points: Sequence[tuple[str, float]], unit: str = ""
) -> SafeString:
    """A horizontal bar chart as accessible SVG: a title, a description that says the figures."""
    if not points:
        return mark_safe("")
    esc = html.escape
    label_width, bar_width, row_height, top = 250, 290, 26, 8
    height = top * 2 + row_height * len(points)
    highest = max(value for _label, value in points) or 1
    description = "; ".join(
        f"{label}: {number_format(value, 0 if value == int(value) else 1)}{unit}" for label, value in points
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {label_width + bar_width + 70} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{esc(description)}</desc>',
    ]
    for index, (label, value) in enumerate(points):
        y = top + index * row_height
        width = max(1.0, bar_width * value / highest) if value else 0
        short = label if len(label) <= 36 else label[:35] + "…"
        # Presentation attributes as well as classes: WeasyPrint's SVG ignores the page's stylesheet.
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" {_TEXT}>{esc(short)}</text>'
            f'<rect class="bar{" bar--alt" if index % 2 else ""}" x="{label_width}" y="{y + 4}" '
            f'width="{width:.1f}" height="{row_height - 8}" rx="2" fill="{_COLOURS[index % 2]}"></rect>'
            f'<text x="{label_width + width + 6:.1f}" y="{y + 17}" {_TEXT}>'
            f"{esc(number_format(value, 0 if value == int(value) else 1))}{esc(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def report_context(report: ActivityReport) -> dict[str, Any]:
    charts = [
        (table, bar_chart_svg(chart_id=f"chart-{table.key}", title=table.title, points=table.chart_points))
        for table in report.tables
    ]
    return {"report": report, "charts": charts}


# --- Files ------------------------------------------------------------------------------------
def report_sheets(report: ActivityReport) -> list[Rows]:
    summary = [
        [_("Scope"), report.scope.label],
        [_("Period"), f"{report.start.isoformat()} – {report.end.isoformat()}"],
        *[[label, value] for label, value in report.figures],
    ]
    sheets = [Rows(title=_("Summary"), header=[_("Figure"), _("Value")], rows=summary)]
    for table in report.tables:
        rows = list(table.rows)
        if table.note:
            rows.append([])
            rows.append([table.note])
        sheets.append(Rows(title=table.title, header=table.columns, rows=rows))
    return sheets


def report_from_params(user: Any, params: dict[str, Any]) -> ActivityReport:
    scope = report_scope_resolve(user, params.get("scope", "all"))
    start, end = parse_period(params.get("start"), params.get("end"))
    return activity_report(user=user, scope=scope, start=start, end=end)


def report_write(*, job: ExportJob, out: Any) -> int:
    """The file of a report export: XLSX (one sheet per table, plus anonymised rows) or PDF."""
    from mobility.data.exports.rows import STATISTICS_HEADER, statistics_rows
    from mobility.data.spreadsheets import write_xlsx

    report = report_from_params(job.created_by, job.params)
    if job.file_format == "pdf":
        out.write(report_pdf(report))
        return report.mobility_count
    sheets = report_sheets(report)
    if job.params.get("with_rows", True):
        # The same mobilities as the tables, one row each, without direct identifiers.
        sheets.append(
            Rows(
                title=_("Mobilities (anonymised)"),
                header=[str(h) for h in STATISTICS_HEADER],
                rows=statistics_rows(
                    _mobilities(report.scope, report.start, report.end).order_by("planned_start", "id")
                ),
            )
        )
    write_xlsx(sheets, out)
    return report.mobility_count


def static_fetcher() -> Any:
    """A WeasyPrint URL fetcher that reads our static files and nothing else (no network, no other file)."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url}")

    return StaticFilesFetcher(allowed_protocols=["file"], fail_on_errors=False)


def report_pdf(report: ActivityReport) -> bytes:
    from weasyprint import HTML

    static_root = Path(settings.STATICFILES_DIRS[0]).resolve()
    html_text = render_to_string(
        "data/report_pdf.html", {**report_context(report), "static_root": static_root.as_uri()}
    )
    return HTML(
        string=html_text, base_url=static_root.as_uri() + "/", url_fetcher=static_fetcher()
    ).write_pdf()
