"""The seeded document types (insurance, health card, parental authorisation…) with their retention."""

from __future__ import annotations

from typing import Any

from mobility.catalogue.activity_types import texts

DOCUMENT_TYPES: list[dict[str, Any]] = [
    {
        "code": "insurance",
        "order": 10,
        "names": texts(
            "Insurance certificate",
            "Attestation d'assurance",
            "Versicherungsnachweis",
            "Certificado de seguro",
            "Certificato di assicurazione",
        ),
    },
    {
        "code": "ehic",
        "order": 20,
        "names": texts(
            "European health insurance card",
            "Carte européenne d'assurance maladie",
            "Europäische Krankenversicherungskarte",
            "Tarjeta sanitaria europea",
            "Tessera europea di assicurazione malattia",
        ),
    },
    {
        "code": "parental-authorisation",
        "order": 30,
        "minors": True,
        "names": texts(
            "Parental authorisation",
            "Autorisation parentale",
            "Einverständniserklärung der Eltern",
            "Autorización parental",
            "Autorizzazione dei genitori",
        ),
    },
    {
        "code": "identity",
        "order": 40,
        "names": texts(
            "Identity card or passport",
            "Carte d'identité ou passeport",
            "Personalausweis oder Reisepass",
            "Documento de identidad o pasaporte",
            "Carta d'identità o passaporto",
        ),
    },
    {
        "code": "travel",
        "order": 50,
        "retention": 365,
        "names": texts(
            "Travel tickets",
            "Titres de transport",
            "Reisetickets",
            "Billetes de viaje",
            "Biglietti di viaggio",
        ),
    },
    {
        "code": "signed-agreement",
        "order": 60,
        "names": texts(
            "Signed learning agreement (scan)",
            "Contrat pédagogique signé (scan)",
            "Unterschriebene Lernvereinbarung (Scan)",
            "Acuerdo de aprendizaje firmado (escaneado)",
            "Accordo di apprendimento firmato (scansione)",
        ),
    },
    {
        "code": "attendance",
        "order": 70,
        "names": texts(
            "Attendance certificate from the host",
            "Attestation de présence de l'accueil",
            "Anwesenheitsbescheinigung der Aufnahmeeinrichtung",
            "Certificado de asistencia de la entidad de acogida",
            "Attestato di presenza dell'ente ospitante",
        ),
    },
    {
        "code": "other",
        "order": 90,
        "names": texts(
            "Other document", "Autre document", "Sonstiges Dokument", "Otro documento", "Altro documento"
        ),
    },
]
