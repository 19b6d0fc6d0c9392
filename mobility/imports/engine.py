"""Checking and writing the rows of an import: one importer per kind (learners, organisations, mobilities).

An importer reads the header (which column is which), checks every row with the rules the pages
apply, says what each row would do (new, updated, unchanged, error — each error naming its row and
column), and, when asked to, writes the valid rows. Checking changes nothing; writing happens in
the caller's transaction, so a failure anywhere leaves the database as it was.

The rules are the ones of ``mobility.services`` and the models: learners are checked with
``Learner.clean_fields()`` + ``Learner.clean()`` and the uniqueness rule of ``learner_create``,
then written in bulk (10,000 rows in seconds); mobilities are checked with the services' own
``_derive`` + ``full_clean`` + ``_validate_mobility`` and written through ``mobility_create`` /
``mobility_update`` (checklists, follow-ups, employer e-mails included); host companies and their
tutors through the partner services (``organisation_update``, ``contact_create``,
``contact_update``), so an import may change only what the importer could change on the pages, and
each change is audited. A matched entry or tutor that another centre manages is left as it is, with a
warning on its row.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from partners.access import require_capability
from partners.models import Contact, Organisation, OrganisationKind, normalise_name
from partners.roles import Capability
from partners.selectors import contact_can_edit, organisation_can_edit

from ..models import ActivityType, Learner, Mobility, MobilityStatus, Project, Qualification
from ..resources import Column, LearnerResource, MobilityResource, OrganisationResource, columns_of
from .parsing import Table, column_letter, normalise_header

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
OUTCOMES = (NEW, UPDATED, UNCHANGED, ERROR)
#: Directory kinds an import may create; centres and networks are created by administrators.
DIRECTORY_KINDS = (
    OrganisationKind.HOST_COMPANY,
    OrganisationKind.PARTNER_SCHOOL,
    OrganisationKind.INTERMEDIARY,
    OrganisationKind.SENDING_EMPLOYER,
)
Progress = Callable[[int, int], None]


@dataclass
class RowResult:
    row: int
    outcome: str = UNCHANGED
    label: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    #: What writing this row does (importer-specific); never stored in the report.
    plan: Any = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "outcome": self.outcome, "label": self.label}
        if self.errors:
            data["errors"] = self.errors
        if self.warnings:
            data["warnings"] = self.warnings
        if self.changes:
            data["changes"] = self.changes
        return data


@dataclass
class CheckResult:
    rows: list[RowResult]
    file_errors: list[str]
    file_warnings: list[str]
    columns: list[dict[str, str]]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def error_rows(self) -> set[int]:
        return {r.row for r in self.rows if r.outcome == ERROR}

    def report(self) -> dict[str, Any]:
        return {
            "file_errors": self.file_errors,
            "file_warnings": self.file_warnings,
            "columns": self.columns,
            "rows": [r.as_dict() for r in self.rows],
        }


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(errors).messages]
            for name, errors in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


def _clean_text(value: Any) -> str:
    return normalise_header(value)


def network_of(centre: Organisation) -> int:
    """The root network whose shared directory the centre's imports read and extend."""
    return centre.network_id or centre.parent_id or centre.pk


def organisation_create(*, centre: Organisation, values: dict[str, Any], acting_user: Any) -> Organisation:
    """A new directory entry of the centre's network, owned by the centre (as the partner pages do).

    The import has already matched the row against the directory (OID, VAT, name and city), so
    the duplicate warning of the pages is answered here.
    """
    from partners.services import organisation_create as create

    return create(acting_user=acting_user, data=values, owner_centre=centre, confirm_duplicate=True)


class Importer:
    kind = ""
    resource_class: Any = None
    capability = Capability.MANAGE_LEARNERS
    #: Model field → column key, for the model's own errors.
    field_columns: dict[str, str] = {}
    #: The columns of which at least one is needed to find a row again on the next import.
    key_columns: tuple[str, ...] = ()

    def __init__(self, *, centre: Organisation, user: Any, table: Table):
        require_capability(user, Capability.IMPORT_DATA, centre.pk)
        require_capability(user, self.capability, centre.pk)
        self.centre = centre
        self.user = user
        self.table = table
        self.columns: list[Column] = columns_of(self.resource_class)
        self.by_key = {c.key: c for c in self.columns}
        self.mapping: dict[str, int] = {}
        self.file_errors: list[str] = []
        self.file_warnings: list[str] = list(table.warnings)
        self._map_header()

    # --- Header ---------------------------------------------------------------------------------
    def _map_header(self) -> None:
        names: dict[str, str] = {}
        for column in self.columns:
            for name in column.names():
                names.setdefault(name, column.key)
        unknown: list[str] = []
        for index, text in enumerate(self.table.header):
            normalised = normalise_header(text)
            if not normalised:
                continue
            key = names.get(normalised)
            if key is None:
                unknown.append(
                    _("column %(letter)s “%(header)s”") % {"letter": column_letter(index), "header": text}
                )
            elif key in self.mapping:
                first = self.mapping[key]
                self.file_errors.append(
                    _("Columns %(first)s and %(second)s are both “%(label)s”: keep only one.")
                    % {
                        "first": column_letter(first),
                        "second": column_letter(index),
                        "label": self.by_key[key].label,
                    }
                )
            else:
                self.mapping[key] = index
        if unknown:
            self.file_warnings.append(
                _("Unknown columns, ignored: %(columns)s. The template lists the columns this import reads.")
                % {"columns": ", ".join(unknown)}
            )
        for column in self.columns:
            if column.required and column.key not in self.mapping:
                self.file_errors.append(
                    _("The required column “%(label)s” is missing.") % {"label": column.label}
                )
        if self.key_columns and not any(k in self.mapping for k in self.key_columns):
            labels = _(" or ").join(f"“{self.by_key[k].label}”" for k in self.key_columns)
            self.file_errors.append(
                _("Add a column %(labels)s: it finds each row again when the file is imported another time.")
                % {"labels": labels}
            )

    def column_report(self) -> list[dict[str, str]]:
        found = {index: key for key, index in self.mapping.items()}
        return [
            {
                "letter": column_letter(i),
                "header": str(text),
                "column": str(self.by_key[found[i]].label) if i in found else "",
            }
            for i, text in enumerate(self.table.header)
        ]

    def column_name(self, key: str) -> str:
        column = self.by_key.get(key)
        if column is None:
            return ""
        if key in self.mapping:
            index = self.mapping[key]
            return _("column %(letter)s “%(header)s”") % {
                "letter": column_letter(index),
                "header": self.table.header[index],
            }
        return f"“{column.label}”"

    def error(self, result: RowResult, key: str, message: str) -> None:
        result.errors.append({"column": self.column_name(key), "message": str(message)})

    def model_errors(self, result: RowResult, exc: ValidationError) -> None:
        # A cell that could not be read ("Unknown country “Atlantis”") is left empty for the
        # model, which would add "This field cannot be blank." to the same column.
        unreadable = {e["column"] for e in result.errors if e["column"]}
        for name, messages in _messages(exc).items():
            key = self.field_columns.get(name, name)
            key = key if key in self.by_key else ""
            if key and self.column_name(key) in unreadable:
                continue
            for message in messages:
                self.error(result, key, message)

    # --- Rows -----------------------------------------------------------------------------------
    def clean_cells(self, cells: list[Any], result: RowResult) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, index in self.mapping.items():
            raw = cells[index] if index < len(cells) else ""
            try:
                values[key] = self.by_key[key].widget.clean(raw)
            except ValueError as exc:
                self.error(result, key, str(exc))
        return values

    def check(self, progress: Progress | None = None) -> CheckResult:
        """What every row would do. Changes nothing."""
        results: list[RowResult] = []
        if not self.file_errors:
            cleaned = []
            for number, cells in self.table.rows:
                result = RowResult(row=number)
                cleaned.append((result, self.clean_cells(cells, result)))
            self.prepare([values for _result, values in cleaned])
            total = len(cleaned)
            for done, (result, values) in enumerate(cleaned, start=1):
                self.check_row(result, values)
                if result.errors:
                    result.outcome = ERROR
                results.append(result)
                if progress and (done % 250 == 0 or done == total):
                    progress(done, total)
        return CheckResult(
            rows=results,
            file_errors=self.file_errors,
            file_warnings=self.file_warnings,
            columns=self.column_report(),
        )

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        """Loads once what the rows refer to (existing records, catalogues)."""

    def check_row(self, result: RowResult, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def write(self, results: Iterable[RowResult], progress: Progress | None = None) -> None:
        raise NotImplementedError

    @staticmethod
    def given(values: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
        """The values of ``keys`` that the row gives (an empty cell leaves the stored value alone)."""
        return {k: values[k] for k in keys if k in values and values[k] not in (None, "", [])}

    @staticmethod
    def changed(instance: Any, data: dict[str, Any]) -> list[str]:
        changes = []
        for name, value in data.items():
            current = getattr(instance, name)
            if hasattr(current, "pk") or hasattr(value, "pk"):
                if getattr(current, "pk", current) != getattr(value, "pk", value) or (
                    getattr(value, "pk", 0) is None
                ):
                    changes.append(name)
            elif str(current or "") != str(value or "") or (isinstance(value, bool) and current is not value):
                changes.append(name)
        return changes


# --- Learners ---------------------------------------------------------------------------------
LEARNER_VALUE_FIELDS = (
    "kind", "first_name", "last_name", "date_of_birth", "sex", "national_id", "email", "phone",
    "nationality", "preferred_language", "trade", "training_year", "position", "fewer_opportunities",
    "needs_adaptation", "is_recent_graduate", "guardian_name", "guardian_email", "guardian_phone",
)  # fmt: skip
#: Relations resolved from the import's own scoped look-ups, so their existence is known; the
#: nationality is checked against the same list of countries as the field's choices, once (the
#: field's own check walks 250 choices per row).
LEARNER_RELATIONS = ("centre", "qualification", "employer", "employer_contact", "user", "nationality")
COUNTRY_CODES = frozenset(code for code, _name in countries)
LEARNER_FIELD_NAMES = [f.name for f in Learner._meta.concrete_fields]


@dataclass
class EmployerPlan:
    """A sending employer the import creates (once, however many learners name it)."""

    values: dict[str, Any]
    instance: Organisation | None = None


class LearnerImporter(Importer):
    kind = "learners"
    resource_class = LearnerResource
    key_columns = ("national_id", "email")
    field_columns = {"employer": "employer_name"}

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        ids = {v.get("national_id") for v in rows if v.get("national_id")}
        emails = {v.get("email") for v in rows if v.get("email")}
        existing = (
            Learner.objects.filter(centre=self.centre)
            .filter(Q(national_id__in=ids) | Q(email__in=emails))
            .select_related("employer_contact")
        )
        self.by_id: dict[str, Learner] = {}
        self.by_email: dict[str, list[Learner]] = defaultdict(list)
        for learner in existing:
            if learner.national_id:
                self.by_id[learner.national_id] = learner
            if learner.email:
                self.by_email[learner.email.lower()].append(learner)
        from ..selectors import qualification_list_for_user

        self.qualifications = {q.code.upper(): q for q in qualification_list_for_user(user=self.user)}
        self.employers = _Directory(network_of(self.centre), kinds=DIRECTORY_KINDS)
        self.new_employers: dict[str, EmployerPlan] = {}
        self.seen_ids: dict[str, int] = {}
        self.seen_emails: dict[str, int] = {}
        self.now = timezone.now()

    def check_row(self, result: RowResult, values: dict[str, Any]) -> None:
        national_id, email = values.get("national_id", ""), values.get("email", "")
        result.label = f"{values.get('last_name', '')} {values.get('first_name', '')}".strip()
        if not national_id and not email:
            self.error(
                result,
                "national_id" if "national_id" in self.mapping else "email",
                _(
                    "Give the national learner id or the e-mail: one of them finds the learner again next time."
                ),
            )
            return
        if national_id and national_id in self.seen_ids:
            self.error(
                result,
                "national_id",
                _("Same national learner id as row %(row)s: a learner appears once in a file.")
                % {"row": self.seen_ids[national_id]},
            )
        if email and email in self.seen_emails and not national_id:
            self.error(
                result,
                "email",
                _("Same e-mail as row %(row)s: a learner appears once in a file.")
                % {"row": self.seen_emails[email]},
            )
        if national_id:
            self.seen_ids.setdefault(national_id, result.row)
        if email:
            self.seen_emails.setdefault(email, result.row)
        if result.errors:
            return
        existing = self.by_id.get(national_id) if national_id else None
        if existing is None and email:
            candidates = self.by_email.get(email, [])
            if national_id:
                candidates = [c for c in candidates if not c.national_id]
            if len(candidates) > 1:
                self.error(
                    result,
                    "email",
                    _("%(count)s learners of the centre have this e-mail: add the national learner id.")
                    % {"count": len(candidates)},
                )
                return
            existing = candidates[0] if candidates else None
        data = self.given(values, LEARNER_VALUE_FIELDS)
        if values.get("qualification"):
            qualification = self.qualifications.get(values["qualification"].upper())
            if qualification is None:
                self.error(
                    result,
                    "qualification",
                    _("No qualification of the catalogue has the code “%(code)s”.")
                    % {"code": values["qualification"]},
                )
            else:
                data["qualification"] = qualification
        employer = self.resolve_employer(result, values)
        if employer is not None:
            data["employer"] = employer
        if result.errors:
            return
        learner = copy.copy(existing) if existing is not None else Learner(centre=self.centre)
        changes = self.changed(learner, data) if existing is not None else list(data)
        for name, value in data.items():
            if isinstance(value, EmployerPlan):
                learner.employer = value.instance or Organisation(name=value.values["name"])
            else:
                setattr(learner, name, value)
        try:
            # The values this row sets (the others are stored or default values, valid already).
            learner.clean_fields(
                exclude=[n for n in LEARNER_FIELD_NAMES if n not in data or n in LEARNER_RELATIONS]
            )
            if data.get("nationality") and data["nationality"] not in COUNTRY_CODES:
                raise ValidationError({"nationality": _("Unknown country.")})
            learner.clean()
        except ValidationError as exc:
            self.model_errors(result, exc)
            return
        # The rules of mobility.services._validate_learner_links, on the loaded rows.
        if learner.employer_contact_id and "employer" in changes:
            if learner.employer_contact.organisation_id != getattr(learner.employer, "pk", None):
                self.error(result, "employer_name", _("This contact does not work for the chosen employer."))
        if learner.national_id:
            other = self.by_id.get(learner.national_id)
            if other is not None and other.pk != learner.pk:
                self.error(result, "national_id", _("Another learner of this centre already has this id."))
        if result.errors:
            return
        if existing is None:
            result.outcome = NEW
        elif changes:
            result.outcome = UPDATED
            result.changes = [str(self.by_key[c].label) for c in changes if c in self.by_key] or changes
        else:
            result.outcome = UNCHANGED
        result.plan = (learner, data, changes)

    def resolve_employer(
        self, result: RowResult, values: dict[str, Any]
    ) -> Organisation | EmployerPlan | None:
        name = values.get("employer_name", "")
        national_id = values.get("employer_national_id", "")
        city = values.get("employer_city", "")
        if not name and not national_id:
            return None
        matches = self.employers.match(oid="", national_id=national_id, name=name, city=city)
        if len(matches) > 1:
            self.error(result, "employer_name", _directory_ambiguity(matches))
            return None
        if matches:
            return matches[0]
        if not name:
            self.error(
                result,
                "employer_national_id",
                _(
                    "No organisation of the directory has this SIRET or VAT number; give the employer's name to add it."
                ),
            )
            return None
        key = national_id or f"{normalise_name(name)}|{_clean_text(city)}"
        plan = self.new_employers.get(key)
        if plan is None:
            plan = EmployerPlan(
                values={
                    "kind": OrganisationKind.SENDING_EMPLOYER,
                    "name": name,
                    "national_id": national_id,
                    "city": city or self.centre.city,
                    "country": self.centre.country,
                }
            )
            self.new_employers[key] = plan
            result.warnings.append(
                _("The sending employer “%(name)s” will be added to the directory.") % {"name": name}
            )
        return plan

    def write(self, results: Iterable[RowResult], progress: Progress | None = None) -> None:
        plans = [r.plan for r in results if r.plan is not None and r.outcome in (NEW, UPDATED)]
        for plan in self.new_employers.values():
            plan.instance = organisation_create(centre=self.centre, values=plan.values, acting_user=self.user)
        created, updated = [], defaultdict(list)
        for learner, data, changes in plans:
            employer = data.get("employer")
            if isinstance(employer, EmployerPlan):
                learner.employer = employer.instance
            if learner.pk is None:
                created.append(learner)
            else:
                learner.updated_at = self.now
                updated[tuple(sorted(changes))].append(learner)
        total, done = len(plans), 0
        for start in range(0, len(created), 1000):
            chunk = created[start : start + 1000]
            Learner.objects.bulk_create(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
        for names, learners in updated.items():
            Learner.objects.bulk_update(learners, [*names, "updated_at"], batch_size=500)
            done += len(learners)
            if progress:
                progress(done, total)


# --- The shared directory ---------------------------------------------------------------------
class _Directory:
    """The directory entries of one network, loaded once, found by OID, VAT or name and city."""

    def __init__(self, network_id: int, kinds: Iterable[str]):
        self.rows = list(Organisation.objects.filter(network_id=network_id, kind__in=list(kinds)))
        self.by_oid: dict[str, list[Organisation]] = defaultdict(list)
        self.by_national_id: dict[str, list[Organisation]] = defaultdict(list)
        self.by_name: dict[str, list[Organisation]] = defaultdict(list)
        for org in self.rows:
            self.add(org)

    def add(self, org: Organisation) -> None:
        if org.oid:
            self.by_oid[org.oid.upper()].append(org)
        if org.national_id:
            self.by_national_id[org.national_id.upper()].append(org)
        self.by_name[org.normalised_name or normalise_name(org.name)].append(org)

    def match(self, *, oid: str, national_id: str, name: str, city: str) -> list[Organisation]:
        """Same OID, else same VAT / national id, else same normalised name in the same city."""
        if oid and self.by_oid.get(oid):
            return self.by_oid[oid]
        if national_id and self.by_national_id.get(national_id):
            return self.by_national_id[national_id]
        if not name:
            return []
        candidates = self.by_name.get(normalise_name(name), [])
        if city:
            candidates = [o for o in candidates if _clean_text(o.city) == _clean_text(city)]
        # An entry with another OID or VAT number is another organisation of the same name.
        if oid:
            candidates = [o for o in candidates if not o.oid or o.oid == oid]
        if national_id:
            candidates = [o for o in candidates if not o.national_id or o.national_id == national_id]
        return candidates


def _directory_ambiguity(matches: list[Organisation]) -> str:
    names = "; ".join(f"{o.name} ({o.city})" for o in matches[:4])
    return _(
        "This matches %(count)s organisations of the directory (%(names)s): add the OID or the VAT number to say which."
    ) % {"count": len(matches), "names": names}


# --- Organisations and tutors -----------------------------------------------------------------
ORGANISATION_FIELDS = (
    "name", "short_name", "kind", "country", "city", "postcode", "address", "oid", "pic",
    "national_id", "sector", "is_sme", "website", "email", "phone",
)  # fmt: skip
TUTOR_FIELDS = {
    "tutor_first_name": "first_name",
    "tutor_last_name": "last_name",
    "tutor_email": "email",
    "tutor_phone": "phone",
    "tutor_position": "position",
    "tutor_languages": "languages",
    "tutor_language": "preferred_language",
}


@dataclass
class OrganisationPlan:
    organisation: Organisation
    first_row: int
    values: dict[str, Any]
    is_new: bool
    changes: list[str] = field(default_factory=list)
    written: bool = False


class OrganisationImporter(Importer):
    kind = "organisations"
    resource_class = OrganisationResource
    capability = Capability.EDIT_PARTNERS
    field_columns = {
        "first_name": "tutor_first_name",
        "last_name": "tutor_last_name",
        "position": "tutor_position",
        "languages": "tutor_languages",
        "preferred_language": "tutor_language",
    }

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        self.directory = _Directory(network_of(self.centre), kinds=DIRECTORY_KINDS)
        ids = [o.pk for o in self.directory.rows]
        self.contacts: dict[int, list[Contact]] = defaultdict(list)
        for contact in Contact.objects.filter(organisation_id__in=ids).select_related("organisation"):
            self.contacts[contact.organisation_id].append(contact)
        self.in_file = _FileOrganisations()
        self.seen_tutors: dict[tuple[int, str], int] = {}

    def check_row(self, result: RowResult, values: dict[str, Any]) -> None:
        org_values = self.given(values, ORGANISATION_FIELDS)
        org_values.setdefault("kind", OrganisationKind.HOST_COMPANY)
        if org_values["kind"] not in DIRECTORY_KINDS:
            self.error(
                result,
                "kind",
                _("Training centres and networks are added by an administrator, not imported."),
            )
            return
        oid, national_id = org_values.get("oid", ""), org_values.get("national_id", "")
        name, city = org_values.get("name", ""), org_values.get("city", "")
        result.label = f"{name} ({city})" if city else name
        plan = self.in_file.find(oid=oid, national_id=national_id, name=name, city=city)
        if plan is not None:
            for key, value in org_values.items():
                if key == "kind" and "kind" not in values:
                    continue
                before = plan.values.get(key)
                if before not in (None, "") and before != value:
                    self.error(
                        result,
                        key,
                        _("Row %(row)s gives “%(other)s” for the same organisation.")
                        % {"row": plan.first_row, "other": before},
                    )
            if result.errors:
                return
        else:
            plan = self.plan_organisation(result, org_values)
            if plan is None:
                return
            self.in_file.add(plan, oid=oid, national_id=national_id, name=name, city=city)
        tutor = self.plan_tutor(result, plan, values)
        if result.errors:
            return
        first = plan.first_row == result.row
        if (first and plan.is_new) or (tutor is not None and tutor[0].pk is None):
            result.outcome = NEW
        elif (first and plan.changes) or (tutor is not None and tutor[1]):
            result.outcome = UPDATED
            result.changes = [str(self.by_key[c].label) for c in (plan.changes if first else [])]
            if tutor is not None and tutor[1]:
                result.changes.append(_("tutor %(name)s") % {"name": tutor[0].full_name})
        else:
            result.outcome = UNCHANGED
        if tutor is not None:
            result.label += " — " + tutor[0].full_name
        result.plan = (plan, tutor)

    def plan_organisation(self, result: RowResult, org_values: dict[str, Any]) -> OrganisationPlan | None:
        matches = self.directory.match(
            oid=org_values.get("oid", ""),
            national_id=org_values.get("national_id", ""),
            name=org_values.get("name", ""),
            city=org_values.get("city", ""),
        )
        if len(matches) > 1:
            self.error(result, "name", _directory_ambiguity(matches))
            return None
        if matches:
            organisation = copy.copy(matches[0])
            data = {k: v for k, v in org_values.items() if k != "kind"}
            changes = self.changed(organisation, data)
            if changes and not organisation_can_edit(user=self.user, organisation=organisation):
                result.warnings.append(
                    _("“%(name)s” is kept as the directory has it: another centre manages this entry.")
                    % {"name": organisation.name}
                )
                changes = []
            for name in changes:
                setattr(organisation, name, data[name])
            plan = OrganisationPlan(organisation, result.row, org_values, is_new=False, changes=changes)
        else:
            organisation = Organisation(
                network_id=network_of(self.centre), owner_centre=self.centre, **org_values
            )
            plan = OrganisationPlan(organisation, result.row, org_values, is_new=True)
        try:
            organisation.full_clean(exclude=["parent", "network", "owner_centre", "logo"])
        except ValidationError as exc:
            self.model_errors(result, exc)
            return None
        return plan

    def plan_tutor(
        self, result: RowResult, plan: OrganisationPlan, values: dict[str, Any]
    ) -> tuple[Contact, list[str]] | None:
        data = {TUTOR_FIELDS[k]: v for k, v in self.given(values, TUTOR_FIELDS).items()}
        if not data:
            return None
        if not data.get("first_name") or not data.get("last_name"):
            self.error(
                result,
                "tutor_last_name" if not data.get("last_name") else "tutor_first_name",
                _("A tutor needs a first and a last name."),
            )
            return None
        email = data.get("email", "")
        full = normalise_header(f"{data['first_name']} {data['last_name']}")
        identity = email or full
        seen_key = (id(plan), identity)
        if seen_key in self.seen_tutors:
            self.error(
                result,
                "tutor_email" if email else "tutor_last_name",
                _("Same tutor as row %(row)s for this organisation.") % {"row": self.seen_tutors[seen_key]},
            )
            return None
        self.seen_tutors[seen_key] = result.row
        existing = None
        if plan.organisation.pk:
            for contact in self.contacts.get(plan.organisation.pk, []):
                if (email and contact.email.lower() == email) or (
                    not email and normalise_header(contact.full_name) == full
                ):
                    existing = contact
                    break
        if "languages" in data and "preferred_language" not in data:
            data.setdefault("preferred_language", data["languages"][0])
        if existing is not None:
            changes = self.changed(existing, data)
            if not existing.is_tutor:
                changes.append("is_tutor")
                data["is_tutor"] = True
            if changes and not contact_can_edit(user=self.user, contact=existing):
                # The rule of the contact's page: the centre that added the person edits them.
                result.warnings.append(
                    _(
                        "The tutor “%(name)s” is kept as the directory has them: another centre manages this person."
                    )
                    % {"name": existing.full_name}
                )
                return existing, []
            contact = copy.copy(existing)
        else:
            contact = Contact(organisation=plan.organisation if plan.organisation.pk else None, is_tutor=True)
            changes = list(data)
        for name, value in data.items():
            setattr(contact, name, value)
        try:
            contact.full_clean(exclude=["organisation"])
        except ValidationError as exc:
            self.model_errors(result, exc)
            return None
        return contact, [c for c in changes if existing is not None]

    def write(self, results: Iterable[RowResult], progress: Progress | None = None) -> None:
        """Through the partner services, as the pages write: their permission checks and audit entries."""
        from partners import services as partners

        stored = {o.pk: o for o in self.directory.rows}
        stored_contacts = {c.pk: c for contacts in self.contacts.values() for c in contacts}
        rows = [r for r in results if r.plan is not None and r.outcome in (NEW, UPDATED)]
        for done, result in enumerate(rows, start=1):
            plan, tutor = result.plan
            if not plan.written:
                if plan.is_new:
                    plan.organisation = organisation_create(
                        centre=self.centre,
                        values={k: getattr(plan.organisation, k) for k in ORGANISATION_FIELDS},
                        acting_user=self.user,
                    )
                elif plan.changes:
                    plan.organisation, _changed = partners.organisation_update(
                        organisation=stored[plan.organisation.pk],
                        acting_user=self.user,
                        data={name: getattr(plan.organisation, name) for name in plan.changes},
                        confirm_duplicate=True,  # matched against the directory when checked
                    )
                plan.written = True
            if tutor is not None:
                contact, changes = tutor
                if contact.pk is None:
                    partners.contact_create(
                        organisation=plan.organisation,
                        acting_user=self.user,
                        data={name: getattr(contact, name) for name in partners.CONTACT_FIELDS},
                    )
                elif changes:
                    partners.contact_update(
                        contact=stored_contacts[contact.pk],
                        acting_user=self.user,
                        data={name: getattr(contact, name) for name in changes},
                    )
            if progress and (done % 100 == 0 or done == len(rows)):
                progress(done, len(rows))


class _FileOrganisations:
    """Organisations already met in the file: a later row about the same one adds a tutor."""

    def __init__(self) -> None:
        self.keys: dict[str, OrganisationPlan] = {}

    @staticmethod
    def _keys(*, oid: str, national_id: str, name: str, city: str) -> list[str]:
        keys = []
        if oid:
            keys.append(f"oid:{oid}")
        if national_id:
            keys.append(f"vat:{national_id}")
        if name:
            keys.append(f"name:{normalise_name(name)}|{_clean_text(city)}")
        return keys

    def find(self, **identity: str) -> OrganisationPlan | None:
        for key in self._keys(**identity):
            if key in self.keys:
                return self.keys[key]
        return None

    def add(self, plan: OrganisationPlan, **identity: str) -> None:
        for key in self._keys(**identity):
            self.keys.setdefault(key, plan)


# --- Mobilities -------------------------------------------------------------------------------
MOBILITY_VALUE_FIELDS = (
    "direction", "host_city", "host_country", "planned_start", "planned_end", "actual_start",
    "actual_end", "travel_days", "green_travel", "distance_band", "interruption_days",
    "main_language", "is_accompanying_person", "accompanying_person", "notes",
)  # fmt: skip
MOBILITY_RELATIONS = (
    "centre", "participant", "project", "activity_type", "group", "sending_organisation",
    "host_organisation", "intermediary", "host_tutor",
)  # fmt: skip


class MobilityImporter(Importer):
    kind = "mobilities"
    resource_class = MobilityResource
    field_columns = {
        "participant": "participant_national_id",
        "host_organisation": "host_name",
        "host_tutor": "tutor_email",
    }

    def _map_header(self) -> None:
        super()._map_header()
        if not {"participant_national_id", "participant_email"} & set(self.mapping):
            self.file_errors.append(
                _("Add a column “%(id)s” or “%(email)s”: it says whose mobility each row is.")
                % {
                    "id": self.by_key["participant_national_id"].label,
                    "email": self.by_key["participant_email"].label,
                }
            )

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        from ..selectors import activity_type_list_for_user, project_list_for_user

        ids = {v.get("participant_national_id") for v in rows if v.get("participant_national_id")}
        emails = {v.get("participant_email") for v in rows if v.get("participant_email")}
        self.learners_by_id: dict[str, Learner] = {}
        self.learners_by_email: dict[str, list[Learner]] = defaultdict(list)
        for learner in Learner.objects.filter(centre=self.centre, anonymised_at__isnull=True).filter(
            Q(national_id__in=ids) | Q(email__in=emails)
        ):
            if learner.national_id:
                self.learners_by_id[learner.national_id] = learner
            if learner.email:
                self.learners_by_email[learner.email.lower()].append(learner)
        self.activities: dict[str, ActivityType] = {}
        for activity in activity_type_list_for_user(user=self.user, include_inactive=False):
            names = [
                activity.code,
                activity.erasmus_code,
                activity.name,
                *activity.name_translations.values(),
            ]
            for name in names:
                if name:
                    self.activities.setdefault(normalise_header(name), activity)
        self.projects: dict[str, Project] = {
            p.grant_agreement_number.upper(): p
            for p in project_list_for_user(user=self.user)
            if p.grant_agreement_number
        }
        self.directory = _Directory(
            network_of(self.centre),
            kinds=[*DIRECTORY_KINDS, OrganisationKind.TRAINING_CENTRE],
        )
        self.tutors: dict[tuple[int, str], Contact] = {}
        for contact in Contact.objects.filter(
            organisation_id__in=[o.pk for o in self.directory.rows], is_tutor=True
        ).exclude(email=""):
            self.tutors[(contact.organisation_id, contact.email.lower())] = contact
        references = {v.get("reference") for v in rows if v.get("reference")}
        participant_ids = {learner.pk for learner in self.learners_by_id.values()} | {
            learner.pk for group in self.learners_by_email.values() for learner in group
        }
        existing = (
            Mobility.objects.filter(centre=self.centre)
            .filter(Q(reference__in=references) | Q(participant_id__in=participant_ids))
            .select_related("activity_type", "participant", "host_organisation", "host_tutor", "project")
        )
        self.by_reference: dict[str, Mobility] = {}
        self.by_start: dict[tuple[int, date], Mobility] = {}
        for mobility in existing:
            self.by_reference[mobility.reference] = mobility
            if mobility.status != MobilityStatus.CANCELLED:
                self.by_start[(mobility.participant_id, mobility.planned_start)] = mobility
        self.seen_keys: dict[Any, int] = {}
        self.file_periods: dict[int, list[tuple[date, date, int]]] = defaultdict(list)

    def find_participant(self, result: RowResult, values: dict[str, Any]) -> Learner | None:
        national_id, email = values.get("participant_national_id", ""), values.get("participant_email", "")
        if national_id:
            learner = self.learners_by_id.get(national_id)
            if learner is None:
                self.error(
                    result,
                    "participant_national_id",
                    _("No learner of this centre has the national id “%(id)s”: import the learners first.")
                    % {"id": national_id},
                )
            return learner
        if email:
            found = self.learners_by_email.get(email, [])
            if len(found) == 1:
                return found[0]
            self.error(
                result,
                "participant_email",
                _("No learner of this centre has the e-mail “%(email)s”: import the learners first.")
                % {"email": email}
                if not found
                else _("%(count)s learners of the centre have this e-mail: give the national id.")
                % {"count": len(found)},
            )
            return None
        self.error(
            result,
            "participant_national_id",
            _("Give the participant's national id or e-mail."),
        )
        return None

    def check_row(self, result: RowResult, values: dict[str, Any]) -> None:
        participant = self.find_participant(result, values)
        data: dict[str, Any] = self.given(values, MOBILITY_VALUE_FIELDS)
        activity = None
        if values.get("activity_type"):
            activity = self.activities.get(normalise_header(values["activity_type"]))
            if activity is None:
                self.error(
                    result,
                    "activity_type",
                    _("Unknown activity “%(value)s”: use a code of the catalogue, such as vet-short-term.")
                    % {"value": values["activity_type"]},
                )
            else:
                data["activity_type"] = activity
        if values.get("project"):
            project = self.projects.get(values["project"])
            if project is None:
                self.error(
                    result,
                    "project",
                    _("No project you can see has the grant agreement number “%(number)s”.")
                    % {"number": values["project"]},
                )
            else:
                data["project"] = project
        host = self.find_host(result, values)
        if host is not None:
            data["host_organisation"] = host
        if values.get("tutor_email"):
            if host is None:
                if not result.errors:
                    self.error(result, "tutor_email", _("Give the host organisation of this tutor."))
            else:
                tutor = self.tutors.get((host.pk, values["tutor_email"]))
                if tutor is None:
                    self.error(
                        result,
                        "tutor_email",
                        _(
                            "%(host)s has no tutor with this e-mail: import the tutors with the host companies."
                        )
                        % {"host": host.name},
                    )
                else:
                    data["host_tutor"] = tutor
        if participant is None or result.errors:
            return
        data["participant"] = participant
        start = data.get("planned_start")
        result.label = (
            f"{participant.full_name} — {data.get('host_city') or (host.city if host else '')}, "
            + (start.strftime("%d/%m/%Y") if start else "")
        )
        existing = self.find_existing(result, values, participant, start)
        if result.errors:
            return
        key = existing.pk if existing is not None else (participant.pk, start)
        if key in self.seen_keys:
            self.error(
                result,
                "planned_start",
                _("Same mobility as row %(row)s: a mobility appears once in a file.")
                % {"row": self.seen_keys[key]},
            )
            return
        self.seen_keys[key] = result.row
        if existing is not None:
            mobility = copy.copy(existing)
            changes = self.changed(mobility, data)
            if mobility.status == MobilityStatus.CERTIFIED and set(changes) & {
                "planned_start", "planned_end", "actual_start", "actual_end", "participant",
            }:  # fmt: skip
                self.error(
                    result,
                    "planned_start",
                    _(
                        "A certified mobility cannot change its participant or dates; reissue the certificate after a correction."
                    ),
                )
                return
        else:
            mobility = Mobility(
                centre=self.centre,
                status=MobilityStatus.DRAFT,
                reference="pending",
                sending_organisation=self.centre,
            )
            changes = list(data)
        for name, value in data.items():
            setattr(mobility, name, value)
        from ..services import _derive, _validate_mobility

        try:
            _derive(mobility)
            mobility.full_clean(exclude=["reference", *MOBILITY_RELATIONS])
            _validate_mobility(mobility)
        except ValidationError as exc:
            self.model_errors(result, exc)
            return
        if existing is None or "planned_start" in changes or "planned_end" in changes:
            for other_start, other_end, row in self.file_periods[participant.pk]:
                if other_start <= mobility.planned_end and other_end >= mobility.planned_start:
                    self.error(
                        result,
                        "planned_start",
                        _("%(name)s already has a mobility on these dates in row %(row)s.")
                        % {"name": participant.full_name, "row": row},
                    )
                    return
        self.file_periods[participant.pk].append((mobility.planned_start, mobility.planned_end, result.row))
        if existing is None:
            result.outcome = NEW
        elif changes:
            result.outcome = UPDATED
            result.changes = [str(self.by_key[c].label) for c in changes if c in self.by_key] or changes
        else:
            result.outcome = UNCHANGED
        result.plan = (existing, {k: data[k] for k in changes})

    def find_host(self, result: RowResult, values: dict[str, Any]) -> Organisation | None:
        oid, name = values.get("host_oid", ""), values.get("host_name", "")
        if not oid and not name:
            return None
        matches = self.directory.match(oid=oid, national_id="", name=name, city=values.get("host_city", ""))
        if len(matches) > 1:
            self.error(result, "host_name", _directory_ambiguity(matches))
            return None
        if not matches:
            if oid:
                self.error(
                    result,
                    "host_oid",
                    _(
                        "No organisation of the directory has the OID %(oid)s: import the host companies first."
                    )
                    % {"oid": oid},
                )
            else:
                self.error(
                    result,
                    "host_name",
                    _("No organisation named “%(name)s” in the directory: import the host companies first.")
                    % {"name": name},
                )
            return None
        return matches[0]

    def find_existing(
        self, result: RowResult, values: dict[str, Any], participant: Learner, start: date | None
    ) -> Mobility | None:
        reference = values.get("reference", "")
        if reference:
            mobility = self.by_reference.get(reference)
            if mobility is None:
                self.error(
                    result,
                    "reference",
                    _(
                        "No mobility of this centre has the reference %(reference)s; leave it empty for a new one."
                    )
                    % {"reference": reference},
                )
            elif mobility.participant_id != participant.pk:
                self.error(
                    result,
                    "reference",
                    _("Mobility %(reference)s is another participant's.") % {"reference": reference},
                )
            return mobility
        if start is None:
            return None
        return self.by_start.get((participant.pk, start))

    def write(self, results: Iterable[RowResult], progress: Progress | None = None) -> None:
        from ..services import mobility_create, mobility_update

        rows = [r for r in results if r.plan is not None and r.outcome in (NEW, UPDATED)]
        for done, result in enumerate(rows, start=1):
            existing, data = result.plan
            if existing is None:
                mobility_create(centre=self.centre, data=data, acting_user=self.user)
            else:
                mobility_update(mobility=existing, data=data, acting_user=self.user)
            if progress and (done % 50 == 0 or done == len(rows)):
                progress(done, len(rows))


IMPORTERS: dict[str, type[Importer]] = {
    "learners": LearnerImporter,
    "organisations": OrganisationImporter,
    "mobilities": MobilityImporter,
}


def importer_for(kind: str, *, centre: Organisation, user: Any, table: Table) -> Importer:
    return IMPORTERS[kind](centre=centre, user=user, table=table)


def qualification_codes(user: Any) -> list[Qualification]:
    from ..selectors import qualification_list_for_user

    return list(qualification_list_for_user(user=user))
