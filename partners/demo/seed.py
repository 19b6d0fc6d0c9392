"""Demo organisations, accounts, host companies and tutors. Every person and company is fictional."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from partners.accounts.models import Membership, User
from partners.accounts.roles import Role
from partners.agreements.models import PartnershipAgreement
from partners.audit.services import audit_record
from partners.demo import data as demo_data
from partners.directory.models import Contact, Organisation, OrganisationKind

DEMO_PASSWORD = "demo-mobility-2026"

CHAMBER_A = "Chambre de Métiers et de l'Artisanat de la Région Valdoise"

CHAMBER_B = "Chambre de Métiers de Norvelle"

CENTRES_A = [
    ("CFA des Métiers de Montclar", "CFA Montclar", "Montclar", "12 avenue des Artisans", "E10000101"),
    (
        "CFA du Bâtiment de Saint-Aubrac",
        "CFA Saint-Aubrac",
        "Saint-Aubrac",
        "3 rue du Compagnonnage",
        "E10000102",
    ),
    (
        "Institut des Métiers de Bouche de Lavalette",
        "IMB Lavalette",
        "Lavalette",
        "48 quai des Meuniers",
        "E10000103",
    ),
]

CENTRE_B = (
    "CFA Interprofessionnel de Norvelle",
    "CFA Norvelle",
    "Norvelle",
    "7 place du Marché",
    "E10000201",
)

ACCOUNTS = [
    # email, first, last, organisation name, role, description
    (
        "admin@valdoise.example",
        "Hélène",
        "Marchetti",
        CHAMBER_A,
        Role.NETWORK_ADMIN,
        "network administrator of the Valdoise chamber (sees its three centres)",
    ),
    (
        "direction@montclar.example",
        "Bruno",
        "Lefeuvre",
        "CFA des Métiers de Montclar",
        Role.CENTRE_ADMIN,
        "centre administrator, CFA Montclar",
    ),
    (
        "referent@montclar.example",
        "Camille",
        "Rousseau-Diallo",
        "CFA des Métiers de Montclar",
        Role.REFERENT,
        "mobility referent, CFA Montclar",
    ),
    (
        "referent@saint-aubrac.example",
        "Yannick",
        "Le Goff",
        "CFA du Bâtiment de Saint-Aubrac",
        Role.REFERENT,
        "mobility referent, CFA Saint-Aubrac",
    ),
    (
        "referent@lavalette.example",
        "Inès",
        "Benali",
        "Institut des Métiers de Bouche de Lavalette",
        Role.REFERENT,
        "mobility referent, IMB Lavalette",
    ),
    (
        "lecture@montclar.example",
        "Odile",
        "Ferrand",
        "CFA des Métiers de Montclar",
        Role.READONLY,
        "read-only staff, CFA Montclar",
    ),
    (
        "referent@norvelle.example",
        "Samir",
        "Haddad",
        "CFA Interprofessionnel de Norvelle",
        Role.REFERENT,
        "mobility referent of another chamber (sees none of Valdoise's data)",
    ),
]


def _org(name: str, **fields: Any) -> Organisation:
    org = Organisation.objects.filter(name=name, kind=fields["kind"]).first()
    if org is None:
        org = Organisation(name=name, **fields)
        org.save()
    root = org.parent.network_id if org.parent_id else org.pk
    if org.network_id != root:
        org.network_id = root
        org.save(update_fields=["network"])
    return org


def seed(context: dict) -> None:
    chamber_a = _org(
        CHAMBER_A,
        kind=OrganisationKind.NETWORK,
        short_name="CMA Valdoise",
        country="FR",
        city="Montclar",
        address="1 boulevard de la République",
        oid="E10000100",
        email="mobilite@valdoise.example",
        website="https://valdoise.example",
    )
    chamber_b = _org(
        CHAMBER_B,
        kind=OrganisationKind.NETWORK,
        short_name="CM Norvelle",
        country="FR",
        city="Norvelle",
        address="2 rue de l'Hôtel de Ville",
        oid="E10000200",
    )
    centres = {}
    for name, short, city, address, oid in CENTRES_A:
        centres[name] = _org(
            name,
            kind=OrganisationKind.TRAINING_CENTRE,
            short_name=short,
            parent=chamber_a,
            country="FR",
            city=city,
            address=address,
            oid=oid,
            email=f"mobilite@{city.lower().replace(' ', '-').replace('é', 'e')}.example",
        )
    name, short, city, address, oid = CENTRE_B
    centres[name] = _org(
        name,
        kind=OrganisationKind.TRAINING_CENTRE,
        short_name=short,
        parent=chamber_b,
        country="FR",
        city=city,
        address=address,
        oid=oid,
    )
    orgs = {CHAMBER_A: chamber_a, CHAMBER_B: chamber_b, **centres}

    logins = context.setdefault("logins", [])
    for email, first, last, org_name, role, description in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, preferred_language="fr"
            )
        Membership.objects.get_or_create(user=user, organisation=orgs[org_name], defaults={"role": role})
        logins.append((email, description))

    operator = User.objects.filter(email="operator@mobility.example").first()
    if operator is None:
        User.objects.create_superuser(
            email="operator@mobility.example",
            password=DEMO_PASSWORD,
            first_name="Platform",
            last_name="Operator",
            preferred_language="en",
        )
    logins.append(("operator@mobility.example", "platform operator (Django admin at /admin/)"))
    context["password"] = DEMO_PASSWORD
    context["organisations"] = orgs
    by_key = {
        "montclar": centres[CENTRES_A[0][0]],
        "aubrac": centres[CENTRES_A[1][0]],
        "lavalette": centres[CENTRES_A[2][0]],
        "norvelle": centres[CENTRE_B[0]],
    }
    context["directory"] = _seed_directory(by_key)
    _seed_agreements(by_key, context["directory"])
    _seed_recoveries()


def _seed_recoveries() -> None:
    """What the operator's Recoveries screen shows after a few broker hiccups (idempotent)."""
    from datetime import timedelta

    from django.utils import timezone

    from partners.broker.models import Recovery, RecoveryCause

    now = timezone.now()
    for kind, cause, count, days in (
        ("document job", RecoveryCause.NEVER_PUBLISHED, 3, 12),
        ("document job", RecoveryCause.RENDERER_DEAD, 1, 4),
        ("e-mail", RecoveryCause.STALE, 2, 12),
    ):
        Recovery.objects.update_or_create(
            kind=kind, cause=cause, defaults={"count": count, "last_at": now - timedelta(days=days)}
        )


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


# Formats (OID, PIC, e-mail, phone…) are checked; relations and constraints are ours by construction,
# and checking them would cost a query each.
_FORMATS_ONLY: dict[str, Any] = {
    "exclude": ["network", "owner_centre", "parent", "organisation"],
    "validate_unique": False,
    "validate_constraints": False,
}


def _directory_entry(name: str, kind: str, owner: Organisation, **fields: Any) -> Organisation:
    network_id = owner.network_id or owner.pk
    org = Organisation.objects.filter(name=name, kind=kind, network_id=network_id).first()
    if org is None:
        org = Organisation(name=name, kind=kind, owner_centre=owner, network_id=network_id, **fields)
        org.full_clean(**_FORMATS_ONLY)
        org.save()
        audit_record(action="organisation.create", actor_label="Demo data", target=org, centre_id=owner.pk)
    return org


def _contact(org: Organisation, owner: Organisation, first: str, last: str, **fields: Any) -> Contact:
    contact = Contact.objects.filter(organisation=org, first_name=first, last_name=last).first()
    if contact is None:
        domain = _slug(org.short_name or org.name)[:40]
        email = f"{_slug(first)}.{_slug(last)}@{domain}.example".replace("-.", ".")
        contact = Contact(
            organisation=org, first_name=first, last_name=last, email=email, owner_centre=owner, **fields
        )
        contact.full_clean(**_FORMATS_ONLY)
        contact.save()
    return contact


def _seed_directory(centres: dict[str, Organisation]) -> dict[str, Organisation]:
    """Host companies in many countries (a few outside Europe), their tutors, employers, intermediaries."""
    found: dict[str, Organisation] = {}
    for row in demo_data.HOST_COMPANIES:
        name, short, country, city, postcode, address, sector, sme, oid, pic, vat, phone, key, tutors = row
        owner = centres[key]
        domain = _slug(short)[:40]
        org = _directory_entry(
            name,
            OrganisationKind.HOST_COMPANY,
            owner,
            short_name=short,
            country=country,
            city=city,
            postcode=postcode,
            address=address,
            sector=sector,
            is_sme=sme,
            oid=oid,
            pic=pic,
            national_id=vat,
            phone=phone,
            email=f"contact@{domain}.example",
            website=f"https://{domain}.example",
        )
        for first, last, position, language, languages in tutors:
            _contact(
                org,
                owner,
                first,
                last,
                position=position,
                preferred_language=language,
                languages=languages,
                is_tutor=True,
            )
        found[name] = org
    for name, country, city, address, oid, phone, key, person in demo_data.INTERMEDIARIES:
        owner = centres[key]
        org = _directory_entry(
            name,
            OrganisationKind.INTERMEDIARY,
            owner,
            country=country,
            city=city,
            address=address,
            oid=oid,
            phone=phone,
            email=f"info@{_slug(name)[:40]}.example",
            sector="N",
        )
        first, last, position, language = person
        _contact(
            org,
            owner,
            first,
            last,
            position=position,
            preferred_language=language,
            languages=[language, "en"],
            is_reference_person=True,
        )
        found[name] = org
    for name, country, city, address, oid, key, person in demo_data.PARTNER_SCHOOLS:
        owner = centres[key]
        org = _directory_entry(
            name,
            OrganisationKind.PARTNER_SCHOOL,
            owner,
            country=country,
            city=city,
            address=address,
            oid=oid,
            sector="P",
            is_sme=True,
            email=f"erasmus@{_slug(name)[:40]}.example",
        )
        first, last, position, language = person
        _contact(
            org,
            owner,
            first,
            last,
            position=position,
            preferred_language=language,
            languages=[language, "en"],
            is_reference_person=True,
        )
        found[name] = org
    for name, city, address, siret, sector, key, person in demo_data.SENDING_EMPLOYERS:
        owner = centres[key]
        org = _directory_entry(
            name,
            OrganisationKind.SENDING_EMPLOYER,
            owner,
            country="FR",
            city=city,
            address=address,
            national_id=siret,
            sector=sector,
            is_sme=True,
            email=f"contact@{_slug(name)[:40]}.example",
        )
        first, last, position = person
        _contact(
            org,
            owner,
            first,
            last,
            position=position,
            preferred_language="fr",
            languages=["fr"],
            is_employer_contact=True,
        )
        found[name] = org
    return found


# A one-page PDF: enough for the signed-copy download of the demo agreements.
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _seed_agreements(centres: dict[str, Organisation], directory: dict[str, Organisation]) -> None:
    today = timezone.localdate()
    for title, reference, key, partner_names, starts, ends, scope, signed in demo_data.AGREEMENTS:
        owner = centres[key]
        if PartnershipAgreement.objects.filter(owner_centre=owner, reference=reference).exists():
            continue
        agreement = PartnershipAgreement(
            owner_centre=owner,
            title=title,
            reference=reference,
            valid_from=today + timedelta(days=starts),
            valid_until=today + timedelta(days=ends),
            scope=scope,
        )
        if signed:
            agreement.signed_copy.save(f"{reference}.pdf", ContentFile(_DEMO_PDF), save=False)
        agreement.save()
        agreement.partners.set([directory[n] for n in partner_names])
        audit_record(action="agreement.create", actor_label="Demo data", target=agreement, centre_id=owner.pk)
