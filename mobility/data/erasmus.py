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

#: The default mapping: the Beneficiary Module's mobility import columns (vocabulary of REFERENCE.md).
DEFAULT_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("Project Code", "grant_agreement_number", True),
    ("Mobility ID", "mobility_activity_id", True),
    ("Activity Type", "activity_type", True),
    ("Long-term Activity", "long_term", False),
    ("Participant ID", "participant_id", True),
    ("Participant First Name(s)", "first_name", True),
    ("Participant Last Name", "last_name", True),
    ("Participant Email", "email", False),
    ("Participant Gender", "gender", False),
    ("Participant Date of Birth", "date_of_birth", True),
    ("Participant Nationality", "nationality", True),
    ("Participant with Fewer Opportunities", "fewer_opportunities", True),
    ("Accompanying Person", "accompanying_person", True),
    ("Recent Graduate", "recent_graduate", False),
    ("Sending Organisation OID", "sending_organisation_oid", True),
    ("Sending Country", "sending_country", True),
    ("Receiving Organisation OID", "receiving_organisation_oid", True),
    ("Receiving Country", "receiving_country", True),
    ("Receiving City", "receiving_city", True),
    ("Start Date", "start_date", True),
    ("End Date", "end_date", True),
    ("Interruption Days", "interruption_days", False),
    ("Travel Days", "travel_days", False),
    ("Funded Duration incl. Travel Days", "funded_duration", False),
    ("Green Travel", "green_travel", False),
    ("Distance Band", "distance_band", False),
    ("Force Majeure", "force_majeure", False),
    ("Force Majeure Explanation", "force_majeure_explanation", False),
    ("Main Language of the Activity", "main_language", False),
    ("Certification 1 Type", "certification_type", False),
)

GENDERS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Undefined"}

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
        name="Beneficiary Module — mobilities",
        release="2024",
        is_default=True,
        notes="Columns of the mobility import template. Edit them when the Module changes its template.",
    )
    ErasmusColumn.objects.bulk_create(
        ErasmusColumn(mapping=mapping, order=index * 10, header=header, source=source, required=required)
        for index, (header, source, required) in enumerate(DEFAULT_COLUMNS)
    )
    return ErasmusMapping.objects.prefetch_related("columns").get(pk=mapping.pk)


def erasmus_mapping_for(pk: Any = None) -> ErasmusMapping:
    if pk:
        found = ErasmusMapping.objects.filter(pk=pk).prefetch_related("columns").first()
        if found is not None:
            return found
    return erasmus_default_mapping()


# --- Values -----------------------------------------------------------------------------------
def _sources(mapping: ErasmusMapping) -> dict[str, Callable[[Mobility], Any]]:
    yes, no = mapping.yes_value, mapping.no_value

    def flag(value: Any) -> str:
        return yes if value else no

    def day(value: Any) -> str:
        return value.strftime(mapping.date_format) if value else ""

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
        "certification_type": lambda m: "Europass Mobility" if m.status == MobilityStatus.CERTIFIED else "",
    }


def _value(column: ErasmusColumn, mobility: Mobility, sources: dict[str, Callable[[Mobility], Any]]) -> Any:
    if column.source == "constant":
        return column.constant
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
    for mobility in erasmus_mobilities(user=user, project=project):
        if mobility.status in NOT_REPORTED:
            result.not_reported += 1
            continue
        reasons = _problems(mobility, project)
        for column in columns:
            if column.source in CHECKED_BY_RULES:
                continue  # already explained by a rule above, in words
            if column.required and _value(column, mobility, sources) in ("", None):
                reasons.append(_("“%(column)s” is empty.") % {"column": column.header})
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


def erasmus_rows(check: ErasmusCheck) -> Rows:
    sources = _sources(check.mapping)
    columns = list(check.mapping.columns.all())
    return Rows(
        title="Mobilities",
        header=[c.header for c in columns],
        rows=([_value(c, m, sources) for c in columns] for m in check.valid),
        expected=len(check.valid),
    )


def erasmus_write(*, job: ExportJob, out: Any) -> int:
    """The export job's file: the valid mobilities, in the mapping's columns (CSV or XLSX)."""
    from django.utils import translation

    from mobility.data.spreadsheets import write_csv, write_xlsx
    from mobility.projects.selectors import project_get_for_user

    project = project_get_for_user(user=job.created_by, pk=job.params.get("project"))
    mapping = erasmus_mapping_for(job.params.get("mapping"))
    with translation.override("en"):
        check = erasmus_check(user=job.created_by, project=project, mapping=mapping)
        rows = erasmus_rows(check)
        if job.file_format == "csv":
            return write_csv(rows, out, delimiter=mapping.delimiter or ";")
        return write_xlsx(rows, out)
