"""The certificate as a European Digital Credential (European Learning Model 3, JSON-LD).

Built from the same frozen content as the PDF. The file is unsigned: the EU's issuer service can
seal it; our own proof of authenticity is the verification page and the PDF's SHA-256.
"""

from __future__ import annotations

from typing import Any

from django_countries import countries

CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "http://data.europa.eu/snb/model/context/edc-ap",
]
CREDENTIAL_SCHEMA = [
    {"id": "http://data.europa.eu/snb/model/ap/edc-generic-full", "type": "ShaclValidator2017"},
]
GENERIC_PROFILE = {
    "id": "http://data.europa.eu/snb/credential/e34929035b",
    "type": "Concept",
    "inScheme": {"id": "http://data.europa.eu/snb/credential/25831c2", "type": "ConceptScheme"},
    "prefLabel": {"en": "Generic"},
}
EQF_SCHEME = {"id": "http://data.europa.eu/snb/eqf/25831c2", "type": "ConceptScheme"}
COUNTRY_SCHEME = {"id": "http://publications.europa.eu/resource/authority/country", "type": "ConceptScheme"}
LANGUAGE_SCHEME = {"id": "http://publications.europa.eu/resource/authority/language", "type": "ConceptScheme"}
LEARNING_SETTING_SCHEME = {
    "id": "http://data.europa.eu/snb/learning-setting/25831c2",
    "type": "ConceptScheme",
}

#: ISO 639-1 → the EU's language authority table (ISO 639-2/B style codes).
EU_LANGUAGES = {
    "bg": "BUL", "cs": "CES", "da": "DAN", "de": "DEU", "el": "ELL", "en": "ENG", "es": "SPA",
    "et": "EST", "fi": "FIN", "fr": "FRA", "ga": "GLE", "hr": "HRV", "hu": "HUN", "it": "ITA",
    "lt": "LIT", "lv": "LAV", "mt": "MLT", "nl": "NLD", "pl": "POL", "pt": "POR", "ro": "RON",
    "sk": "SLK", "sl": "SLV", "sv": "SWE", "no": "NOR", "nb": "NOB", "is": "ISL", "tr": "TUR",
    "mk": "MKD", "sr": "SRP", "sq": "SQI", "uk": "UKR", "ru": "RUS", "ar": "ARA", "ca": "CAT",
    "eu": "EUS", "gl": "GLG", "lb": "LTZ", "cy": "CYM",
}  # fmt: skip

#: Properties a credential must have to be taken by the EU's tools.
REQUIRED_TOP = (
    "@context",
    "id",
    "type",
    "credentialSchema",
    "credentialSubject",
    "issuer",
    "validFrom",
    "issuanceDate",
)


def _lang(texts: dict[str, str] | str, languages: list[str]) -> dict[str, str]:
    """An ELM language map: ``{code: text}`` with no empty values."""
    if isinstance(texts, str):
        return {languages[0]: texts} if texts else {}
    return {code: text for code, text in texts.items() if text}


def country_concept(code: str, names: dict[str, str]) -> dict[str, Any]:
    alpha3 = countries.alpha3(code) or code
    return {
        "id": f"http://publications.europa.eu/resource/authority/country/{alpha3}",
        "type": "Concept",
        "inScheme": COUNTRY_SCHEME,
        "prefLabel": {k: v for k, v in names.items() if v} or {"en": code},
        "notation": "country",
    }


def language_concept(code: str, names: dict[str, str] | None = None) -> dict[str, Any]:
    short = (code or "").split("-")[0].lower()
    authority = EU_LANGUAGES.get(short, short.upper())
    return {
        "id": f"http://publications.europa.eu/resource/authority/language/{authority}",
        "type": "Concept",
        "inScheme": LANGUAGE_SCHEME,
        "prefLabel": {k: v for k, v in (names or {}).items() if v} or {"en": authority},
        "notation": "language",
    }


def _organisation(org: dict[str, Any], languages: list[str], key: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"urn:epass:org:{key}",
        "type": "Organisation",
        "legalName": {languages[0]: org["name"]},
        "location": [
            {
                "id": f"urn:epass:location:{key}",
                "type": "Location",
                "address": [
                    {
                        "id": f"urn:epass:address:{key}",
                        "type": "Address",
                        "countryCode": country_concept(org["country_code"], org.get("country") or {}),
                        "fullAddress": {
                            "id": f"urn:epass:note:address-{key}",
                            "type": "Note",
                            "noteLiteral": {
                                languages[0]: ", ".join(
                                    p for p in (org.get("address"), org.get("postcode"), org.get("city")) if p
                                )
                            },
                        },
                    }
                ],
            }
        ],
    }
    identifiers = []
    if org.get("oid"):
        identifiers.append(
            {
                "id": f"urn:epass:identifier:oid-{key}",
                "type": "Identifier",
                "notation": org["oid"],
                "schemeName": "Erasmus+ OID",
            }
        )
    if org.get("pic"):
        identifiers.append(
            {
                "id": f"urn:epass:identifier:pic-{key}",
                "type": "Identifier",
                "notation": org["pic"],
                "schemeName": "PIC",
            }
        )
    if identifiers:
        data["identifier"] = identifiers
    if org.get("website"):
        data["homepage"] = [
            {"id": f"urn:epass:webResource:{key}", "type": "WebResource", "contentURL": org["website"]}
        ]
    return data


def _outcome(index: int, title: str, language: str) -> dict[str, Any]:
    return {"id": f"urn:epass:learningOutcome:{index}", "type": "LearningOutcome", "title": {language: title}}


def build_credential(content: dict[str, Any], *, issued_at: str, verify_url: str) -> dict[str, Any]:
    """The European Digital Credential of a certificate's frozen content."""
    languages: list[str] = content["languages"]
    primary = languages[0]
    number = content["number"]
    holder = content["holder"]
    description = content["description"]
    skills = content.get("skills") or {}
    issuer = _organisation(content["issuer"], languages, "issuer")
    host = _organisation(content["host"], languages, "host") if content.get("host") else None

    outcomes: list[dict[str, Any]] = []
    for item in content.get("outcomes", []):
        if item.get("result_code") in ("achieved", "partly"):
            outcomes.append(_outcome(len(outcomes) + 1, item["description"], primary))
    for field in ("job_related", "organisational", "communication", "other"):
        if skills.get(field):
            outcomes.append(_outcome(len(outcomes) + 1, skills[field], primary))
    for entry in skills.get("languages", []):
        levels = ", ".join(
            f"{skill}: {entry[skill]}"
            for skill in ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
            if entry.get(skill)
        )
        name = (entry.get("language") or {}).get(primary, entry["code"])
        outcomes.append(_outcome(len(outcomes) + 1, f"{name} — {levels} (CEFR)", primary))
    for entry in skills.get("digital", []):
        outcomes.append(
            _outcome(
                len(outcomes) + 1,
                f"{entry['area'].get(primary)}: {entry['level'].get(primary)} (DigComp)",
                primary,
            )
        )

    activity_languages = (
        [language_concept(description["main_language_code"], description.get("main_language"))]
        if description.get("main_language_code")
        else []
    )
    qualification = description.get("qualification")
    activity_title = _lang(description["activity"], languages)
    place = ", ".join(
        p for p in (description.get("host_city"), description["host_country"].get(primary)) if p
    )

    activity = {
        "id": "urn:epass:activity:1",
        "type": "LearningActivity",
        "title": activity_title,
        "description": {primary: f"{activity_title.get(primary, '')} — {place}"},
        "temporal": {
            "id": "urn:epass:period:1",
            "type": "PeriodOfTime",
            "startDate": f"{description['start']}T00:00:00Z",
            "endDate": f"{description['end']}T00:00:00Z",
        },
        "workload": f"P{description['duration_days']}D",
        "location": [
            {
                "id": "urn:epass:location:activity",
                "type": "Location",
                "address": [
                    {
                        "id": "urn:epass:address:activity",
                        "type": "Address",
                        "countryCode": country_concept(
                            description["host_country_code"], description["host_country"]
                        ),
                    }
                ],
            }
        ],
        "specifiedBy": {
            "id": "urn:epass:learningActivitySpec:1",
            "type": "LearningActivitySpecification",
            "title": activity_title,
            "language": activity_languages,
            "mode": [
                {
                    "id": "http://data.europa.eu/snb/learning-setting/6fc5a4d3c1",
                    "type": "Concept",
                    "inScheme": LEARNING_SETTING_SCHEME,
                    "prefLabel": {"en": "Work-based learning"},
                }
            ],
        },
    }
    if host:
        activity["directedBy"] = [host]
    if description.get("programme") or description.get("grant_agreement_number"):
        activity["additionalNote"] = [
            {
                "id": "urn:epass:note:programme",
                "type": "Note",
                "noteLiteral": {
                    primary: " — ".join(
                        p
                        for p in (
                            description.get("programme"),
                            description.get("project_title"),
                            description.get("grant_agreement_number"),
                        )
                        if p
                    )
                },
            }
        ]

    specification: dict[str, Any] = {
        "id": "urn:epass:learningAchievementSpec:1",
        "type": "LearningAchievementSpecification",
        "title": activity_title,
        "learningOutcome": outcomes,
        "language": [language_concept(code) for code in languages],
    }
    if qualification:
        specification["title"] = {primary: f"{qualification['diploma']} {qualification['title']}".strip()}
        specification["eqfLevel"] = {
            "id": f"http://data.europa.eu/snb/eqf/{qualification['eqf_level']}",
            "type": "Concept",
            "inScheme": EQF_SCHEME,
            "prefLabel": {"en": f"Level {qualification['eqf_level']}"},
            "notation": "eqf",
        }
    achievement: dict[str, Any] = {
        "id": "urn:epass:learningAchievement:1",
        "type": "LearningAchievement",
        "title": {primary: "Europass Mobility"},
        "description": {primary: skills.get("tasks") or activity_title.get(primary, "")},
        "awardedBy": {
            "id": "urn:epass:awardingProcess:1",
            "type": "AwardingProcess",
            "awardingBody": [issuer],
            "awardingDate": issued_at,
        },
        "specifiedBy": specification,
        "influencedBy": [{"id": activity["id"], "type": "LearningActivity", "title": activity_title}],
    }
    recognised = content.get("recognised_units") or []
    if recognised:
        achievement["additionalNote"] = [
            {
                "id": "urn:epass:note:recognition",
                "type": "Note",
                "noteLiteral": {primary: "; ".join(f"{u['code']} {u['title']}" for u in recognised)},
                "subject": {
                    "id": "urn:epass:concept:recognition",
                    "type": "Concept",
                    "prefLabel": {"en": "Units of learning outcomes recognised by the sending centre"},
                },
            }
        ]

    subject: dict[str, Any] = {
        "id": f"urn:epass:person:{number}",
        "type": "Person",
        "givenName": {primary: holder["first_name"]},
        "familyName": {primary: holder["last_name"]},
        "fullName": {primary: f"{holder['first_name']} {holder['last_name']}".strip()},
        "hasClaim": [achievement, activity],
    }
    if holder.get("date_of_birth"):
        subject["dateOfBirth"] = f"{holder['date_of_birth']}T00:00:00Z"
    if holder.get("nationality_code"):
        subject["nationality"] = [
            country_concept(holder["nationality_code"], holder.get("nationality") or {})
        ]

    return {
        "@context": CONTEXT,
        "id": f"urn:epass:certificate:{number}",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialSchema": CREDENTIAL_SCHEMA,
        "credentialProfiles": [GENERIC_PROFILE],
        "identifier": [
            {
                "id": f"urn:epass:identifier:{number}",
                "type": "Identifier",
                "notation": number,
                "schemeName": "Europass Mobility number",
            }
        ],
        "issuer": issuer,
        "issuanceDate": issued_at,
        "issued": issued_at,
        "validFrom": issued_at,
        "credentialSubject": subject,
        "evidence": [
            {
                "id": "urn:epass:evidence:verification",
                "type": "Evidence",
                "evidenceTarget": verify_url,
            }
        ],
    }


def missing_properties(credential: dict[str, Any]) -> list[str]:
    """The required properties a credential lacks (empty when it is complete)."""
    missing = [key for key in REQUIRED_TOP if not credential.get(key)]
    subject = credential.get("credentialSubject") or {}
    for key in ("id", "type", "hasClaim"):
        if not subject.get(key):
            missing.append(f"credentialSubject.{key}")
    issuer = credential.get("issuer") or {}
    for key in ("id", "type", "legalName", "location"):
        if not issuer.get(key):
            missing.append(f"issuer.{key}")
    for index, claim in enumerate(subject.get("hasClaim") or []):
        for key in ("id", "type", "title"):
            if not claim.get(key):
                missing.append(f"hasClaim[{index}].{key}")
        if claim.get("type") == "LearningAchievement" and not claim.get("awardedBy"):
            missing.append(f"hasClaim[{index}].awardedBy")
        if claim.get("type") == "LearningActivity" and not claim.get("temporal"):
            missing.append(f"hasClaim[{index}].temporal")
    return missing
