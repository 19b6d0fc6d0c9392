"""The demo directory: fictional host companies, employers, intermediaries and schools.

Every name, address, identifier and person here is invented; domains end in ``.example``.
Centres are named by key: "montclar" (general crafts), "aubrac" (building trades), "lavalette"
(food trades), "norvelle" (the other chamber's centre).
"""

import json
from pathlib import Path

# name, usual name, country, city, postcode, address, NACE section, SME, OID, PIC, national id,
# phone, creating centre, tutors: (first name, last name, position, preferred language, languages)
HOST_COMPANIES = [
    (*row[:-1], [tuple(t) for t in row[-1]])
    for row in json.loads((Path(__file__).parent / "host_companies.json").read_text())
]

# name, country, city, address, OID, phone, creating centre, contact (first, last, position, language)
INTERMEDIARIES = [
    (
        "Europlacement Valdoise",
        "FR",
        "Montclar",
        "5 rue de l'Europe",
        "E10000150",
        "+33 4 70 12 34 56",
        "montclar",
        ("Claire", "Moreau", "Chargée de mobilité", "fr"),
    ),
    (
        "Iberia Mobility Partners S.L.",
        "ES",
        "Sevilla",
        "Avenida de la Constitución 20",
        "E10204599",
        "+34 954 500 600",
        "lavalette",
        ("Rocío", "Sánchez", "Coordinadora", "es"),
    ),
    (
        "Euro Apprentice Hub Ltd",
        "MT",
        "Sliema",
        "12 Tower Road",
        "E11404699",
        "+356 2133 0000",
        "aubrac",
        ("Daniel", "Camilleri", "Placement officer", "en"),
    ),
]

# name, country, city, address, OID, creating centre, contact (first, last, position, language)
PARTNER_SCHOOLS = [
    (
        "Berufsschule für Ernährung Freiburg",
        "DE",
        "Freiburg im Breisgau",
        "Bissierstraße 17",
        "E10304599",
        "lavalette",
        ("Heike", "Schmitt", "Koordinatorin Erasmus+", "de"),
    ),
    (
        "Istituto Professionale Alberghiero Carducci",
        "IT",
        "Bologna",
        "Via Carducci 5",
        "E10504599",
        "lavalette",
        ("Roberto", "Galli", "Referente mobilità", "it"),
    ),
    (
        "Centro Integrado de Formación Profesional Construcción",
        "ES",
        "Bilbao",
        "Calle Iturribide 20",
        "E10204598",
        "aubrac",
        ("Nerea", "Goikoetxea", "Coordinadora Erasmus+", "es"),
    ),
]

# name, city, address, SIRET, NACE, creating centre, contact (first, last, position)
SENDING_EMPLOYERS = [
    (
        "Boulangerie Aux Blés d'Or",
        "Lavalette",
        "9 rue du Four",
        "81234567800011",
        "C",
        "lavalette",
        ("Gérard", "Blanchard", "Artisan boulanger"),
    ),
    (
        "Pâtisserie Maison Verdier",
        "Lavalette",
        "22 place du Marché",
        "81234567800012",
        "C",
        "lavalette",
        ("Sophie", "Verdier", "Cheffe pâtissière"),
    ),
    (
        "Restaurant L'Auberge du Pont",
        "Lavalette",
        "1 quai du Pont-Vieux",
        "81234567800013",
        "I",
        "lavalette",
        ("Antoine", "Roche", "Chef de cuisine"),
    ),
    (
        "Maçonnerie Fabre et Fils",
        "Saint-Aubrac",
        "Zone artisanale des Combes",
        "81234567800014",
        "F",
        "aubrac",
        ("Didier", "Fabre", "Gérant"),
    ),
    (
        "Charpente Bois du Plateau",
        "Saint-Aubrac",
        "Route de Laguiole",
        "81234567800015",
        "F",
        "aubrac",
        ("Laurent", "Vidal", "Maître d'apprentissage"),
    ),
    (
        "Salon Coiffure Élégance",
        "Montclar",
        "17 rue Nationale",
        "81234567800016",
        "S",
        "montclar",
        ("Nadia", "Khelifi", "Gérante"),
    ),
    (
        "Garage Central Montclar",
        "Montclar",
        "48 avenue de la Gare",
        "81234567800017",
        "G",
        "montclar",
        ("Patrick", "Morel", "Chef d'atelier"),
    ),
    (
        "Fleurs et Création Montclar",
        "Montclar",
        "3 place de l'Église",
        "81234567800018",
        "G",
        "montclar",
        ("Émilie", "Garnier", "Fleuriste"),
    ),
]

# title, reference, creating centre, partner names, starts (days from today), ends (days from today), scope, signed
AGREEMENTS = [
    (
        "Memorandum of understanding — bakery and pastry placements in Valencia",
        "MoU-LAV-2024-01",
        "lavalette",
        ["Panadería Hermanos Ortega S.L.", "Iberia Mobility Partners S.L."],
        -420,
        40,
        "CAP Boulanger, CAP Pâtissier: 2 to 4 week placements",
        True,
    ),
    (
        "Partnership agreement with Berufsschule Freiburg",
        "MoU-LAV-2023-02",
        "lavalette",
        ["Berufsschule für Ernährung Freiburg", "Bäckerei Hofmann GmbH"],
        -700,
        400,
        "Exchange of apprentices and teachers in food trades",
        True,
    ),
    (
        "Accord de partenariat — Bologne",
        "MoU-LAV-2022-03",
        "lavalette",
        ["Istituto Professionale Alberghiero Carducci", "Forno Antico Bellini S.r.l."],
        -1100,
        -15,
        "Cuisine et boulangerie",
        False,
    ),
    (
        "Construction placements in the Basque Country",
        "MoU-AUB-2024-01",
        "aubrac",
        ["Construcciones Ibarra y Asociados S.A.", "Centro Integrado de Formación Profesional Construcción"],
        -300,
        25,
        "CAP Maçon, CAP Charpentier bois",
        True,
    ),
    (
        "Timber-frame construction — Black Forest",
        "MoU-AUB-2025-02",
        "aubrac",
        ["Holzbau Schwarzwald GmbH"],
        -100,
        630,
        "Charpente et construction bois",
        False,
    ),
    (
        "Hairdressing and floristry network",
        "MoU-MON-2024-01",
        "montclar",
        [
            "Friseursalon Haarwerk Lindner",
            "Salon Coiffure Belle Époque Sàrl",
            "Fleuriste Les Jardins d'Élise Sàrl",
        ],
        -200,
        55,
        "CAP Métiers de la coiffure, CAP Fleuriste",
        True,
    ),
    (
        "Automotive workshops Europe",
        "MoU-MON-2025-02",
        "montclar",
        ["Autohaus Brenner GmbH", "Officina Meccanica Rinaldi S.r.l.", "Euro Apprentice Hub Ltd"],
        30,
        760,
        "CAP Maintenance des véhicules",
        False,
    ),
]
