"""The demo's fixed facts: qualifications, names, hosts and employers per centre, the mobilities' plans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mobility.mobilities.models import MobilityStatus

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
