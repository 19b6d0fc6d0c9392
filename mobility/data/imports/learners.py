"""Importing learners (and their sending employers), matched by the centre's stable key."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

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
from mobility.data.imports.organisations import Directory, directory_ambiguity
from mobility.data.resources import (
    LearnerResource,
)
from mobility.learners.models import LEARNER_VALUES, Learner
from partners.directory.models import Organisation, OrganisationKind, normalise_name

# --- Learners ---------------------------------------------------------------------------------
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
        from mobility.learners.selectors import qualification_list_for_user

        self.qualifications = {q.code.upper(): q for q in qualification_list_for_user(user=self.user)}
        self.employers = Directory(network_of(self.centre), kinds=DIRECTORY_KINDS)
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
        data = self.given(values, LEARNER_VALUES)
        if values.get("qualification"):
            qualification = self.qualifications.get(values["qualification"].upper())
            if qualification is None:
                self.error(
                    result,
                    "qualification",
                    _(
                        "No qualification of the catalogue has the code “%(code)s”: the codes are "
                        "listed on the Imports page, under “Qualification codes”."
                    )
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
            self.error(result, "employer_name", directory_ambiguity(matches))
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
