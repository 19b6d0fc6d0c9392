"""Demo learners with their qualifications, employers and host companies."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mobility.catalogue.models import ParticipantKind
from mobility.demo.data import (
    DEMO_DOMAIN,
    EMPLOYER_CONTACTS,
    EMPLOYERS,
    FIRST_NAMES,
    GUARDIAN_FIRST,
    HOSTS,
    LAST_NAMES,
    QUALIFICATIONS,
    TRADE_WORDS,
    TRADES_BY_CENTRE,
)
from mobility.learners import services
from mobility.learners.models import Learner, Qualification, Unit
from partners.accounts.models import User
from partners.directory.models import Contact, Organisation, OrganisationKind


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "-")


def in_days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def demo_pdf(label: str) -> SimpleUploadedFile:
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
        f"% {label}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(f"{label}.pdf", body.encode(), content_type="application/pdf")


# --- Catalogue and directory ------------------------------------------------------------------
#: Field of education (ISCED-F 2013) of each demo qualification.
ISCED_F = {
    "CAP-BOULANGER": "0721",
    "CAP-PATISSIER": "0721",
    "BP-BOULANGER": "0721",
    "CAP-CUISINE": "1013",
    "CAP-CSHCR": "1013",
    "CAP-COIFFURE": "1012",
    "BACPRO-MVA": "0716",
    "CAP-MACON": "0732",
    "CAP-MENUISIER": "0722",
    "CAP-ELEC": "0713",
}


def seed_qualifications() -> dict[str, Qualification]:
    found = {}
    for row in QUALIFICATIONS:
        qualification, created = Qualification.objects.get_or_create(
            code=row["code"],
            network=None,
            defaults={
                "title": row["title"],
                "diploma": row["diploma"],
                "eqf_level": row["eqf"],
                "trade": row["trade"],
                "isced_f": ISCED_F.get(row["code"], ""),
            },
        )
        if not qualification.isced_f and ISCED_F.get(row["code"]):
            qualification.isced_f = ISCED_F[row["code"]]
            qualification.save(update_fields=["isced_f"])
        if created:
            Unit.objects.bulk_create(
                [
                    Unit(
                        qualification=qualification,
                        code=code,
                        title=title,
                        suggested_outcomes=outcomes,
                        order=i,
                    )
                    for i, (code, title, outcomes) in enumerate(row["units"])
                ]
            )
        found[row["code"]] = qualification
    return found


def _visible_hosts(network_id: int) -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind__in=(OrganisationKind.HOST_COMPANY, OrganisationKind.PARTNER_SCHOOL))
        .filter(network_id=network_id)
        .order_by("country", "name")
    )


def seed_hosts(network: Organisation, owner: Organisation) -> list[Organisation]:
    """The network's host companies, each with a tutor; a few fictional ones when the directory is empty."""
    hosts = _visible_hosts(network.pk)
    if not hosts:
        for name, city, country, language, (first, last, position) in HOSTS:
            host = Organisation(
                kind=OrganisationKind.HOST_COMPANY,
                name=name,
                city=city,
                country=country,
                email=f"contact@{_ascii(name.split()[1])}-{country.lower()}.example",
                is_sme=True,
                network=network,
                owner_centre=owner,
            )
            host.save()
            Contact.objects.create(
                organisation=host,
                first_name=first,
                last_name=last,
                position=position,
                email=f"{_ascii(first)}.{_ascii(last)}@{country.lower()}-host.example",
                preferred_language=language,
                languages=[language, "en"],
                is_tutor=True,
            )
        hosts = _visible_hosts(network.pk)
    tutored = set(
        Contact.objects.filter(organisation__in=hosts, is_tutor=True).values_list(
            "organisation_id", flat=True
        )
    )
    for host in hosts:
        if host.pk not in tutored:
            Contact.objects.create(
                organisation=host,
                first_name="Alex",
                last_name="Tutor",
                position="Tutor",
                email=f"tutor{host.pk}@host.example",
                preferred_language="en",
                is_tutor=True,
            )
    return hosts


def seed_employers(centre: Organisation, network: Organisation) -> list[Organisation]:
    existing = list(
        Organisation.objects.filter(kind=OrganisationKind.SENDING_EMPLOYER, city=centre.city, network=network)
    )
    if existing:
        return existing
    employers = []
    for index, (name, trade) in enumerate(EMPLOYERS):
        employer = Organisation(
            kind=OrganisationKind.SENDING_EMPLOYER,
            name=f"{name} ({centre.city})",
            short_name=name,
            city=centre.city,
            country="FR",
            sector="C" if trade in ("Boulangerie", "Pâtisserie", "Menuiserie") else "S",
            network=network,
            owner_centre=centre,
            notes=trade,
        )
        employer.save()
        first = EMPLOYER_CONTACTS[index % len(EMPLOYER_CONTACTS)]
        last = LAST_NAMES[(index * 3) % len(LAST_NAMES)]
        Contact.objects.create(
            organisation=employer,
            first_name=first,
            last_name=last,
            position="Maître d'apprentissage",
            email=f"{_ascii(first)}.{_ascii(last)}@employeur-{index}-{centre.pk}.example",
            preferred_language="fr",
            is_employer_contact=True,
        )
        employers.append(employer)
    return employers


def _employs(employer: Organisation, trade: str) -> bool:
    name = f"{employer.name} {employer.notes}".lower()
    return trade.lower() in name or any(word in name for word in TRADE_WORDS.get(trade, ()))


# --- Learners ---------------------------------------------------------------------------------
def seed_learners(
    centre: Organisation,
    count: int,
    qualifications: dict[str, Qualification],
    employers: list[Organisation],
    referent: User,
    rng: random.Random,
) -> None:
    if Learner.objects.filter(centre=centre, email__endswith=DEMO_DOMAIN).exists():
        return
    today = timezone.localdate()
    codes = TRADES_BY_CENTRE.get(centre.name) or list(qualifications)
    contacts = {c.organisation_id: c for c in Contact.objects.filter(organisation__in=employers)}
    used: set[tuple[str, str]] = set()
    for index in range(count):
        staff = index >= count - 3
        while True:
            first, sex = rng.choice(FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            if (first, last) not in used:
                used.add((first, last))
                break
        minor = not staff and rng.random() < 0.38
        age_days = (
            rng.randint(16 * 365 + 30, 17 * 365 + 300) if minor else rng.randint(18 * 365 + 20, 24 * 365)
        )
        if staff:
            age_days = rng.randint(28 * 365, 55 * 365)
        qualification = qualifications[rng.choice(codes)]
        same_trade = [e for e in employers if _employs(e, qualification.trade)]
        employer = rng.choice(same_trade or employers)
        slug = f"{_ascii(first)}.{_ascii(last)}"
        data: dict[str, Any] = {
            "kind": ParticipantKind.STAFF if staff else ParticipantKind.LEARNER,
            "first_name": first,
            "last_name": last,
            "date_of_birth": today - timedelta(days=age_days),
            "sex": sex,
            "email": f"{slug}.{centre.pk}{index}@{DEMO_DOMAIN}",
            "phone": f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "nationality": rng.choice(["FR"] * 12 + ["PT", "MA", "DZ", "SN", "IT", "ES"]),
            "preferred_language": "fr",
            "fewer_opportunities": not staff and rng.random() < 0.18,
            "needs_adaptation": not staff and rng.random() < 0.06,
        }
        if staff:
            data["position"] = rng.choice(
                [
                    "Formatrice en boulangerie",
                    "Formateur en électricité",
                    "Professeur d'anglais",
                    "Chargée de mobilité",
                ]
            )
        else:
            data.update(
                {
                    "qualification": qualification,
                    "trade": qualification.trade,
                    "training_year": rng.choice([1, 1, 2, 2, 2, 3])
                    if qualification.diploma != "CAP"
                    else rng.choice([1, 2]),
                    "employer": employer,
                    "employer_contact": contacts.get(employer.pk),
                    "is_recent_graduate": rng.random() < 0.05,
                }
            )
        if minor:
            guardian = f"{rng.choice(GUARDIAN_FIRST)} {last}"
            data.update(
                {
                    "guardian_name": guardian,
                    "guardian_email": f"famille.{slug}@{DEMO_DOMAIN}",
                    "guardian_phone": f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                }
            )
        services.learner_create(centre=centre, data=data, acting_user=referent)
