"""National-scale synthetic data for benchmarks: chambers, centres, host companies, learners, mobilities.

Reproducible (one seed) and fast: ids are assigned up front and rows go in with PostgreSQL's COPY
(``bulk_create`` in batches elsewhere). Every person and company is synthetic.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from mobility.agreements.models import AgreementStatus, LearningAgreement
from mobility.catalogue import services as catalogue
from mobility.catalogue.models import ActivityType, ParticipantKind
from mobility.learners.models import Learner, Qualification, Sex
from mobility.mobilities.models import Direction, Mobility, MobilityStatus
from mobility.projects.models import Project
from mobility.tracking.models import ChecklistItem, FollowUp
from partners.accounts.models import Membership, User
from partners.accounts.roles import Role
from partners.directory.models import Contact, Organisation, OrganisationKind, normalise_name

FIRST = [
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Inès",
    "Nathan",
    "Manon",
    "Enzo",
    "Jade",
    "Louis",
    "Camille",
    "Théo",
    "Sarah",
    "Noah",
    "Emma",
    "Yanis",
    "Zoé",
    "Mathis",
    "Lina",
    "Adam",
    "Éloïse",
    "Rayan",
    "Anaïs",
    "Maël",
]

LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "García",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
]

COUNTRIES = [
    ("ES", ["Valencia", "Sevilla", "Bilbao", "Zaragoza"]),
    ("DE", ["Leipzig", "Köln", "Freiburg"]),
    ("IT", ["Bologna", "Torino", "Bari"]),
    ("IE", ["Cork", "Galway"]),
    ("PT", ["Porto", "Braga"]),
    ("BE", ["Liège", "Gent"]),
    ("NL", ["Utrecht", "Eindhoven"]),
    ("FI", ["Tampere", "Oulu"]),
    ("MT", ["Valletta"]),
    ("PL", ["Kraków", "Gdańsk"]),
    ("CZ", ["Brno"]),
    ("SE", ["Malmö"]),
    ("MA", ["Agadir"]),
    ("SN", ["Saint-Louis"]),
    ("CA", ["Québec"]),
]

TRADES = [
    "Boulangerie",
    "Pâtisserie",
    "Coiffure",
    "Mécanique automobile",
    "Menuiserie",
    "Plomberie",
    "Électricité",
    "Cuisine",
    "Boucherie",
    "Fleuristerie",
    "Esthétique",
    "Carrosserie",
]

STATUS_WEIGHTS = [
    (MobilityStatus.DRAFT, 6),
    (MobilityStatus.PLANNED, 10),
    (MobilityStatus.CONFIRMED, 10),
    (MobilityStatus.IN_PROGRESS, 12),
    (MobilityStatus.COMPLETED, 14),
    (MobilityStatus.EVALUATED, 12),
    (MobilityStatus.CERTIFIED, 30),
    (MobilityStatus.CANCELLED, 4),
    (MobilityStatus.INTERRUPTED, 2),
]


@dataclass
class ScaleReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def _next_ids(model: type[models.Model], n: int) -> Iterator[int]:
    start = (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1
    return iter(range(start, start + n))


def _columns(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def copy_rows(model: type[models.Model], objs: Iterable[models.Model]) -> int:
    """Writes instances (ids already set) with COPY; on other databases, with bulk_create."""
    objs = list(objs)
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return len(objs)
    fields = _columns(model)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for obj in objs:
                row = []
                for f in fields:
                    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                        value = getattr(obj, f.attname) or now
                    else:
                        value = getattr(obj, f.attname)
                    row.append(f.get_db_prep_save(value, connection) if value is not None else None)
                copy.write_row(row)
        cursor.execute(
            # the table name is quoted by the backend from our own model, never from input
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM " + table + "))",  # noqa: S608
            [model._meta.db_table],
        )
    return len(objs)


def seed_scale(
    *, centres: int, learners: int, mobilities: int, hosts: int = 5000, seed: int = 2026
) -> ScaleReport:
    rng = random.Random(seed)
    report = ScaleReport()
    catalogue.install()
    learner_types = list(
        ActivityType.objects.filter(participant_kind=ParticipantKind.LEARNER, is_active=True)
    )
    password = make_password("scale-bench-2026")
    today = timezone.localdate()

    with transaction.atomic():
        # --- organisations: ~20 chambers, their centres, a shared directory of host companies
        chambers_n = max(1, centres // 5)
        org_ids = _next_ids(Organisation, chambers_n + centres + hosts)
        chambers = []
        for i in range(chambers_n):
            pk = next(org_ids)
            chambers.append(
                Organisation(
                    id=pk,
                    kind=OrganisationKind.NETWORK,
                    name=f"Chambre régionale n°{i + 1}",
                    normalised_name=normalise_name(f"Chambre régionale n°{i + 1}"),
                    network_id=pk,
                    country="FR",
                    city=f"Ville {i + 1}",
                )
            )
        report.add("organisations", copy_rows(Organisation, chambers))
        centre_objs = []
        for i in range(centres):
            chamber = chambers[i % chambers_n]
            name = f"CFA synthétique n°{i + 1}"
            centre_objs.append(
                Organisation(
                    id=next(org_ids),
                    kind=OrganisationKind.TRAINING_CENTRE,
                    name=name,
                    normalised_name=normalise_name(name),
                    parent_id=chamber.pk,
                    network_id=chamber.pk,
                    country="FR",
                    city=f"Ville {i + 1}",
                    oid=f"E{20000000 + i:08d}",
                )
            )
        report.add("organisations", copy_rows(Organisation, centre_objs))
        host_objs = []
        for i in range(hosts):
            country, cities = COUNTRIES[i % len(COUNTRIES)]
            owner = centre_objs[i % centres]
            name = f"Entreprise d'accueil {i + 1}"
            host_objs.append(
                Organisation(
                    id=next(org_ids),
                    kind=OrganisationKind.HOST_COMPANY,
                    name=name,
                    normalised_name=normalise_name(name),
                    network_id=owner.network_id,
                    owner_centre_id=owner.pk,
                    country=country,
                    city=rng.choice(cities),
                )
            )
        report.add("organisations", copy_rows(Organisation, host_objs))

        contact_ids = _next_ids(Contact, hosts)
        tutors = [
            Contact(
                id=next(contact_ids),
                organisation_id=h.pk,
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                email=f"tutor{h.pk}@host.example",
                preferred_language="en",
                languages=["en"],
                is_tutor=True,
            )
            for h in host_objs
        ]
        report.add("contacts", copy_rows(Contact, tutors))
        tutor_by_host = {t.organisation_id: t for t in tutors}

        # --- one referent per centre and one network admin per chamber
        user_ids = _next_ids(User, centres + chambers_n)
        users, memberships = [], []
        for c in centre_objs:
            uid = next(user_ids)
            users.append(
                User(
                    id=uid,
                    email=f"referent{c.pk}@scale.example",
                    password=password,
                    first_name="Réf",
                    last_name=f"{c.pk}",
                    preferred_language="fr",
                    is_active=True,
                    date_joined=timezone.now(),
                )
            )
            memberships.append(
                Membership(user_id=uid, organisation_id=c.pk, role=Role.REFERENT, is_active=True)
            )
        for ch in chambers:
            uid = next(user_ids)
            users.append(
                User(
                    id=uid,
                    email=f"admin{ch.pk}@scale.example",
                    password=password,
                    first_name="Admin",
                    last_name=f"{ch.pk}",
                    preferred_language="fr",
                    is_active=True,
                    date_joined=timezone.now(),
                )
            )
            memberships.append(
                Membership(user_id=uid, organisation_id=ch.pk, role=Role.NETWORK_ADMIN, is_active=True)
            )
        report.add("users", copy_rows(User, users))
        Membership.objects.bulk_create(memberships, batch_size=2000)

        qualification = Qualification.objects.get_or_create(
            code="SCALE-CAP",
            network=None,
            defaults={"title": "Métier synthétique", "diploma": "CAP", "eqf_level": 3},
        )[0]
        projects = [
            Project.objects.create(
                organisation_id=ch.pk,
                title=f"Projet {ch.pk}",
                start_date=date(today.year - 2, 9, 1),
                end_date=date(today.year + 1, 8, 31),
                key_action="KA121",
            )
            for ch in chambers
        ]
        project_by_chamber = {p.organisation_id: p for p in projects}

        # --- learners
        learner_ids = _next_ids(Learner, learners)
        learner_objs = []
        for i in range(learners):
            centre = centre_objs[i % centres]
            born = date(today.year - rng.randint(16, 24), rng.randint(1, 12), rng.randint(1, 28))
            minor = (today - born).days < 18 * 365
            learner_objs.append(
                Learner(
                    id=next(learner_ids),
                    centre_id=centre.pk,
                    kind=ParticipantKind.LEARNER,
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    date_of_birth=born,
                    sex=rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, ""]),
                    national_id=f"{i + 1:09d}SC",
                    email=f"learner{i + 1}@scale.example",
                    nationality="FR",
                    preferred_language="fr",
                    qualification_id=qualification.pk,
                    trade=rng.choice(TRADES),
                    training_year=rng.randint(1, 2),
                    fewer_opportunities=rng.random() < 0.18,
                    guardian_name="Parent" if minor else "",
                    guardian_email="parent@famille.example" if minor else "",
                )
            )
        report.add("learners", copy_rows(Learner, learner_objs))

        # --- mobilities, one per learner at most (no overlaps), spread over three years
        centre_by_id = {c.pk: c for c in centre_objs}
        mob_ids = _next_ids(Mobility, mobilities)
        mob_objs, checklist, followups, agreements = [], [], [], []
        statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
        agreement_ids = _next_ids(LearningAgreement, mobilities)
        for i in range(min(mobilities, learners)):
            learner = learner_objs[(i * 7919) % learners]
            status = rng.choices(statuses, weights)[0]
            activity = rng.choice(learner_types)
            days = rng.randint(max(activity.min_days or 5, 5), min(activity.max_days or 30, 120))
            if status in (MobilityStatus.DRAFT, MobilityStatus.PLANNED, MobilityStatus.CONFIRMED):
                start = today + timedelta(days=rng.randint(5, 200))
            elif status == MobilityStatus.IN_PROGRESS:
                start = today - timedelta(days=rng.randint(0, max(0, days - 2)))
            else:
                start = today - timedelta(days=days + rng.randint(5, 700))
            end = start + timedelta(days=days - 1)
            host = host_objs[(i * 31) % hosts]
            centre = centre_by_id[learner.centre_id]
            pk = next(mob_ids)
            mob_objs.append(
                Mobility(
                    id=pk,
                    centre_id=learner.centre_id,
                    reference=f"MOB-{start:%Y}-{pk:06d}",
                    participant_id=learner.pk,
                    project_id=project_by_chamber[centre.network_id].pk,
                    activity_type_id=activity.pk,
                    direction=Direction.OUTGOING,
                    sending_organisation_id=learner.centre_id,
                    host_organisation_id=host.pk,
                    host_tutor_id=tutor_by_host[host.pk].pk,
                    host_city=host.city,
                    host_country=host.country,
                    planned_start=start,
                    planned_end=end,
                    status=status,
                    travel_days=2,
                    long_term=days >= 90,
                    evaluation_due=end + timedelta(days=14),
                    actual_start=start if status not in statuses[:3] else None,
                    actual_end=end
                    if status
                    in (MobilityStatus.COMPLETED, MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED)
                    else None,
                    status_reason="Synthetic"
                    if status in (MobilityStatus.CANCELLED, MobilityStatus.INTERRUPTED)
                    else "",
                )
            )
            agreements.append(
                LearningAgreement(
                    id=next(agreement_ids),
                    mobility_id=pk,
                    version=1,
                    language="fr",
                    status=AgreementStatus.SIGNED
                    if status not in (MobilityStatus.DRAFT, MobilityStatus.PLANNED)
                    else AgreementStatus.DRAFT,
                    objectives="Réaliser les activités du métier en entreprise à l'étranger.",
                )
            )
            for order, offset in enumerate((-60, -30, -14, -7, 2, 7, 21)):
                anchor = start if offset < 7 else end
                due = anchor + timedelta(days=offset)
                checklist.append(
                    ChecklistItem(
                        mobility_id=pk,
                        step="prepare" if offset < 0 else ("monitor" if offset < 7 else "evaluate"),
                        title=f"Tâche {order + 1}",
                        due_date=due,
                        order=order,
                        done_at=timezone.now() if due < today and rng.random() < 0.85 else None,
                    )
                )
            step = 7 if days < 30 else 14 if days < 90 else 30
            d = start + timedelta(days=step)
            while d < end:
                followups.append(
                    FollowUp(
                        mobility_id=pk,
                        scheduled_for=d,
                        done_on=d if d < today and rng.random() < 0.8 else None,
                    )
                )
                d += timedelta(days=step)
        report.add("mobilities", copy_rows(Mobility, mob_objs))
        report.add("agreements", copy_rows(LearningAgreement, agreements))
        cl_ids = _next_ids(ChecklistItem, len(checklist))
        for item in checklist:
            item.id = next(cl_ids)
        report.add("checklist items", copy_rows(ChecklistItem, checklist))
        fu_ids = _next_ids(FollowUp, len(followups))
        for fu in followups:
            fu.id = next(fu_ids)
        report.add("follow-ups", copy_rows(FollowUp, followups))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return report


def scale_summary() -> dict[str, Any]:
    return {
        "organisations": Organisation.objects.count(),
        "learners": Learner.objects.count(),
        "mobilities": Mobility.objects.count(),
    }
