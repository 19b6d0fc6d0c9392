"""Demo learners and mobilities: about 200 participants, 80 mobilities in every status, groups,
agreements, checklists, follow-ups and documents. Every person and company is fictional.

Idempotent: a centre that already has demo learners (or mobilities) is left as it is. Dates are
relative to the day of seeding, so that the dashboard always has departures, people abroad and
evaluations to chase. Everything goes through the services, as a referent's clicks would, so the
history of each mobility reads like real work.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.models import Contact, Organisation, OrganisationKind, User

from . import catalogue, services
from .evaluations import recognition_record, recognition_units
from .models import (
    ActivityType,
    DocumentType,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    Learner,
    Mobility,
    MobilityGroup,
    MobilityStatus,
    OutcomeAssessment,
    OutcomeResult,
    ParticipantKind,
    Party,
    Project,
    Qualification,
    RecognitionDecision,
    SignatureMethod,
    Unit,
)

DEMO_DOMAIN = "apprentis-demo.example"

# --- Qualifications: French diplomas, their units and the outcomes a referent would suggest --
QUALIFICATIONS: list[dict[str, Any]] = [
    {
        "code": "CAP-BOULANGER",
        "diploma": "CAP",
        "title": "Boulanger",
        "eqf": 3,
        "trade": "Boulangerie",
        "units": [
            (
                "UP1",
                "Approvisionnement, stockage et préparation des produits",
                "Réceptionne et range les matières premières en respectant la chaîne du froid\n"
                "Pèse et prépare les ingrédients d'une fournée à partir de la fiche technique",
            ),
            (
                "UP2",
                "Fabrication des pains et viennoiseries",
                "Réalise une pâte levée en respectant la recette et les règles d'hygiène de l'entreprise d'accueil\n"
                "Façonne des pains réguliers aux formes de la boulangerie d'accueil\n"
                "Conduit la cuisson d'une fournée en contrôlant la coloration et le développement",
            ),
        ],
    },
    {
        "code": "CAP-PATISSIER",
        "diploma": "CAP",
        "title": "Pâtissier",
        "eqf": 3,
        "trade": "Pâtisserie",
        "units": [
            (
                "UP1",
                "Tour, petits fours secs et moelleux, gâteaux de voyage",
                "Réalise une pâte feuilletée en respectant les temps de repos\n"
                "Prépare une série de petits fours réguliers en taille et en cuisson",
            ),
            (
                "UP2",
                "Entremets et petits gâteaux",
                "Monte un entremets à partir d'une fiche technique de l'entreprise d'accueil\n"
                "Décore une série de petits gâteaux selon le modèle donné par le tuteur",
            ),
        ],
    },
    {
        "code": "CAP-CUISINE",
        "diploma": "CAP",
        "title": "Cuisine",
        "eqf": 3,
        "trade": "Cuisine",
        "units": [
            (
                "UP1",
                "Organisation de la production de cuisine",
                "Organise son poste de travail pour un service en respectant la marche en avant\n"
                "Applique le plan de nettoyage et les règles HACCP de la cuisine d'accueil",
            ),
            (
                "UP2",
                "Réalisation de la production de cuisine",
                "Prépare les mises en place d'un service selon les fiches techniques de l'établissement\n"
                "Réalise et dresse un plat de la carte dans le temps imparti du service\n"
                "Cuisine une recette régionale du pays d'accueil sous le contrôle du chef",
            ),
        ],
    },
    {
        "code": "CAP-CSHCR",
        "diploma": "CAP",
        "title": "Commercialisation et services en hôtel-café-restaurant",
        "eqf": 3,
        "trade": "Service en salle",
        "units": [
            (
                "UP1",
                "Organisation des prestations en HCR",
                "Met en place la salle pour un service selon les standards de l'établissement",
            ),
            (
                "UP2",
                "Accueil, commercialisation et services en HCR",
                "Accueille et installe la clientèle dans la langue du pays ou en anglais\n"
                "Prend une commande et conseille un plat ou une boisson de la carte",
            ),
        ],
    },
    {
        "code": "BP-BOULANGER",
        "diploma": "BP",
        "title": "Boulanger",
        "eqf": 4,
        "trade": "Boulangerie",
        "units": [
            (
                "U1",
                "Fabrications de boulangerie",
                "Conduit une fermentation sur levain en adaptant les temps à la température du fournil\n"
                "Réalise une gamme de pains spéciaux du pays d'accueil",
            ),
            (
                "U2",
                "Gestion de l'entreprise",
                "Calcule le coût de revient d'une fabrication avec le responsable de l'entreprise d'accueil",
            ),
        ],
    },
    {
        "code": "CAP-COIFFURE",
        "diploma": "CAP",
        "title": "Métiers de la coiffure",
        "eqf": 3,
        "trade": "Coiffure",
        "units": [
            (
                "UP1",
                "Réalisation de prestations de coiffure",
                "Réalise un shampooing et un soin adaptés au cuir chevelu du client\n"
                "Exécute une coupe homme selon la demande du client et la technique du salon",
            ),
            (
                "UP2",
                "Relation client et participation à l'activité de l'entreprise",
                "Accueille un client et recueille sa demande, en anglais si besoin\n"
                "Range et entretient le poste de travail selon les règles d'hygiène du salon",
            ),
        ],
    },
    {
        "code": "BACPRO-MVA",
        "diploma": "Bac pro",
        "title": "Maintenance des véhicules, option voitures particulières",
        "eqf": 4,
        "trade": "Mécanique automobile",
        "units": [
            (
                "U31",
                "Réalisation d'interventions de maintenance",
                "Réalise une vidange et le remplacement des filtres selon la fiche constructeur\n"
                "Remplace les plaquettes et disques de frein en respectant les couples de serrage",
            ),
            (
                "U32",
                "Diagnostic d'un dysfonctionnement",
                "Lit les codes défaut avec l'outil de diagnostic de l'atelier et en rend compte au tuteur",
            ),
        ],
    },
    {
        "code": "CAP-MACON",
        "diploma": "CAP",
        "title": "Maçon",
        "eqf": 3,
        "trade": "Maçonnerie",
        "units": [
            (
                "UP1",
                "Réalisation d'ouvrages courants",
                "Monte un mur en blocs béton d'aplomb et de niveau\n"
                "Prépare un mortier au dosage indiqué par le chef de chantier",
            ),
            (
                "UP2",
                "Travaux de finition et sécurité",
                "Applique les règles de sécurité du chantier d'accueil (port des EPI, balisage)",
            ),
        ],
    },
    {
        "code": "CAP-MENUISIER",
        "diploma": "CAP",
        "title": "Menuisier fabricant",
        "eqf": 3,
        "trade": "Menuiserie",
        "units": [
            (
                "UP1",
                "Fabrication d'un ouvrage de menuiserie",
                "Débite et usine des pièces de bois sur machines stationnaires en sécurité\n"
                "Assemble un meuble simple selon le plan de l'atelier d'accueil",
            ),
            (
                "UP2",
                "Pose et finition",
                "Applique une finition (vernis, huile) sur un ouvrage selon la fiche produit",
            ),
        ],
    },
    {
        "code": "CAP-ELEC",
        "diploma": "CAP",
        "title": "Électricien",
        "eqf": 3,
        "trade": "Électricité",
        "units": [
            (
                "UP1",
                "Réalisation d'une installation électrique",
                "Réalise le câblage d'un tableau divisionnaire selon le schéma fourni\n"
                "Pose des appareillages en respectant les normes du pays d'accueil",
            ),
            (
                "UP2",
                "Mise en service",
                "Effectue les contrôles avant mise sous tension sous la responsabilité du tuteur",
            ),
        ],
    },
]

TRADES_BY_CENTRE = {
    "CFA des Métiers de Montclar": [
        "CAP-BOULANGER",
        "CAP-PATISSIER",
        "CAP-COIFFURE",
        "BACPRO-MVA",
        "BP-BOULANGER",
    ],
    "CFA du Bâtiment de Saint-Aubrac": ["CAP-MACON", "CAP-MENUISIER", "CAP-ELEC"],
    "Institut des Métiers de Bouche de Lavalette": [
        "CAP-CUISINE",
        "CAP-CSHCR",
        "CAP-PATISSIER",
        "CAP-BOULANGER",
    ],
    "CFA Interprofessionnel de Norvelle": ["CAP-BOULANGER", "CAP-ELEC", "CAP-COIFFURE", "BACPRO-MVA"],
}
LEARNERS_PER_CENTRE = {
    "CFA des Métiers de Montclar": 80,
    "CFA du Bâtiment de Saint-Aubrac": 42,
    "Institut des Métiers de Bouche de Lavalette": 45,
    "CFA Interprofessionnel de Norvelle": 33,
}
REFERENTS = {
    "CFA des Métiers de Montclar": "referent@montclar.example",
    "CFA du Bâtiment de Saint-Aubrac": "referent@saint-aubrac.example",
    "Institut des Métiers de Bouche de Lavalette": "referent@lavalette.example",
    "CFA Interprofessionnel de Norvelle": "referent@norvelle.example",
}

FIRST_NAMES = [
    ("Léa", "F"), ("Emma", "F"), ("Chloé", "F"), ("Inès", "F"), ("Jade", "F"), ("Manon", "F"), ("Camille", "F"),
    ("Sarah", "F"), ("Lina", "F"), ("Zoé", "F"), ("Maëlys", "F"), ("Louise", "F"), ("Yasmine", "F"), ("Clara", "F"),
    ("Anaïs", "F"), ("Océane", "F"), ("Aya", "F"), ("Noémie", "F"), ("Lucas", "M"), ("Hugo", "M"), ("Nathan", "M"),
    ("Enzo", "M"), ("Théo", "M"), ("Mathis", "M"), ("Tom", "M"), ("Noah", "M"), ("Rayan", "M"), ("Adam", "M"),
    ("Maxime", "M"), ("Kylian", "M"), ("Baptiste", "M"), ("Yanis", "M"), ("Romain", "M"), ("Mehdi", "M"),
    ("Clément", "M"), ("Jules", "M"), ("Evan", "M"), ("Samuel", "M"), ("Ilyes", "M"), ("Bastien", "M"),
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier",
    "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Benali",
    "Nguyen", "Diallo", "Traoré", "Da Silva", "Kowalski", "Haddad", "Le Gall", "Le Bihan", "Ferreira", "Meyer",
]  # fmt: skip
EMPLOYER_CONTACTS = ["Patrick", "Valérie", "Olivier", "Martine", "Didier", "Céline", "Franck", "Agnès", "Thierry", "Sophie", "Éric", "Nadia"]  # fmt: skip
GUARDIAN_FIRST = [
    "Nathalie",
    "Sandrine",
    "Isabelle",
    "Karima",
    "Stéphane",
    "Laurent",
    "Christophe",
    "Sylvie",
    "Frédéric",
]

# Host companies created only when the directory has none for the network (fictional, .example).
HOSTS = [
    ("Panadería La Espiga S.L.", "Valencia", "ES", "es", ("Lucía", "Ortega", "Maestra panadera")),
    ("Pastelería Dulce Mar S.L.", "Valencia", "ES", "es", ("Javier", "Muñoz", "Jefe de obrador")),
    ("Restaurante El Puerto S.L.", "Málaga", "ES", "es", ("Carmen", "Ruiz", "Jefa de cocina")),
    ("Bäckerei Sonnenkorn GmbH", "Freiburg im Breisgau", "DE", "de", ("Jonas", "Keller", "Bäckermeister")),
    ("Autohaus Rheinblick GmbH", "Köln", "DE", "de", ("Miriam", "Schäfer", "Werkstattleiterin")),
    ("Holzwerkstatt Baumann KG", "Leipzig", "DE", "de", ("Tobias", "Baumann", "Tischlermeister")),
    ("Forno San Lorenzo S.r.l.", "Bologna", "IT", "it", ("Giulia", "Ferri", "Responsabile di laboratorio")),
    ("Salone Bellavista S.r.l.", "Torino", "IT", "it", ("Marco", "Conti", "Titolare")),
    ("Harbour Kitchen Ltd", "Cork", "IE", "en", ("Siobhán", "Byrne", "Head chef")),
    ("Lisboa Eletricidade Lda", "Lisboa", "PT", "pt", ("Rui", "Carvalho", "Encarregado")),
    ("Budowa Kraków Sp. z o.o.", "Kraków", "PL", "pl", ("Agnieszka", "Nowak", "Kierownik budowy")),
    ("Boulangerie du Sahel SARL", "Saint-Louis", "SN", "fr", ("Aminata", "Ndiaye", "Cheffe boulangère")),
]
EMPLOYERS = [
    ("Boulangerie Durand", "Boulangerie"),
    ("Pâtisserie Les Délices d'Anaïs", "Pâtisserie"),
    ("Salon Hair Studio", "Coiffure"),
    ("Garage des Tilleuls", "Mécanique automobile"),
    ("Maçonnerie Lebrun et Fils", "Maçonnerie"),
    ("Menuiserie Artisanale Petit", "Menuiserie"),
    ("Électricité Générale Roux", "Électricité"),
    ("Restaurant Le Relais", "Cuisine"),
    ("Brasserie du Marché", "Service en salle"),
    ("Garage Central Automobiles", "Mécanique automobile"),
    ("Boulangerie Au Pain Doré", "Boulangerie"),
    ("Coiffure Élégance", "Coiffure"),
]


#: The language of work in each host country of the demo.
HOST_LANGUAGES = {
    "ES": "es",
    "DE": "de",
    "IT": "it",
    "PT": "pt",
    "PL": "pl",
    "SN": "fr",
    "MA": "fr",
    "BE": "fr",
}


@dataclass
class Plan:
    status: str
    start: int  # days from today
    days: int
    activity: str = "vet-short-term"
    host_signs_outside: bool = False


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "-")


def _days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def _pdf(label: str) -> SimpleUploadedFile:
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
        f"% {label}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(f"{label}.pdf", body.encode(), content_type="application/pdf")


# --- Catalogue and directory ------------------------------------------------------------------
def _qualifications() -> dict[str, Qualification]:
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
            },
        )
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


def _hosts(network: Organisation, owner: Organisation) -> list[Organisation]:
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


def _employers(centre: Organisation, network: Organisation) -> list[Organisation]:
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


#: Words in an employer's name that tell its trade (the directory has no trade field).
TRADE_WORDS = {
    "Boulangerie": ("boulang", "pain", "blé"),
    "Pâtisserie": ("pâtiss", "patiss", "délices"),
    "Cuisine": ("restaurant", "auberge", "relais"),
    "Service en salle": ("brasserie", "restaurant", "café"),
    "Coiffure": ("coiff", "hair"),
    "Mécanique automobile": ("garage", "auto"),
    "Maçonnerie": ("maçon", "macon", "bâti"),
    "Menuiserie": ("menuis", "charpent", "bois"),
    "Électricité": ("électr", "electr"),
}


def _employs(employer: Organisation, trade: str) -> bool:
    name = f"{employer.name} {employer.notes}".lower()
    return trade.lower() in name or any(word in name for word in TRADE_WORDS.get(trade, ()))


# --- Learners ---------------------------------------------------------------------------------
def _learners(
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


# --- Mobilities -------------------------------------------------------------------------------
#: One row per individual mobility of Montclar; the other centres take a share of the same mix.
PLANS = [
    Plan(MobilityStatus.CERTIFIED, -230, 26),
    Plan(MobilityStatus.CERTIFIED, -200, 21),
    Plan(MobilityStatus.CERTIFIED, -170, 28, host_signs_outside=True),
    Plan(MobilityStatus.EVALUATED, -120, 26),
    Plan(MobilityStatus.EVALUATED, -95, 21),
    Plan(MobilityStatus.EVALUATED, -80, 19),
    Plan(MobilityStatus.COMPLETED, -60, 28),
    Plan(MobilityStatus.COMPLETED, -45, 26),
    Plan(MobilityStatus.COMPLETED, -40, 21, host_signs_outside=True),
    Plan(MobilityStatus.COMPLETED, -35, 19),
    Plan(MobilityStatus.INTERRUPTED, -20, 28),
    Plan(MobilityStatus.IN_PROGRESS, -14, 26),
    Plan(MobilityStatus.IN_PROGRESS, -10, 21),
    Plan(MobilityStatus.IN_PROGRESS, -7, 26, host_signs_outside=True),
    Plan(MobilityStatus.IN_PROGRESS, -3, 19),
    Plan(MobilityStatus.IN_PROGRESS, -40, 120, "vet-long-term"),
    Plan(MobilityStatus.CONFIRMED, 6, 21),
    Plan(MobilityStatus.CONFIRMED, 12, 26),
    Plan(MobilityStatus.CONFIRMED, 20, 28),
    Plan(MobilityStatus.PLANNED, 9, 21),
    Plan(MobilityStatus.PLANNED, 18, 26),
    Plan(MobilityStatus.PLANNED, 26, 19),
    Plan(MobilityStatus.PLANNED, 40, 28),
    Plan(MobilityStatus.PLANNED, 55, 180, "placement-outside-europe"),
    Plan(MobilityStatus.DRAFT, 60, 21),
    Plan(MobilityStatus.DRAFT, 75, 26),
    Plan(MobilityStatus.DRAFT, 95, 120, "vet-long-term"),
    Plan(MobilityStatus.CANCELLED, 30, 21),
]
SHARE = {
    "CFA des Métiers de Montclar": slice(0, None),
    "CFA du Bâtiment de Saint-Aubrac": slice(1, None, 3),
    "Institut des Métiers de Bouche de Lavalette": slice(0, None, 2),
    "CFA Interprofessionnel de Norvelle": slice(2, None, 3),
}
TASKS = (
    "Préparation et mise en place du poste de travail selon les habitudes de l'entreprise d'accueil.\n"
    "Participation à la production quotidienne aux côtés du tuteur.\n"
    "Nettoyage et rangement en fin de journée selon le plan d'hygiène."
)


def _project_for(projects: list[Project], start: date, end: date) -> Project | None:
    """The most recent project whose dates hold the mobility."""
    newest_first = sorted(projects, key=lambda p: p.start_date, reverse=True)
    return next((p for p in newest_first if p.start_date <= start and end <= p.end_date), None)


def _projects(centre: Organisation, referent: User) -> list[Project]:
    today = timezone.localdate()
    rows = [
        (f"{today.year - 1}-1-FR01-KA121-VET-{centre.pk:04d}0001", f"Accréditation Erasmus+ {today.year - 1}", today.year - 1,
         date(today.year - 1, 6, 1), date(today.year + 1, 8, 31)),
        (f"{today.year}-1-FR01-KA121-VET-{centre.pk:04d}0002", f"Accréditation Erasmus+ {today.year}", today.year,
         date(today.year, 6, 1), date(today.year + 2, 8, 31)),
    ]  # fmt: skip
    projects = []
    for number, title, year, start, end in rows:
        project = Project.objects.filter(grant_agreement_number=number).first()
        if project is None:
            project = services.project_create(
                organisation=centre,
                data={
                    "title": f"{title} — {centre.display_name}",
                    "grant_agreement_number": number,
                    "key_action": "KA121",
                    "call_year": year,
                    "start_date": start,
                    "end_date": end,
                    "budget_lines": [
                        {"code": "OS", "label": "Soutien organisationnel", "amount": 18000.0},
                        {"code": "TRAV", "label": "Voyage", "amount": 12500.0},
                        {"code": "IND", "label": "Soutien individuel", "amount": 46000.0},
                    ],
                },
                acting_user=referent,
            )
        projects.append(project)
    return projects


def _agreement_and_signatures(mobility: Mobility, referent: User, plan: Plan, rng: random.Random) -> None:
    learner = mobility.participant
    units = list(learner.qualification.units.all()) if learner.qualification_id else []
    chosen = units[:2] if mobility.duration_days > 14 else units[:1]
    outcomes = []
    for unit in chosen:
        for line in unit.suggested_outcomes.splitlines()[:2]:
            outcomes.append({"unit": unit, "category": "skills", "description": line})
    if not outcomes:
        outcomes = [
            {
                "category": "knowledge",
                "description": "Observe l'organisation de la formation en entreprise et en rend compte à l'équipe pédagogique",
            }
        ]
    guide = mobility.activity_type.guidance_in("fr")
    agreement = services.agreement_save(
        mobility=mobility,
        data={
            "language": "fr",
            "placement_language": HOST_LANGUAGES.get(mobility.host_country.code, "en"),
            "objectives": guide.get("objectives", ""),
            "tasks": TASKS,
            "hours_per_week": 35,
            "working_schedule": "du lundi au vendredi, horaires de l'entreprise",
            "assessor": f"{mobility.host_tutor.full_name}, tuteur d'accueil"
            if mobility.host_tutor_id
            else "Le tuteur d'accueil",
            "assessment_method": guide.get("assessment", ""),
            "assessment_timing": "Dernière semaine du stage",
            "recognition_arrangements": "Les unités évaluées à l'étranger sont prises en compte par le jury du CFA "
            "au vu de la grille d'évaluation signée.",
        },
        outcomes=outcomes,
        units=chosen,
        acting_user=referent,
    )
    for party in services.agreement_required_parties(agreement=agreement):
        outside = party == Party.HOST and plan.host_signs_outside
        names = {
            Party.LEARNER: learner.full_name,
            Party.GUARDIAN: learner.guardian_name,
            Party.SENDING: referent.get_full_name(),
            Party.HOST: mobility.host_tutor.full_name if mobility.host_tutor_id else "Host",
            Party.INTERMEDIARY: mobility.intermediary.display_name if mobility.intermediary_id else "",
        }
        services.agreement_sign(
            agreement=agreement,
            party=party,
            signer_name=names.get(party) or "Signataire",
            method=SignatureMethod.OUTSIDE if outside else SignatureMethod.IN_APP,
            scan=_pdf(f"contrat-signe-{mobility.reference}") if outside else None,
            acting_user=referent,
        )


def _documents(mobility: Mobility, referent: User, doc_types: dict[str, DocumentType]) -> None:
    learner = mobility.participant
    minor = learner.is_minor_on(mobility.planned_start)
    for doc_type in mobility.activity_type.required_documents.all():
        if doc_type.required_for_minors_only and not minor:
            continue
        valid_until = (
            mobility.planned_end + timedelta(days=30) if doc_type.code in ("insurance", "ehic") else None
        )
        services.document_upload(
            learner=learner,
            mobility=mobility,
            document_type=doc_type,
            upload=_pdf(f"{doc_type.code}-{learner.last_name.lower()}"),
            valid_until=valid_until,
            acting_user=referent,
        )
    if minor and not learner.consents.exists():
        services.consent_record(
            learner=learner,
            given_on=min(timezone.localdate(), mobility.planned_start - timedelta(days=30)),
            given_by=learner.guardian_name or f"Parent de {learner.first_name}",
            scan=_pdf(f"autorisation-{learner.last_name.lower()}"),
            acting_user=referent,
        )


def _tick_past_work(mobility: Mobility, referent: User, rng: random.Random, keep_late: bool) -> None:
    """Tasks and follow-ups whose date has passed were done (but for a few, so that some are late)."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    label = referent.get_full_name()
    for item in mobility.checklist.filter(done_at__isnull=True, due_date__lt=today):
        if keep_late and rng.random() < 0.12:
            continue
        item.done_at = datetime.combine(item.due_date, time(10, 30), tzinfo=tz)
        item.done_by = referent
        item.done_by_label = label
        item.save(update_fields=["done_at", "done_by", "done_by_label"])
    notes = [
        "Bonne intégration dans l'équipe, le tuteur est satisfait.",
        "Un peu de fatigue avec les horaires du matin, sinon tout va bien.",
        "Progrès nets sur le façonnage ; travaille en autonomie sur une partie de la production.",
        "Point avec le tuteur : ponctualité à surveiller, bonne attitude.",
    ]
    followups = list(mobility.followups.filter(done_on__isnull=True, scheduled_for__lt=today))
    for index, followup in enumerate(followups):
        if keep_late and index == len(followups) - 1 and rng.random() < 0.5:
            continue
        services.followup_record(
            mobility=mobility,
            followup=followup,
            data={
                "done_on": followup.scheduled_for,
                "channel": rng.choice(["phone", "video", "message"]),
                "notes": rng.choice(notes),
                "wellbeing": rng.choice([3, 4, 4, 5]),
                "needs_attention": False,
            },
            acting_user=referent,
        )


#: CEFR levels an apprentice reaches in a few weeks abroad, from a beginner to a confident speaker.
DEMO_LANGUAGE_LEVELS = (
    {
        "listening": "A2",
        "reading": "A2",
        "spoken_interaction": "A1",
        "spoken_production": "A1",
        "writing": "A1",
    },
    {
        "listening": "B1",
        "reading": "B1",
        "spoken_interaction": "A2",
        "spoken_production": "A2",
        "writing": "A2",
    },
    {
        "listening": "B2",
        "reading": "B1",
        "spoken_interaction": "B1",
        "spoken_production": "B1",
        "writing": "A2",
    },
)


def _evaluate(mobility: Mobility, referent: User) -> None:
    """A validated tutor evaluation with every Europass section, so that a demo certificate is complete."""
    agreement = mobility.agreements.order_by("-version").first()
    language = mobility.main_language or (agreement.placement_language if agreement else "") or "en"
    levels = DEMO_LANGUAGE_LEVELS[mobility.pk % len(DEMO_LANGUAGE_LEVELS)]
    evaluation, created = Evaluation.objects.get_or_create(
        mobility=mobility,
        kind=EvaluationKind.TUTOR,
        defaults={
            "status": EvaluationStatus.VALIDATED,
            "language": mobility.host_tutor.preferred_language if mobility.host_tutor_id else "en",
            "author_name": mobility.host_tutor.full_name if mobility.host_tutor_id else "",
            "tasks_carried_out": TASKS,
            "job_related_skills": "Works carefully and follows the recipes and hygiene rules of the company.",
            "language_skills": [{"language": language, **levels}],
            "digital_skills": {
                "information": "independent",
                "communication": "independent",
                "safety": "basic",
            },
            "digital_comment": "Uses the company's ordering tablet and stock spreadsheet on their own.",
            "organisational_skills": "Plans their tasks for the day and keeps the workstation tidy.",
            "communication_skills": "Asks for explanations and reports to the team in the host language.",
            "other_skills": "Punctual, curious, adapted quickly to another way of working.",
            "attended_from": mobility.start,
            "attended_to": mobility.end,
            "absence_days": 0,
            "overall_comment": "A motivated apprentice who quickly found their place in the team.",
            "signatory_name": mobility.host_tutor.full_name if mobility.host_tutor_id else "",
            "signatory_position": mobility.host_tutor.position if mobility.host_tutor_id else "",
            "submitted_at": timezone.now(),
            "reviewed_at": timezone.now(),
            "reviewed_by": referent,
        },
    )
    if created and agreement is not None:
        OutcomeAssessment.objects.bulk_create(
            [
                OutcomeAssessment(evaluation=evaluation, outcome=o, result=OutcomeResult.ACHIEVED)
                for o in agreement.outcomes.all()
            ]
        )


def _recognise(mobility: Mobility, referent: User) -> None:
    """The centre recognises the units assessed abroad, two weeks after the return (never in the future)."""
    mobility.refresh_from_db(fields=["status"])  # the transitions ran on a locked copy of the row
    units = recognition_units(mobility=mobility)
    if not units or mobility.recognitions.exists():
        return
    decided_on = min(mobility.end + timedelta(days=14), timezone.localdate())
    recognition_record(
        mobility=mobility,
        decisions=[
            {"unit": unit, "decision": RecognitionDecision.RECOGNISED, "decided_on": decided_on}
            for unit in units
        ],
        acting_user=referent,
    )


def _walk(mobility: Mobility, plan: Plan, referent: User, rng: random.Random, doc_types: dict) -> None:
    """Takes a draft through the workflow, as the referent would, to the planned status."""
    target = plan.status
    step = lambda status, **kw: services.mobility_transition(  # noqa: E731
        mobility=mobility, to_status=status, acting_user=referent, **kw
    )
    if target == MobilityStatus.DRAFT:
        _tick_past_work(mobility, referent, rng, keep_late=True)
        return
    if target == MobilityStatus.CANCELLED:
        step(MobilityStatus.PLANNED)
        step(
            MobilityStatus.CANCELLED,
            reason="L'entreprise d'accueil a dû annuler l'accueil (travaux dans l'atelier).",
        )
        return
    step(MobilityStatus.PLANNED)
    if target == MobilityStatus.PLANNED:
        if rng.random() < 0.5:
            _agreement_and_signatures(mobility, referent, plan, rng)
        _tick_past_work(mobility, referent, rng, keep_late=True)
        return
    _agreement_and_signatures(mobility, referent, plan, rng)
    _documents(mobility, referent, doc_types)
    step(MobilityStatus.CONFIRMED)
    if target == MobilityStatus.CONFIRMED:
        _tick_past_work(mobility, referent, rng, keep_late=True)
        return
    step(MobilityStatus.IN_PROGRESS)
    if target == MobilityStatus.IN_PROGRESS:
        _tick_past_work(mobility, referent, rng, keep_late=True)
        return
    if target == MobilityStatus.INTERRUPTED:
        step(
            MobilityStatus.INTERRUPTED,
            reason="Retour anticipé pour raison familiale grave.",
            force_majeure=True,
        )
        _tick_past_work(mobility, referent, rng, keep_late=False)
        return
    step(MobilityStatus.COMPLETED)
    _tick_past_work(mobility, referent, rng, keep_late=target == MobilityStatus.COMPLETED)
    if target == MobilityStatus.COMPLETED:
        return
    _evaluate(mobility, referent)
    step(MobilityStatus.EVALUATED)
    _recognise(mobility, referent)
    if target == MobilityStatus.CERTIFIED:
        step(MobilityStatus.CERTIFIED)


#: The sectors (NACE) where each trade is learnt, to place a learner with a host of their trade.
TRADE_SECTORS = {
    "Boulangerie": ("C", "I"),
    "Pâtisserie": ("C", "I"),
    "Cuisine": ("I",),
    "Service en salle": ("I",),
    "Coiffure": ("S",),
    "Mécanique automobile": ("G",),
    "Maçonnerie": ("F",),
    "Menuiserie": ("C", "F"),
    "Électricité": ("F",),
}
OUTSIDE_EUROPE = ("SN", "MA", "BJ", "TN", "CA", "JP")


def _host_for(plan: Plan, hosts: list[Organisation], learner: Learner, rng: random.Random) -> Organisation:
    """A host of the learner's trade, in Europe (or beyond for a placement outside Europe)."""
    outside = plan.activity == "placement-outside-europe"
    where = [h for h in hosts if (h.country.code in OUTSIDE_EUROPE) == outside] or hosts
    sectors = TRADE_SECTORS.get(learner.trade, ())
    return rng.choice([h for h in where if h.sector in sectors] or where)


def _mobilities(
    centre: Organisation,
    referent: User,
    hosts: list[Organisation],
    projects: list[Project],
    rng: random.Random,
) -> None:
    if Mobility.objects.filter(centre=centre).exists():
        return
    doc_types = {t.code: t for t in DocumentType.objects.all()}
    activities = {a.code: a for a in ActivityType.objects.all()}
    tutors = {}
    for contact in Contact.objects.filter(organisation__in=hosts, is_tutor=True).order_by("pk"):
        tutors.setdefault(contact.organisation_id, contact)
    learners = list(
        Learner.objects.filter(centre=centre, kind=ParticipantKind.LEARNER, email__endswith=DEMO_DOMAIN)
        .select_related("qualification")
        .order_by("pk")
    )
    rng.shuffle(learners)
    plans = PLANS[SHARE.get(centre.name, slice(0, None, 3))]
    for plan, learner in zip(plans, learners, strict=False):
        host = _host_for(plan, hosts, learner, rng)
        start = _days(plan.start)
        end = start + timedelta(days=plan.days - 1)
        mobility = services.mobility_create(
            centre=centre,
            data={
                "participant": learner,
                "project": _project_for(projects, start, end),
                "activity_type": activities[plan.activity],
                "host_organisation": host,
                "host_tutor": tutors.get(host.pk),
                "planned_start": start,
                "planned_end": end,
                "travel_days": 2,
                "green_travel": rng.random() < 0.25,
                "main_language": HOST_LANGUAGES.get(host.country.code, "en"),
                "distance_band": "500-1999"
                if host.country.code in ("ES", "DE", "IT", "IE", "PT")
                else "4000-7999",
            },
            acting_user=referent,
        )
        _walk(mobility, plan, referent, rng, doc_types)
    _staff_mobility(centre, referent, hosts, projects, activities, tutors)
    _groups(centre, referent, hosts, projects, learners[len(plans) :], activities, rng, doc_types)


def _staff_mobility(centre, referent, hosts, projects, activities, tutors) -> None:
    staff = Learner.objects.filter(
        centre=centre, kind=ParticipantKind.STAFF, email__endswith=DEMO_DOMAIN
    ).first()
    if staff is None:
        return
    host = hosts[0]
    start = _days(33)
    mobility = services.mobility_create(
        centre=centre,
        data={
            "participant": staff,
            "project": _project_for(projects, start, start + timedelta(days=4)),
            "activity_type": activities["staff-job-shadowing"],
            "host_organisation": host,
            "host_tutor": tutors.get(host.pk),
            "planned_start": start,
            "planned_end": start + timedelta(days=4),
        },
        acting_user=referent,
    )
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent)


#: Group departures per centre: (when, days from today, how many learners, accompanying persons).
GROUPS = {
    "CFA des Métiers de Montclar": [
        (
            "upcoming",
            24,
            8,
            "Aurélie Marchand, formatrice, +33 6 12 34 56 78\nPaul Girard, CPE, +33 6 98 76 54 32",
        ),
        ("past", -150, 6, "Aurélie Marchand, formatrice, +33 6 12 34 56 78"),
    ],
    "Institut des Métiers de Bouche de Lavalette": [
        ("upcoming", 45, 6, "Jérôme Caron, formateur en cuisine, +33 6 55 44 33 22"),
    ],
}


def _groups(centre, referent, hosts, projects, learners, activities, rng, doc_types) -> None:
    """Group explorations: learners who leave together, each then placed with a host of the city."""
    specs = GROUPS.get(centre.name, [])
    if not specs or MobilityGroup.objects.filter(centre=centre).exists():
        return
    for when, offset, size, accompanying in specs:
        # Learners of one trade, in the city that has the most hosts of that trade.
        trades = Counter(learner.trade for learner in learners)
        trade = trades.most_common(1)[0][0] if trades else ""
        members = [learner for learner in learners if learner.trade == trade][:size]
        if len(members) < size:
            return
        learners = [learner for learner in learners if learner not in members]
        sectors = TRADE_SECTORS.get(trade, ())
        by_city: dict[tuple[str, str], list[Organisation]] = {}
        for host in hosts:
            if host.country.code not in OUTSIDE_EUROPE and (host.sector in sectors or not sectors):
                by_city.setdefault((host.city, host.country.code), []).append(host)
        if not by_city:
            by_city = {(hosts[0].city, hosts[0].country.code): [hosts[0]]}
        (city, country), city_hosts = max(by_city.items(), key=lambda item: len(item[1]))
        tutors = {
            c.organisation_id: c for c in Contact.objects.filter(organisation__in=city_hosts, is_tutor=True)
        }
        start = _days(offset)
        end = start + timedelta(days=4)
        group = services.group_create(
            centre=centre,
            data={
                "name": f"Exploration {city} {start:%m/%Y}",
                "project": _project_for(projects, start, end),
                "activity_type": activities["group-exploration"],
                "host_city": city,
                "host_country": country,
                "planned_start": start,
                "planned_end": end,
                "accompanying_persons": accompanying,
            },
            participants=members,
            host_organisation=city_hosts[0],
            acting_user=referent,
        )
        for index, mobility in enumerate(group.mobilities.select_related("participant").order_by("pk")):
            host = city_hosts[index % len(city_hosts)]
            services.mobility_update(
                mobility=mobility,
                data={"host_organisation": host, "host_tutor": tutors.get(host.pk)},
                acting_user=referent,
            )
            mobility.refresh_from_db()
            status = MobilityStatus.CONFIRMED if when == "upcoming" else MobilityStatus.EVALUATED
            if when == "upcoming" and index % 3 == 2:
                status = MobilityStatus.PLANNED
            _walk(mobility, Plan(status, offset, 5), referent, rng, doc_types)


# --- Entry point ------------------------------------------------------------------------------
def seed(context: dict) -> None:
    catalogue.install()
    qualifications = _qualifications()
    centres = Organisation.objects.filter(
        kind=OrganisationKind.TRAINING_CENTRE, name__in=list(LEARNERS_PER_CENTRE)
    )
    for centre in centres.select_related("parent").order_by("pk"):
        referent = User.objects.filter(email=REFERENTS[centre.name]).first()
        if referent is None:
            continue
        network = Organisation.objects.get(pk=centre.network_id or centre.parent_id)
        rng = random.Random(f"demo-{centre.name}")
        hosts = _hosts(network, centre)
        employers = _employers(centre, network)
        _learners(centre, LEARNERS_PER_CENTRE[centre.name], qualifications, employers, referent, rng)
        projects = _projects(centre, referent)
        _mobilities(centre, referent, hosts, projects, rng)
    context.setdefault("notes", []).append(
        "  Demo learners, mobilities, groups and documents are in the three Valdoise centres and Norvelle."
    )


# --- Links for trying the tutor's and the learner's pages -------------------------------------
def _guest_showcase() -> Mobility | None:
    """An in-progress placement of CFA Montclar with a tutor: the one whose links the demo prints."""
    return (
        Mobility.objects.filter(
            centre__name="CFA des Métiers de Montclar",
            status=MobilityStatus.IN_PROGRESS,
            host_tutor__isnull=False,
            participant__email__gt="",
        )
        .exclude(host_tutor__email="")
        .order_by("pk")
        .first()
    )


def after_commit(context: dict) -> None:
    """Invites (once) the tutor and the learner of one placement and prints fresh links to try."""
    from . import guests
    from .models import GuestRole

    mobility = _guest_showcase()
    referent = User.objects.filter(email=REFERENTS.get("CFA des Métiers de Montclar", "")).first()
    if mobility is None or referent is None:
        return
    notes = context.setdefault("notes", [])
    for role, label in ((GuestRole.TUTOR, "host tutor"), (GuestRole.LEARNER, "learner")):
        link = guests.live_link(mobility=mobility, role=role)
        if link is None:
            link = guests.access_link_invite(mobility=mobility, role=role, acting_user=referent)
        notes.append(f"  The {label}'s pages of {mobility.reference}: {guests.issue_link_url(link.pk)}")
