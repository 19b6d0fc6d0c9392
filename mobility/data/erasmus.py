"""The Erasmus+ Beneficiary Module file: a project's mobilities as the Module imports them.

The Module's template changes between releases, so which column holds what is data
(``ErasmusMapping`` and its columns, editable in the admin, one of them the default). Before the
file is written, the mobilities the Module would reject are listed with the reason (no OID, dates
outside the project, a duration outside the activity's bounds, a required column empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from mobility.data.exports.rows import duration_days
from mobility.data.models import ErasmusColumn, ErasmusMapping, ExportJob
from mobility.data.spreadsheets import Rows
from mobility.learners.models import Sex
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.projects.models import Project
from partners.accounts.access import get_access
from partners.accounts.roles import Capability

#: The default mapping: the Beneficiary Module's mobility activity import template, KA1 (header,
#: what fills it, required, the rows that carry it). Every row carries the three keys the Module
#: requires (Data type, Grant Agreement No., Mobility activity ID); a mobility's row is followed by
#: its itinerary sub-row and its certification sub-rows (at most 3), each with its own required fields.
ALL_ROWS = "mobility,itinerary,certification"
DEFAULT_COLUMNS: tuple[tuple[str, str, bool, str], ...] = (
    ("Data type", "data_type", True, ALL_ROWS),
    ("Grant Agreement No.", "grant_agreement_number", True, ALL_ROWS),
    ("Mobility activity ID", "mobility_activity_id", True, ALL_ROWS),
    ("Activity type", "activity_type", True, "mobility"),
    ("Long-term activity", "long_term", False, "mobility"),
    ("Participant ID", "participant_id", True, "mobility"),
    ("Participant first name(s)", "first_name", True, "mobility"),
    ("Participant last name(s)", "last_name", True, "mobility"),
    ("Participant e-mail", "email", False, "mobility"),
    ("Participant gender", "gender", False, "mobility"),
    ("Participant date of birth", "date_of_birth", True, "mobility"),
    ("Participant nationality", "nationality", True, "mobility"),
    ("Participant with fewer opportunities", "fewer_opportunities", True, "mobility"),
    ("Accompanying person", "accompanying_person", True, "mobility"),
    ("Recent graduate", "recent_graduate", False, "mobility"),
    ("Field of education", "field_of_education", False, "mobility"),
    ("Education level (EQF)", "qualification_eqf", False, "mobility"),
    ("Sending organisation OID", "sending_organisation_oid", True, "mobility"),
    ("Sending country", "sending_country", True, "mobility"),
    ("Start date", "start_date", True, "mobility"),
    ("End date", "end_date", True, "mobility"),
    ("Interruption days", "interruption_days", False, "mobility"),
    ("Force majeure", "force_majeure", False, "mobility"),
    ("Force majeure explanation", "force_majeure_explanation", False, "mobility"),
    ("Main language of the activity", "main_language", False, "mobility"),
    ("Receiving organisation OID", "receiving_organisation_oid", True, "itinerary"),
    ("Receiving country", "receiving_country", True, "itinerary"),
    ("Receiving city", "receiving_city", True, "itinerary"),
    ("Travel days", "travel_days", False, "itinerary"),
    ("Green travel", "green_travel", False, "itinerary"),
    ("Distance band", "distance_band", False, "itinerary"),
    ("Funded duration including travel days (in days)", "funded_duration", True, "itinerary"),
    ("Certifying organisation", "certifying_organisation", True, "certification"),
    ("Certification type", "certification_type", True, "certification"),
    # the grant, from the participant's grant agreement (``mobility.funding``, registered at start)
    ("Travel grant", "travel", False, "mobility"),
    ("Individual support grant", "individual_support", False, "mobility"),
    ("Organisational support grant", "organisational_support", False, "mobility"),
    ("Inclusion support grant", "inclusion_support", False, "mobility"),
    ("Exceptional costs grant", "exceptional_costs", False, "mobility"),
    ("Zero grant", "zero_grant", False, "mobility"),
)
#: The Module refuses a mobility with more certifications than this.
MAX_CERTIFICATIONS = 3

#: Headers of older templates, recognised when a template is uploaded (lower case).
HEADER_ALIASES = {
    "project code": "grant_agreement_number",
    "mobility id": "mobility_activity_id",
    "participant last name": "last_name",
    "participant email": "email",
    "funded duration incl. travel days": "funded_duration",
    "certification 1 type": "certification_type",
}

#: Sources added by other parts of the platform: ``{source: lambda mapping: getter(mobility)}``.
EXTRA_SOURCES: dict[str, Callable[[ErasmusMapping], Callable[[Mobility], Any]]] = {}

#: Values other parts of the platform give for a whole file at once (one query for all its
#: mobilities): ``provider(mobilities) -> {mobility id: {source: value}}``. A ``bool`` is written
#: as the mapping's yes/no, ``None`` as an empty cell.
BATCH_SOURCES: list[Callable[[list[Mobility]], dict[int, dict[str, Any]]]] = []


def erasmus_values_register(provider: Callable[[list[Mobility]], dict[int, dict[str, Any]]]) -> None:
    if provider not in BATCH_SOURCES:
        BATCH_SOURCES.append(provider)


def _batch_values(mobilities: list[Mobility], mapping: ErasmusMapping) -> dict[int, dict[str, Any]]:
    """The registered providers' values for these mobilities, written as the mapping writes them."""
    values: dict[int, dict[str, Any]] = {m.pk: {} for m in mobilities}
    if not mobilities:
        return values
    for provider in BATCH_SOURCES:
        for pk, row in provider(mobilities).items():
            values.setdefault(pk, {}).update(
                {
                    key: (mapping.yes_value if value else mapping.no_value)
                    if isinstance(value, bool)
                    else ("" if value is None else value)
                    for key, value in row.items()
                }
            )
    return values


GENDERS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Undefined"}

#: How the pre-check names a row.
ROW_LABELS = {
    "mobility": lambda: _("Mobility"),
    "itinerary": lambda: _("Itinerary"),
    "certification": lambda: _("Certification"),
}

#: Sources whose emptiness a pre-check rule already explains in words.
CHECKED_BY_RULES = frozenset({"activity_type", "sending_organisation_oid", "receiving_organisation_oid"})

#: Mobilities that are not part of the file: not under way, or not happening.
NOT_REPORTED = (MobilityStatus.DRAFT, MobilityStatus.CANCELLED)


@transaction.atomic
def erasmus_default_mapping() -> ErasmusMapping:
    """The default mapping, created with the Module's current columns the first time it is needed."""
    mapping = ErasmusMapping.objects.filter(is_default=True).prefetch_related("columns").first()
    if mapping is not None:
        return mapping
    mapping = ErasmusMapping.objects.create(
        name="Beneficiary Module — mobility activities (KA1)",
        release="2025",
        is_default=True,
        notes="Columns of the mobility activity import template, with its itinerary and certification "
        "sub-rows. Upload the Module's new empty template to map a new release.",
    )
    ErasmusColumn.objects.bulk_create(
        ErasmusColumn(
            mapping=mapping, order=index * 10, header=header, source=source, required=required, rows=rows
        )
        for index, (header, source, required, rows) in enumerate(DEFAULT_COLUMNS)
    )
    return ErasmusMapping.objects.prefetch_related("columns").get(pk=mapping.pk)


def erasmus_mapping_for(pk: Any = None) -> ErasmusMapping:
    if pk:
        found = ErasmusMapping.objects.filter(pk=pk).prefetch_related("columns").first()
        if found is not None:
            return found
    return erasmus_default_mapping()


# --- Values -----------------------------------------------------------------------------------
def _sources(mapping: ErasmusMapping, *, date_cells: bool = False) -> dict[str, Callable[[Mobility], Any]]:
    """What fills each source; ``date_cells``: dates stay dates (XLSX date cells), else text."""
    yes, no = mapping.yes_value, mapping.no_value

    def flag(value: Any) -> str:
        return yes if value else no

    def day(value: Any) -> Any:
        if not value:
            return ""
        return value if date_cells else value.strftime(mapping.date_format)

    def country(code: Any) -> str:
        code = str(code or "")
        if mapping.country_format == "name" and code:
            return str(countries.name(code))  # English: the file is written with the language set to en
        return code

    return {
        "empty": lambda m: "",
        "grant_agreement_number": lambda m: m.project.grant_agreement_number if m.project_id else "",
        "mobility_activity_id": lambda m: m.reference,
        "activity_type": lambda m: m.activity_type.erasmus_code,
        "long_term": lambda m: flag(m.long_term),
        "force_majeure": lambda m: flag(m.force_majeure),
        "force_majeure_explanation": lambda m: m.status_reason if m.force_majeure else "",
        "blended": lambda m: no,
        "participant_id": lambda m: m.participant.national_id or f"P{m.participant_id}",
        "first_name": lambda m: m.participant.first_name,
        "last_name": lambda m: m.participant.last_name,
        "email": lambda m: m.participant.email,
        "gender": lambda m: GENDERS.get(m.participant.sex, ""),
        "date_of_birth": lambda m: day(m.participant.date_of_birth),
        "nationality": lambda m: country(m.participant.nationality),
        "fewer_opportunities": lambda m: flag(m.participant.fewer_opportunities),
        "accompanying_person": lambda m: flag(m.is_accompanying_person),
        "recent_graduate": lambda m: flag(m.participant.is_recent_graduate),
        "sending_organisation_oid": lambda m: m.sending_organisation.oid,
        "sending_organisation_name": lambda m: m.sending_organisation.name,
        "sending_country": lambda m: country(m.sending_organisation.country),
        "receiving_organisation_oid": lambda m: m.host_organisation.oid if m.host_organisation_id else "",
        "receiving_organisation_pic": lambda m: m.host_organisation.pic if m.host_organisation_id else "",
        "receiving_organisation_name": lambda m: m.host_organisation.name if m.host_organisation_id else "",
        "receiving_country": lambda m: country(m.host_country),
        "receiving_city": lambda m: m.host_city,
        "start_date": lambda m: day(m.start),
        "end_date": lambda m: day(m.end),
        "duration_days": lambda m: m.duration_days,
        "interruption_days": lambda m: m.interruption_days,
        "funded_duration": lambda m: m.funded_days,
        "travel_days": lambda m: m.travel_days,
        "green_travel": lambda m: flag(m.green_travel),
        "distance_band": lambda m: m.distance_band,
        "main_language": lambda m: (m.main_language or "").upper(),
        "qualification_eqf": lambda m: (
            m.participant.qualification.eqf_level if m.participant.qualification_id else ""
        ),
        "field_of_education": lambda m: (
            m.participant.qualification.isced_f if m.participant.qualification_id else ""
        ),
        # filled on certification sub-rows (``_subrows``)
        "certification_type": lambda m: "",
        "certifying_organisation": lambda m: "",
        "data_type": lambda m: mapping.data_type_mobility,
        **{key: make(mapping) for key, make in EXTRA_SOURCES.items()},
    }


def certifications(mobility: Mobility) -> list[dict[str, str]]:
    """The mobility's certifications as the Module records them: type and certifying organisation."""
    if mobility.status != MobilityStatus.CERTIFIED:
        return []
    return [
        {
            "certification_type": "Europass Mobility",
            "certifying_organisation": mobility.sending_organisation.oid,
        }
    ]


def _rows_of(
    mobility: Mobility, mapping: ErasmusMapping, batch: dict[int, dict[str, Any]] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The mobility's row and its sub-rows: (kind, values that only this row carries)."""
    carried = set().union(*(column.row_kinds for column in mapping.columns.all()))
    rows: list[tuple[str, dict[str, Any]]] = [("mobility", dict((batch or {}).get(mobility.pk, {})))]
    if "itinerary" in carried:
        rows.append(("itinerary", {"data_type": mapping.data_type_itinerary}))
    if "certification" in carried:
        for certification in certifications(mobility):
            rows.append(("certification", {"data_type": mapping.data_type_certification, **certification}))
    return rows


def _value(
    column: ErasmusColumn,
    mobility: Mobility,
    sources: dict[str, Callable[[Mobility], Any]],
    kind: str = "mobility",
    own: dict[str, Any] | None = None,
) -> Any:
    if kind not in column.row_kinds:
        return ""
    if column.source == "constant":
        return column.constant
    if own and column.source in own:
        return own[column.source]
    getter = sources.get(column.source)
    return getter(mobility) if getter else ""


# --- Pre-check --------------------------------------------------------------------------------
@dataclass
class ErasmusCheck:
    project: Project
    mapping: ErasmusMapping
    valid: list[Mobility] = field(default_factory=list)
    rejected: list[tuple[Mobility, list[str]]] = field(default_factory=list)
    not_reported: int = 0


def erasmus_mobilities(*, user: Any, project: Project) -> list[Mobility]:
    """The project's mobilities the user may export (their centres holding the export capability)."""
    from mobility.mobilities.selectors import MobilityFilters, mobility_list_for_user

    centres = get_access(user).centres_with(Capability.EXPORT_DATA)
    if not centres:
        raise PermissionDenied("no centre to export from")
    return list(
        mobility_list_for_user(user=user, filters=MobilityFilters(project_id=project.pk))
        .filter(centre_id__in=centres)
        .select_related("sending_organisation", "participant__qualification")
        .order_by("planned_start", "participant__last_name", "id")
    )


def erasmus_check(*, user: Any, project: Project, mapping: ErasmusMapping | None = None) -> ErasmusCheck:
    """Sorts the project's mobilities into those the Module takes and those it would reject, and why."""
    mapping = mapping or erasmus_default_mapping()
    result = ErasmusCheck(project=project, mapping=mapping)
    sources = _sources(mapping)
    columns = list(mapping.columns.all())
    mobilities = erasmus_mobilities(user=user, project=project)
    batch = _batch_values([m for m in mobilities if m.status not in NOT_REPORTED], mapping)
    for mobility in mobilities:
        if mobility.status in NOT_REPORTED:
            result.not_reported += 1
            continue
        reasons = _problems(mobility, project)
        subrows = _rows_of(mobility, mapping, batch)
        if sum(1 for kind, _own in subrows if kind == "certification") > MAX_CERTIFICATIONS:
            reasons.append(_("More than %(max)s certifications.") % {"max": MAX_CERTIFICATIONS})
        for kind, own in subrows:
            for column in columns:
                if column.source in CHECKED_BY_RULES or not column.required or kind not in column.row_kinds:
                    continue  # a rule above already explains it in words, or the row does not carry it
                if _value(column, mobility, sources, kind, own) in ("", None):
                    reasons.append(
                        _("%(row)s row: “%(column)s” is empty.")
                        % {"row": ROW_LABELS[kind](), "column": column.header}
                    )
        if reasons:
            result.rejected.append((mobility, list(dict.fromkeys(reasons))))
        else:
            result.valid.append(mobility)
    return result


def _problems(mobility: Mobility, project: Project) -> list[str]:
    reasons: list[str] = []
    activity = mobility.activity_type
    if not activity.is_erasmus or not activity.erasmus_code:
        reasons.append(
            _("“%(activity)s” is not an Erasmus+ activity: it has no Beneficiary Module code.")
            % {"activity": activity.label}
        )
    if not mobility.sending_organisation.oid:
        reasons.append(
            _("The sending organisation %(name)s has no OID.")
            % {"name": mobility.sending_organisation.display_name}
        )
    if mobility.host_organisation_id is None:
        reasons.append(_("No receiving organisation."))
    elif not mobility.host_organisation.oid:
        reasons.append(
            _("The receiving organisation %(name)s has no OID.")
            % {"name": mobility.host_organisation.display_name}
        )
    if mobility.start < project.start_date or mobility.end > project.end_date:
        reasons.append(
            _("The dates (%(start)s – %(end)s) fall outside the project (%(pstart)s – %(pend)s).")
            % {
                "start": mobility.start.strftime("%d/%m/%Y"),
                "end": mobility.end.strftime("%d/%m/%Y"),
                "pstart": project.start_date.strftime("%d/%m/%Y"),
                "pend": project.end_date.strftime("%d/%m/%Y"),
            }
        )
    days = duration_days(mobility.start, mobility.end, mobility.interruption_days)
    bounded = not mobility.is_accompanying_person
    if bounded and activity.min_days and days < activity.min_days:
        reasons.append(
            _("%(days)s days: %(activity)s lasts at least %(min)s days (travel excluded).")
            % {"days": days, "activity": activity.label, "min": activity.min_days}
        )
    if activity.max_days and days > activity.max_days:
        reasons.append(
            _("%(days)s days: %(activity)s lasts at most %(max)s days (travel excluded).")
            % {"days": days, "activity": activity.label, "max": activity.max_days}
        )
    return reasons


def erasmus_rows(check: ErasmusCheck, *, date_cells: bool = False) -> Rows:
    """The file's rows: each valid mobility's row followed by its sub-rows."""
    sources = _sources(check.mapping, date_cells=date_cells)
    columns = list(check.mapping.columns.all())
    batch = _batch_values(check.valid, check.mapping)
    rows = [
        [_value(c, m, sources, kind, own) for c in columns]
        for m in check.valid
        for kind, own in _rows_of(m, check.mapping, batch)
    ]
    return Rows(title="Mobilities", header=[c.header for c in columns], rows=iter(rows), expected=len(rows))


def erasmus_write(*, job: ExportJob, out: Any) -> int:
    """The export job's file: the valid mobilities, in the mapping's columns (CSV or XLSX)."""
    from django.utils import translation

    from mobility.data.spreadsheets import write_csv, write_xlsx
    from mobility.projects.selectors import project_get_for_user

    project = project_get_for_user(user=job.created_by, pk=job.params.get("project"))
    mapping = erasmus_mapping_for(job.params.get("mapping"))
    with translation.override("en"):
        check = erasmus_check(user=job.created_by, project=project, mapping=mapping)
        rows = erasmus_rows(check, date_cells=job.file_format != "csv")
        if job.file_format == "csv":
            return write_csv(rows, out, delimiter=mapping.delimiter or ";")
        return write_xlsx(rows, out)


# --- A new template ---------------------------------------------------------------------------
def _known_headers() -> dict[str, tuple[str, bool, str]]:
    from mobility.data.imports.parsing import normalise_header

    known = {
        normalise_header(header): (source, required, rows)
        for header, source, required, rows in DEFAULT_COLUMNS
    }
    for alias, source in HEADER_ALIASES.items():
        known.setdefault(normalise_header(alias), (source, False, "mobility"))
    return known


@transaction.atomic
def erasmus_mapping_from_template(
    *, upload: Any, name: str, release: str = ""
) -> tuple[ErasmusMapping, list[str]]:
    """A mapping made from the empty template the Module exports: its headers, in its order.

    Known headers (the current template's, older names) get their source; a header ending in
    "*" is required. Returns the mapping and the headers left to map by hand (filled empty).
    """
    from django.core.exceptions import ValidationError

    from mobility.data.imports.limits import check_spreadsheet
    from mobility.data.imports.parsing import normalise_header, read_table

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the mapping a name.")})
    checked = check_spreadsheet(upload)
    upload.seek(0)
    table = read_table(upload, checked.file_format)
    headers = [str(h or "").strip() for h in table.header]
    if not any(headers):
        raise ValidationError({"template": _("The file has no header row.")})
    known = _known_headers()
    columns, unmatched = [], []
    for index, header in enumerate(headers):
        if not header:
            continue
        clean = header.rstrip("*").strip()
        source, required, rows = known.get(normalise_header(clean), ("empty", False, "mobility"))
        if source == "empty":
            unmatched.append(clean)
        columns.append(
            ErasmusColumn(
                order=index * 10,
                header=clean,
                source=source,
                required=required or header.endswith("*"),
                rows=rows,
            )
        )
    mapping = ErasmusMapping.objects.create(
        name=name[:120],
        release=(release or "")[:60],
        notes=_("Made from the template %(file)s.") % {"file": checked.safe_name},
    )
    for column in columns:
        column.mapping = mapping
    ErasmusColumn.objects.bulk_create(columns)
    return mapping, unmatched
