"""The selection report of a call, as figures for its page and as a workbook an auditor of the
national agency can read (every cell formula-safe). Turns data into figures and bytes; changes nothing
but the audit entry of an export."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mobility.data.spreadsheets import Rows, write_xlsx
from mobility.recruitment.models import Application, ApplicationStatus, Call
from mobility.recruitment.services.selection import TIE_BREAK, eligibility_problems
from partners.audit.services import audit_record


@dataclass
class Line:
    label: str
    applications: int = 0
    eligible: int = 0
    selected: int = 0
    waiting: int = 0
    refused: int = 0
    fewer_opportunities: int = 0

    @property
    def fewer_share(self) -> int:
        return round(100 * self.fewer_opportunities / self.applications) if self.applications else 0


@dataclass
class Report:
    total: Line
    by_centre: list[Line] = field(default_factory=list)
    by_trade: list[Line] = field(default_factory=list)


def _count(line: Line, application: Application) -> None:
    line.applications += 1
    line.eligible += not eligibility_problems(application)
    line.selected += application.status == ApplicationStatus.SELECTED
    line.waiting += application.status == ApplicationStatus.WAITING
    line.refused += application.status == ApplicationStatus.NOT_SELECTED
    line.fewer_opportunities += application.fewer_opportunities


def selection_report(*, call: Call, applications: list[Application]) -> Report:
    """Applications, eligible, selected, waiting, refused, share with fewer opportunities; by centre and trade."""
    report = Report(total=Line(_("All")))
    centres: dict[Any, Line] = {}
    trades: dict[str, Line] = {}
    for application in applications:
        _count(report.total, application)
        _count(centres.setdefault(application.centre_id, Line(application.centre.display_name)), application)
        trade = application.trade.strip() or "—"
        _count(trades.setdefault(trade.lower(), Line(trade)), application)
    report.by_centre = sorted(centres.values(), key=lambda line: line.label)
    report.by_trade = sorted(trades.values(), key=lambda line: line.label.lower())
    return report


HEADER = (
    "",
    gettext_noop("Applications"),
    gettext_noop("Eligible"),
    gettext_noop("Selected"),
    gettext_noop("Waiting list"),
    gettext_noop("Not selected"),
    gettext_noop("With fewer opportunities, per cent"),
)


def _lines(lines: list[Line]) -> list[list[Any]]:
    return [
        [x.label, x.applications, x.eligible, x.selected, x.waiting, x.refused, x.fewer_share] for x in lines
    ]


def selection_report_xlsx(
    *, call: Call, applications: list[Application], user: Any, request: Any = None
) -> bytes:
    """Figures, then every decision with its reason, rank and score (formula-safe)."""
    report = selection_report(call=call, applications=applications)
    header = [_(h) if h else "" for h in HEADER]
    figures = Rows(
        title=_("Figures"), header=header, rows=_lines([report.total, *report.by_centre, *report.by_trade])
    )
    counts = Counter(a.status for a in applications)
    decisions = Rows(
        title=_("Decisions"),
        header=[
            _("Rank"),
            _("Score"),
            _("Candidate"),
            _("Centre"),
            _("Trade"),
            _("Fewer opportunities"),
            _("Decision"),
            _("Place"),
            _("Reason"),
            _("Decided at"),
            _("Appeal"),
            _("Appeal outcome"),
        ],
        rows=[
            [
                a.rank,
                float(a.score) if a.score is not None else None,
                a.full_name,
                a.centre.display_name,
                a.trade,
                _("yes") if a.fewer_opportunities else _("no"),
                a.get_status_display(),
                str(a.place) if a.place_id else "",
                a.decision_reason,
                a.decided_at.strftime("%d/%m/%Y %H:%M") if a.decided_at else "",
                a.appeal_text,
                a.get_appeal_outcome_display() if a.appeal_outcome else "",
            ]
            for a in sorted(applications, key=lambda a: (a.rank is None, a.rank or 0, a.pk))
        ],
    )
    rules = Rows(
        title=_("Rules"),
        header=[_("Rule"), _("Value")],
        rows=[
            [_("Call"), call.title],
            [_("Closing date"), call.closes_on.strftime("%d/%m/%Y")],
            [_("Tie-break"), _(TIE_BREAK)],
            *[[c.label, f"× {c.weight} / {c.max_points}"] for c in call.criteria.all()],
            *[[str(ApplicationStatus(k).label), v] for k, v in sorted(counts.items())],
        ],
    )
    out = io.BytesIO()
    write_xlsx([figures, decisions, rules], out)
    audit_record(
        action="call.report.download",
        actor=user,
        target=call,
        centre_id=call.centre_id,
        data={"rows": len(applications)},
        request=request,
    )
    return out.getvalue()
