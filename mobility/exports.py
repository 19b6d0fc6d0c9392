"""Exports: which rows a user may take away, and the jobs that write them to CSV or XLSX.

Every export path — the export pages, the report downloads, the admin, the command line and the
API — builds its rows with ``rows_for`` (scoped to the centres where the user holds the export
capability) and writes them with ``mobility.spreadsheets.write_csv`` / ``write_xlsx``, the one
writer that neutralises spreadsheet formulas. The API, for instance::

    from mobility.exports import rows_for, csv_chunks
    rows = rows_for("mobilities", request.user, {"centre": 12, "starts_after": "2025-09-01"})
    return StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")

Rows are read with a server-side cursor and written as they come: memory stays flat however many
there are.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.access import get_access
from partners.audit import audit_record
from partners.models import Organisation, OrganisationKind, User
from partners.roles import Capability

from .data_budget import export_budget_check
from .models import (
    Direction,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    ExportJob,
    ExportKind,
    ExportStatus,
    FileFormat,
    ImportBatch,
    ImportStatus,
    Learner,
    Mobility,
    MobilityStatus,
    ParticipantKind,
    Sex,
)
from .spreadsheets import Rows, csv_chunks, neutralise, write_csv, write_xlsx

__all__ = [
    "Rows",
    "csv_chunks",
    "export_job_request",
    "export_job_run",
    "neutralise",
    "rows_for",
    "write_csv",
    "write_xlsx",
]

logger = logging.getLogger(__name__)

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
def _int(value: Any) -> int | None:
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
        asked = {_int(c) for c in filters["centres"]}
        if not asked <= centres:
            raise PermissionDenied("centres outside the user's export scope")
        centres = frozenset(asked)
    centre = _int(filters.get("centre"))
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
    from .selectors import MobilityFilters, mobility_list_for_user

    centres = _scope(user, filters, capability)
    f = MobilityFilters(
        status=str(filters.get("status") or ""),
        country=str(filters.get("country") or ""),
        project_id=_int(filters.get("project")),
        activity_type_id=_int(filters.get("activity_type")),
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
    from .selectors import learner_list_for_user

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
    if _int(filters.get("project")):
        qs = qs.filter(mobility__project_id=_int(filters["project"]))
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


# --- Export jobs ------------------------------------------------------------------------------
def inline_max_rows() -> int:
    return int(getattr(settings, "EXPORT_INLINE_MAX_ROWS", 2_000))


def _progress_key(job_id: int) -> str:
    return f"data:export:{job_id}:progress"


def export_progress(job_id: int) -> int | None:
    try:
        return cache.get(_progress_key(job_id))
    except Exception:
        return None


def _set_progress(job_id: int, done: int) -> None:
    try:
        cache.set(_progress_key(job_id), done, 3600)
    except Exception:
        logger.warning("could not record export progress", exc_info=True)


def export_job_request(
    *,
    user: User,
    kind: str,
    file_format: str,
    params: dict[str, Any],
    scope_label: str = "",
    request: HttpRequest | None = None,
) -> ExportJob:
    """Records an export; writes it at once when small, otherwise hands it to a worker."""
    export_budget_check(user=user, request=request)  # one export's worth of the hour's budget
    if kind in DATA_KINDS:
        if file_format not in (FileFormat.CSV, FileFormat.XLSX):
            raise ValidationError({"file_format": _("Choose CSV or XLSX.")})
        expected = count_for(kind, user, params)  # also checks the scope: PermissionDenied
    else:
        expected = None
    job = ExportJob.objects.create(
        kind=kind,
        file_format=file_format,
        params=params,
        scope_label=scope_label[:300],
        created_by=user,
        row_count=expected,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    inline = kind in DATA_KINDS and expected is not None and expected <= inline_max_rows()
    if kind in (ExportKind.REPORT, ExportKind.ERASMUS) and file_format != FileFormat.PDF:
        inline = True  # a few summary tables or one project's mobilities: written at once
    if inline:
        export_job_run(job_id=job.pk, request=request)
        job.refresh_from_db()
    else:
        _publish(job)
    return job


def _publish(job: ExportJob) -> None:
    from .imports.tasks import export_run

    job_id = job.pk

    def send() -> None:
        try:
            export_run.apply_async(args=[job_id], retry=False)
            ExportJob.objects.filter(pk=job_id).update(published_at=timezone.now())
        except Exception:
            logger.warning("could not publish export %s; the sweeper will", job_id, exc_info=True)

    transaction.on_commit(send)


def _file_name(job: ExportJob) -> str:
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    base = {
        ExportKind.LEARNERS: "learners",
        ExportKind.ORGANISATIONS: "organisations",
        ExportKind.MOBILITIES: "mobilities",
        ExportKind.EVALUATIONS: "evaluations",
        ExportKind.STATISTICS: "mobility-statistics",
        ExportKind.REPORT: "activity-report",
        ExportKind.ERASMUS: "erasmus-beneficiary-module",
    }.get(job.kind, "export")
    return f"{base}-{stamp}.{job.file_format}"


def write_rows(rows: Rows | list[Rows], file_format: str, out: Any, *, delimiter: str = ",") -> int:
    """CSV (first sheet only) or XLSX (every sheet), through the neutralising writer."""
    if file_format == FileFormat.CSV:
        first = rows[0] if isinstance(rows, list) else rows
        return write_csv(first, out, delimiter=delimiter)
    return write_xlsx(rows, out)


def export_job_run(*, job_id: int, request: HttpRequest | None = None) -> None:
    """Writes the file of an export job. Idempotent: a finished job is left alone."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportStatus.REQUESTED, ExportStatus.RUNNING]
    ).update(status=ExportStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    try:
        with translation.override(job.language), tempfile.TemporaryFile() as handle:
            count = _write_job(job, handle)
            handle.seek(0)
            name = _file_name(job)
            old = job.file.name
            job.file.save(name, File(handle), save=False)
            job.file_name = name
            job.size = job.file.size
            job.row_count = count
            job.status = ExportStatus.READY
            job.finished_at = timezone.now()
            job.error = ""
            job.save(
                update_fields=["file", "file_name", "size", "row_count", "status", "finished_at", "error"]
            )
            if old and old != job.file.name:
                job.file.storage.delete(old)
    except Exception as exc:
        logger.exception("export %s failed", job_id)
        with translation.override(job.language):
            message = (
                str(exc)
                if isinstance(exc, ValidationError | PermissionDenied)
                else _("The export failed (%(error)s). Try again; if it fails again, tell an administrator.")
                % {"error": exc.__class__.__name__}
            )
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        return
    audit_record(
        action="data.export",
        actor=job.created_by,
        target=job,
        centre_id=_int(job.params.get("centre")),
        data=_audit_data(job),
        request=request,
    )


def export_job_download_record(*, job: ExportJob, user: User, via: str, request: HttpRequest | None) -> None:
    """Each download of an export file is audited: the file may be taken more than once."""
    audit_record(
        action="export.download",
        actor=user,
        target=job,
        centre_id=_int(job.params.get("centre")),
        data={**_audit_data(job), "via": via},
        request=request,
    )


def _audit_data(job: ExportJob) -> dict[str, Any]:
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


def _write_job(job: ExportJob, handle: Any) -> int:
    user = job.created_by
    if job.kind in DATA_KINDS:
        rows = rows_for(job.kind, user, job.params)
        rows.on_progress = lambda done: _set_progress(job.pk, done)
        delimiter = job.params.get("delimiter") or ","
        return write_rows(rows, job.file_format, handle, delimiter=delimiter if delimiter in ",;\t" else ",")
    if job.kind == ExportKind.REPORT:
        from .reports import report_write

        return report_write(job=job, out=handle)
    if job.kind == ExportKind.ERASMUS:
        from .reporting import erasmus_write

        return erasmus_write(job=job, out=handle)
    raise ValueError(f"unknown export kind {job.kind!r}")


def export_job_retry(*, job: ExportJob, user: User) -> ExportJob:
    if job.created_by_id != user.pk:
        raise PermissionDenied("not the owner of this export")
    if job.status != ExportStatus.FAILED:
        raise ValidationError(_("Only a failed export can be tried again."))
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.REQUESTED, error="", attempts=0)
    job.refresh_from_db()
    _publish(job)
    return job


def export_jobs_for_user(*, user: Any) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(created_by_id=getattr(user, "pk", None)).order_by("-created_at", "-id")


def export_job_get_for_user(*, user: Any, pk: Any) -> ExportJob:
    """An export is its requester's alone; anyone else's (or none) is a 404."""
    from django.http import Http404

    try:
        return export_jobs_for_user(user=user).get(pk=int(pk))
    except (ExportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Housekeeping -----------------------------------------------------------------------------
#: A job not picked up after this long is published again (the broker may have been away).
STALE_AFTER = timedelta(minutes=5)
#: A job "running" this long lost its worker.
LOST_AFTER = timedelta(minutes=30)
MAX_ATTEMPTS = 3


def data_jobs_republish_stale(*, now: Any = None) -> int:
    """Re-publishes imports and exports that no worker picked up (broker down, worker killed)."""
    from .imports.services import _publish as publish_import

    now = now or timezone.now()
    count = 0
    for job in ExportJob.objects.filter(
        Q(status=ExportStatus.REQUESTED, created_at__lt=now - STALE_AFTER)
        | Q(status=ExportStatus.RUNNING, started_at__lt=now - LOST_AFTER),
        attempts__lt=MAX_ATTEMPTS,
    ).exclude(published_at__gt=now - STALE_AFTER):
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.REQUESTED)
        with transaction.atomic():
            _publish(job)
        count += 1
    for batch in ImportBatch.objects.filter(
        status__in=[ImportStatus.PREVIEWING, ImportStatus.CONFIRMED], updated_at__lt=now - STALE_AFTER
    ).exclude(published_at__gt=now - STALE_AFTER):
        with transaction.atomic():
            publish_import(batch, "preview" if batch.status == ImportStatus.PREVIEWING else "apply")
        count += 1
    return count


def data_files_purge(*, now: Any = None) -> int:
    """Deletes export files and uploaded import files after the retention period (they hold personal data)."""
    now = now or timezone.now()
    limit = now - timedelta(days=int(getattr(settings, "DATA_FILES_KEEP_DAYS", 7)))
    count = 0
    for job in ExportJob.objects.filter(created_at__lt=limit).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    for batch in ImportBatch.objects.filter(created_at__lt=limit).exclude(file=""):
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="", report={})
        count += 1
    return count
