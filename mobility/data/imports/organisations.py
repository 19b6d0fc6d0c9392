"""Importing host companies and partners with their tutors, matched against the directory."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mobility.data.imports.base import (
    DIRECTORY_KINDS,
    NEW,
    UNCHANGED,
    UPDATED,
    Importer,
    Progress,
    RowResult,
    _clean_text,
    network_of,
    organisation_create,
)
from mobility.data.imports.parsing import normalise_header
from mobility.data.resources import (
    OrganisationResource,
)
from partners.accounts.roles import Capability
from partners.directory.models import (
    ORGANISATION_DETAILS,
    Contact,
    Organisation,
    OrganisationKind,
    normalise_name,
)
from partners.directory.selectors import contact_can_edit, organisation_can_edit


# --- The shared directory ---------------------------------------------------------------------
class Directory:
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


def directory_ambiguity(matches: list[Organisation]) -> str:
    names = "; ".join(f"{o.name} ({o.city})" for o in matches[:4])
    return _(
        "This matches %(count)s organisations of the directory (%(names)s): add the OID or the VAT number to say which."
    ) % {"count": len(matches), "names": names}


# --- Organisations and tutors -----------------------------------------------------------------
#: What an import row says about its organisation (the parent comes from the importer's network).
ORGANISATION_FIELDS = ("name", "short_name", "kind", *ORGANISATION_DETAILS)

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
        self.directory = Directory(network_of(self.centre), kinds=DIRECTORY_KINDS)
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
            self.error(result, "name", directory_ambiguity(matches))
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
        from partners.directory import services as partners

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
