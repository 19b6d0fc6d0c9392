"""Exports: which rows a user may take away (scoped by the export capability) and their columns, as
rows a CSV or XLSX writer turns into a file.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mobility.catalogue.models import ParticipantKind
from mobility.data.models import ExportJob, FileFormat
from mobility.data.spreadsheets import Rows, write_csv, write_xlsx
from mobility.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus
from mobility.learners.models import Learner, Sex
from mobility.mobilities.models import Direction, Mobility, MobilityStatus
from partners.accounts.access import get_access
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.directory.models import Organisation, OrganisationKind

#: Kinds of ``rows_for``: row-level data (needs the export capability) and anonymised statistics.
DATA_KINDS = ("learners", "organisations", "mobilities", "evaluations", "statistics")


# --- Formatting -------------------------------------------------------------------------------
def _yes_no() -> Callable[[Any], str]:
    yes, no = _("yes"), _("no")
    return lambda v: "" if v is None else (yes if v else no)


def _labels(choices: Any) -> Callable[[Any], str]:
    table = {value: str(label) for value, label in choices.choices}
    return lambda v: table.get(v, v or "")


@dataclass(frozen=True)
class Col:
    header: Any
    path: str
    #: Turns the database value into the cell ("yes"/"no", a label…); None keeps it as it is.
    formatter: Callable[[], Callable[[Any], Any]] | None = None


def _rows(qs: QuerySet, columns: Sequence[Col], *, chunk_size: int = 5_000) -> Iterator[list[Any]]:
    """The rows of ``qs`` as lists of cells, read with a server-side cursor (memory stays flat)."""
    formatters = [(i, c.formatter()) for i, c in enumerate(columns) if c.formatter]
    values = qs.values_list(*[c.path for c in columns]).iterator(chunk_size=chunk_size)
    if not formatters:
        for row in values:
            yield list(row)
        return
    for row in values:
        cells = list(row)
        for index, fmt in formatters:
            cells[index] = fmt(cells[index])
        yield cells


# --- Filters ----------------------------------------------------------------------------------
def int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value)) if value else None
    except ValueError:
        return None


def export_centres(user: Any, capability: Capability = Capability.EXPORT_DATA) -> frozenset[int]:
    """The centres whose data the user may export; PermissionDenied when there are none."""
    centres = get_access(user).centres_with(capability)
    if not centres:
        raise PermissionDenied("no centre to export from")
    return centres


def _scope(user: Any, filters: dict[str, Any], capability: Capability) -> frozenset[int]:
    centres = export_centres(user, capability)
    if filters.get("centres"):
        asked = {int_or_none(c) for c in filters["centres"]}
        if not asked <= centres:
            raise PermissionDenied("centres outside the user's export scope")
        centres = frozenset(asked)
    centre = int_or_none(filters.get("centre"))
    if centre is not None:
        if centre not in centres:
            raise PermissionDenied("centre outside the user's export scope")
        return frozenset({centre})
    return centres


# --- Kinds ------------------------------------------------------------------------------------
LEARNER_COLUMNS = (
    Col(gettext_lazy("National learner id"), "national_id"),
    Col(gettext_lazy("Last name"), "last_name"),
    Col(gettext_lazy("First name(s)"), "first_name"),
    Col(gettext_lazy("Date of birth"), "date_of_birth"),
    Col(gettext_lazy("Sex"), "sex"),
    Col(gettext_lazy("E-mail"), "email"),
    Col(gettext_lazy("Phone"), "phone"),
    Col(gettext_lazy("Nationality"), "nationality"),
    Col(gettext_lazy("Preferred language"), "preferred_language"),
    Col(gettext_lazy("Participant"), "kind", lambda: _labels(ParticipantKind)),
    Col(gettext_lazy("Qualification code"), "qualification__code"),
    Col(gettext_lazy("Trade"), "trade"),
    Col(gettext_lazy("Year of training"), "training_year"),
    Col(gettext_lazy("Position (staff)"), "position"),
    Col(gettext_lazy("Sending employer"), "employer__name"),
    Col(gettext_lazy("Employer SIRET or VAT number"), "employer__national_id"),
    Col(gettext_lazy("Employer city"), "employer__city"),
    Col(gettext_lazy("Fewer opportunities"), "fewer_opportunities", _yes_no),
    Col(gettext_lazy("Needs an adaptation"), "needs_adaptation", _yes_no),
    Col(gettext_lazy("Recent graduate"), "is_recent_graduate", _yes_no),
    Col(gettext_lazy("Guardian's name"), "guardian_name"),
    Col(gettext_lazy("Guardian's e-mail"), "guardian_email"),
    Col(gettext_lazy("Guardian's phone"), "guardian_phone"),
    Col(gettext_lazy("Training centre"), "centre__name"),
)

ORGANISATION_COLUMNS = (
    Col(gettext_lazy("Legal name"), "name"),
    Col(gettext_lazy("Usual name"), "short_name"),
    Col(gettext_lazy("Kind"), "kind", lambda: _labels(OrganisationKind)),
    Col(gettext_lazy("Country"), "country"),
    Col(gettext_lazy("City"), "city"),
    Col(gettext_lazy("Postcode"), "postcode"),
    Col(gettext_lazy("Address"), "address"),
    Col(gettext_lazy("Erasmus+ OID"), "oid"),
    Col(gettext_lazy("PIC"), "pic"),
    Col(gettext_lazy("National id or VAT number"), "national_id"),
    Col(gettext_lazy("Sector (NACE)"), "sector"),
    Col(gettext_lazy("Fewer than 250 staff"), "is_sme", _yes_no),
    Col(gettext_lazy("Website"), "website"),
    Col(gettext_lazy("Contact e-mail"), "email"),
    Col(gettext_lazy("Phone"), "phone"),
)

MOBILITY_COLUMNS = (
    Col(gettext_lazy("Reference"), "reference"),
    Col(gettext_lazy("Status"), "status", lambda: _labels(MobilityStatus)),
    Col(gettext_lazy("Training centre"), "centre__name"),
    Col(gettext_lazy("Participant's national id"), "participant__national_id"),
    Col(gettext_lazy("Last name"), "participant__last_name"),
    Col(gettext_lazy("First name(s)"), "participant__first_name"),
    Col(gettext_lazy("Participant's e-mail"), "participant__email"),
    Col(gettext_lazy("Activity"), "activity_type__code"),
    Col(gettext_lazy("Direction"), "direction", lambda: _labels(Direction)),
    Col(gettext_lazy("Grant agreement number"), "project__grant_agreement_number"),
    Col(gettext_lazy("Host organisation"), "host_organisation__name"),
    Col(gettext_lazy("Host organisation OID"), "host_organisation__oid"),
    Col(gettext_lazy("Host tutor's e-mail"), "host_tutor__email"),
    Col(gettext_lazy("Host city"), "host_city"),
    Col(gettext_lazy("Host country"), "host_country"),
    Col(gettext_lazy("Start date"), "planned_start"),
    Col(gettext_lazy("End date"), "planned_end"),
    Col(gettext_lazy("Actual start"), "actual_start"),
    Col(gettext_lazy("Actual end"), "actual_end"),
    Col(gettext_lazy("Travel days"), "travel_days"),
    Col(gettext_lazy("Green travel"), "green_travel", _yes_no),
    Col(gettext_lazy("Long-term activity"), "long_term", _yes_no),
    Col(gettext_lazy("Fewer opportunities"), "participant__fewer_opportunities", _yes_no),
    Col(gettext_lazy("Accompanying person"), "is_accompanying_person", _yes_no),
)

EVALUATION_COLUMNS = (
    Col(gettext_lazy("Mobility"), "mobility__reference"),
    Col(gettext_lazy("Last name"), "mobility__participant__last_name"),
    Col(gettext_lazy("First name(s)"), "mobility__participant__first_name"),
    Col(gettext_lazy("Host organisation"), "mobility__host_organisation__name"),
    Col(gettext_lazy("Kind"), "kind", lambda: _labels(EvaluationKind)),
    Col(gettext_lazy("Status"), "status", lambda: _labels(EvaluationStatus)),
    Col(gettext_lazy("Filled by"), "author_name"),
    Col(gettext_lazy("Submitted at"), "submitted_at", lambda: _local_datetime),
    Col(gettext_lazy("Present from"), "attended_from"),
    Col(gettext_lazy("Present until"), "attended_to"),
    Col(gettext_lazy("Days of absence"), "absence_days"),
    Col(gettext_lazy("Activities and tasks carried out"), "tasks_carried_out"),
    Col(gettext_lazy("Job-related skills"), "job_related_skills"),
    Col(gettext_lazy("Organisational and managerial skills"), "organisational_skills"),
    Col(gettext_lazy("Communication skills"), "communication_skills"),
    Col(gettext_lazy("Other skills"), "other_skills"),
    Col(gettext_lazy("Overall comment"), "overall_comment"),
)


def _local_datetime(value: Any) -> Any:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def mobility_queryset(user: Any, filters: dict[str, Any], capability: Capability) -> QuerySet[Mobility]:
    from mobility.mobilities.selectors import MobilityFilters, mobility_list_for_user

    centres = _scope(user, filters, capability)
    f = MobilityFilters(
        status=str(filters.get("status") or ""),
        country=str(filters.get("country") or ""),
        project_id=int_or_none(filters.get("project")),
        activity_type_id=int_or_none(filters.get("activity_type")),
        direction=str(filters.get("direction") or ""),
        starts_after=_date(filters.get("starts_after")),
        starts_before=_date(filters.get("starts_before")),
    )
    return (
        mobility_list_for_user(user=user, filters=f)
        .filter(centre_id__in=centres)
        .order_by("planned_start", "id")
    )


def learner_queryset(user: Any, filters: dict[str, Any]) -> QuerySet[Learner]:
    from mobility.learners.selectors import learner_list_for_user

    centres = _scope(user, filters, Capability.EXPORT_DATA)
    return (
        learner_list_for_user(user=user, kind=str(filters.get("kind") or ""))
        .filter(centre_id__in=centres)
        .order_by("centre_id", "last_name", "first_name", "id")
    )


def organisation_queryset(user: Any, filters: dict[str, Any]) -> QuerySet[Organisation]:
    """The shared directory of the user's networks (partners, host companies, employers)."""
    export_centres(user)
    access = get_access(user)
    qs = Organisation.objects.filter(network_id__in=access.network_ids).exclude(
        kind__in=[OrganisationKind.NETWORK, OrganisationKind.TRAINING_CENTRE]
    )
    if filters.get("org_kind"):
        qs = qs.filter(kind=filters["org_kind"])
    if filters.get("country"):
        qs = qs.filter(country=filters["country"])
    return qs.order_by("country", "name", "id")


def evaluation_queryset(user: Any, filters: dict[str, Any]) -> QuerySet[Evaluation]:
    centres = _scope(user, filters, Capability.EXPORT_DATA)
    qs = Evaluation.objects.filter(mobility__centre_id__in=centres)
    if filters.get("starts_after"):
        qs = qs.filter(mobility__planned_start__gte=_date(filters["starts_after"]))
    if filters.get("starts_before"):
        qs = qs.filter(mobility__planned_start__lte=_date(filters["starts_before"]))
    if int_or_none(filters.get("project")):
        qs = qs.filter(mobility__project_id=int_or_none(filters["project"]))
    return qs.order_by("mobility__planned_start", "mobility_id", "kind")


# --- Statistics without direct identifiers ----------------------------------------------------
AGE_BANDS = ((0, 16, "< 16"), (16, 18, "16–17"), (18, 21, "18–20"), (21, 26, "21–25"), (26, 200, "26+"))

DURATION_BANDS = (
    (0, 10, gettext_lazy("under 10 days")),
    (10, 30, gettext_lazy("10–29 days")),
    (30, 90, gettext_lazy("30–89 days")),
    (90, 180, gettext_lazy("90–179 days")),
    (180, 100_000, gettext_lazy("180 days and more")),
)


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return ""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((label for low, high, label in AGE_BANDS if low <= age < high), "")


def duration_days(start: date, end: date, interruption: int) -> int:
    return max(0, (end - start).days + 1 - (interruption or 0))


def duration_band(days: int) -> str:
    return next((str(label) for low, high, label in DURATION_BANDS if low <= days < high), "")


def pseudonym(learner_id: int) -> str:
    """A stable participant key that tells nothing about the person (keyed hash of the id)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"learner:{learner_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:12]


STATISTICS_HEADER = (
    gettext_lazy("Participant key"),
    gettext_lazy("Age band at departure"),
    gettext_lazy("Sex"),
    gettext_lazy("Nationality"),
    gettext_lazy("Fewer opportunities"),
    gettext_lazy("Participant"),
    gettext_lazy("EQF level"),
    gettext_lazy("Trade"),
    gettext_lazy("Training centre"),
    gettext_lazy("Activity"),
    gettext_lazy("Direction"),
    gettext_lazy("Host country"),
    gettext_lazy("Start (month)"),
    gettext_lazy("Duration (days)"),
    gettext_lazy("Duration band"),
    gettext_lazy("Status"),
)


def statistics_rows(qs: QuerySet[Mobility]) -> Iterator[list[Any]]:
    yes_no = _yes_no()
    sexes = _labels(Sex)
    kinds = _labels(ParticipantKind)
    directions = _labels(Direction)
    statuses = _labels(MobilityStatus)
    fields = (
        "participant_id", "participant__date_of_birth", "participant__sex", "participant__nationality",
        "participant__fewer_opportunities", "participant__kind", "participant__qualification__eqf_level",
        "participant__trade", "centre__name", "activity_type__code", "direction", "host_country",
        "planned_start", "planned_end", "actual_start", "actual_end", "interruption_days", "status",
    )  # fmt: skip
    for row in qs.values_list(*fields).iterator(chunk_size=5_000):
        (learner, born, sex, nationality, fewer, kind, eqf, trade, centre, activity, direction, country,
         p_start, p_end, a_start, a_end, interruption, status) = row  # fmt: skip
        start, end = a_start or p_start, a_end or p_end
        days = duration_days(start, end, interruption)
        yield [
            pseudonym(learner), age_band(born, start), sexes(sex) if sex else "", nationality, yes_no(fewer),
            kinds(kind), eqf, trade, centre, activity, directions(direction), country, start.strftime("%Y-%m"),
            days, duration_band(days), statuses(status),
        ]  # fmt: skip


# --- The entry point of every export path ----------------------------------------------------
def rows_for(kind: str, user: Any, filters: dict[str, Any] | None = None) -> Rows:
    """The rows of an export of ``kind`` that ``user`` may take, as the one writer expects them.

    Raises PermissionDenied when the user may export nothing (or asks for a centre outside their
    scope), ValueError for an unknown kind.
    """
    filters = filters or {}
    if kind == "learners":
        qs, columns, title = learner_queryset(user, filters), LEARNER_COLUMNS, _("Learners")
    elif kind == "organisations":
        qs, columns, title = organisation_queryset(user, filters), ORGANISATION_COLUMNS, _("Organisations")
    elif kind == "mobilities":
        qs = mobility_queryset(user, filters, Capability.EXPORT_DATA)
        columns, title = MOBILITY_COLUMNS, _("Mobilities")
    elif kind == "evaluations":
        qs, columns, title = evaluation_queryset(user, filters), EVALUATION_COLUMNS, _("Evaluations")
    elif kind == "statistics":
        qs = mobility_queryset(user, filters, Capability.VIEW_REPORTS).exclude(
            status__in=[MobilityStatus.DRAFT, MobilityStatus.CANCELLED]
        )
        return Rows(
            title=_("Mobilities (anonymised)"),
            header=[str(h) for h in STATISTICS_HEADER],
            rows=statistics_rows(qs),
            expected=None,
        )
    else:
        raise ValueError(f"unknown export kind {kind!r}")
    return Rows(title=title, header=[str(c.header) for c in columns], rows=_rows(qs, columns))


def count_for(kind: str, user: Any, filters: dict[str, Any] | None = None) -> int:
    filters = filters or {}
    qs = {
        "learners": lambda: learner_queryset(user, filters),
        "organisations": lambda: organisation_queryset(user, filters),
        "mobilities": lambda: mobility_queryset(user, filters, Capability.EXPORT_DATA),
        "evaluations": lambda: evaluation_queryset(user, filters),
        "statistics": lambda: mobility_queryset(user, filters, Capability.VIEW_REPORTS),
    }[kind]()
    return qs.count()


def write_rows(rows: Rows | list[Rows], file_format: str, out: Any, *, delimiter: str = ",") -> int:
    """CSV (first sheet only) or XLSX (every sheet), through the neutralising writer."""
    if file_format == FileFormat.CSV:
        first = rows[0] if isinstance(rows, list) else rows
        return write_csv(first, out, delimiter=delimiter)
    return write_xlsx(rows, out)


def export_job_download_record(*, job: ExportJob, user: User, via: str, request: HttpRequest | None) -> None:
    """Each download of an export file is audited: the file may be taken more than once."""
    audit_record(
        action="export.download",
        actor=user,
        target=job,
        centre_id=int_or_none(job.params.get("centre")),
        data={**audit_data(job), "via": via},
        request=request,
    )


def audit_data(job: ExportJob) -> dict[str, Any]:
    filters = {k: v for k, v in job.params.items() if k in AUDITED_FILTERS and v not in (None, "")}
    return {
        "kind": job.kind,
        "format": job.file_format,
        "rows": job.row_count,
        "scope": job.scope_label,
        **filters,
    }


#: Filters copied into the audit entry of an export (never personal data).
AUDITED_FILTERS = (
    "centre",
    "starts_after",
    "starts_before",
    "status",
    "direction",
    "project",
    "scope",
    "start",
    "end",
)
