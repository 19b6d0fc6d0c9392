"""Importing mobilities, matched to learners, hosts and projects already on file."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from mobility.catalogue.models import ActivityType
from mobility.data.imports.base import (
    DIRECTORY_KINDS,
    NEW,
    UNCHANGED,
    UPDATED,
    Importer,
    Progress,
    RowResult,
    network_of,
)
from mobility.data.imports.organisations import Directory, directory_ambiguity
from mobility.data.imports.parsing import normalise_header
from mobility.data.resources import (
    MobilityResource,
)
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.projects.models import Project
from partners.directory.models import Contact, Organisation, OrganisationKind

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
        from mobility.catalogue.selectors import activity_type_list_for_user
        from mobility.projects.selectors import project_list_for_user

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
        self.directory = Directory(
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
        from mobility.mobilities.services import mobility_derive, mobility_validate

        try:
            mobility_derive(mobility)
            mobility.full_clean(exclude=["reference", *MOBILITY_RELATIONS])
            mobility_validate(mobility)
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
            self.error(result, "host_name", directory_ambiguity(matches))
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
        from mobility.mobilities.services import mobility_create, mobility_update

        rows = [r for r in results if r.plan is not None and r.outcome in (NEW, UPDATED)]
        for done, result in enumerate(rows, start=1):
            existing, data = result.plan
            if existing is None:
                mobility_create(centre=self.centre, data=data, acting_user=self.user)
            else:
                mobility_update(mobility=existing, data=data, acting_user=self.user)
            if progress and (done % 50 == 0 or done == len(rows)):
                progress(done, len(rows))
