"""The certificate as a European Digital Credential (European Learning Model 3, JSON-LD).

Built from the same frozen content as the PDF, in the terms and code lists of the EU's "EDC generic
full" profile: ``certification.elm.violations`` checks it against the official shapes.
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

LEARNING_ACTIVITY_SCHEME = {
    "id": "http://data.europa.eu/snb/learning-activity/25831c2",
    "type": "ConceptScheme",
}
LEARNING_ASSESSMENT_SCHEME = {
    "id": "http://data.europa.eu/snb/learning-assessment/25831c2",
    "type": "ConceptScheme",
}
ISCED_F_SCHEME = {"id": "http://data.europa.eu/snb/isced-f/25831c2", "type": "ConceptScheme"}
EVIDENCE_SCHEME = {"id": "http://data.europa.eu/snb/evidence-type/25831c2", "type": "ConceptScheme"}

#: Work-based: the mode of a placement abroad (the learning-assessment scheme, as ELM 3 has it).
MODE_WORK_BASED = "http://data.europa.eu/snb/learning-assessment/729f3bed4b"
#: The learning activity type of a mobility, by participant: a learner's placement is an
#: internship, a staff member's job shadowing or teaching a job experience (an activity type
#: of the catalogue may name its own, ``credential_activity_type``).
ACTIVITY_TYPE_BY_PARTICIPANT = {
    "learner": "http://data.europa.eu/snb/learning-activity/bf5588ff84",
    "staff": "http://data.europa.eu/snb/learning-activity/4357e0e681",
}
FORMAL_LEARNING = "http://data.europa.eu/snb/learning-setting/6fd4685715"
NON_FORMAL_LEARNING = "http://data.europa.eu/snb/learning-setting/e207a81fc7"
#: The evidence of a mobility certificate: the issuer's mandate (the EDC issuer's own default).
EVIDENCE_MANDATE = "http://data.europa.eu/snb/evidence-type/c_18016257"
#: Countries whose code in the EU authority table is not the ISO alpha-3 one.
EU_COUNTRY_EXCEPTIONS = {"XK": "1A0"}
#: The credential's display image is a PNG, base64 (the EU's encoding and file-type concepts).
BASE64 = {
    "id": "http://data.europa.eu/snb/encoding/6146cde7dd",
    "type": "Concept",
    "inScheme": {"id": "http://data.europa.eu/snb/encoding/25831c2", "type": "ConceptScheme"},
    "prefLabel": {"en": "base64"},
}
PNG = {
    "id": "http://publications.europa.eu/resource/authority/file-type/PNG",
    "type": "Concept",
    "inScheme": {"id": "http://publications.europa.eu/resource/authority/file-type", "type": "ConceptScheme"},
    "notation": "file-type",
    "prefLabel": {"en": "PNG"},
}


def _lang(texts: dict[str, str] | str, languages: list[str]) -> dict[str, str]:
    """An ELM language map: ``{code: text}`` with no empty values."""
    if isinstance(texts, str):
        return {languages[0]: texts} if texts else {}
    return {code: text for code, text in texts.items() if text}


def _official_label(list_name: str, uri: str, fallback: str) -> dict[str, str]:
    """One English label per concept, the official one: a concept met twice is labelled the same."""
    from certification import elm

    return {"en": elm.code_list(list_name).get(uri) or fallback}


def _concept(uri: str, scheme: dict[str, str], list_name: str, fallback: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": uri,
        "type": "Concept",
        "inScheme": scheme,
        "prefLabel": _official_label(list_name, uri, fallback),
        **extra,
    }


def country_uri(code: str) -> str:
    code = (code or "").upper()
    alpha3 = EU_COUNTRY_EXCEPTIONS.get(code) or countries.alpha3(code) or code
    return f"http://publications.europa.eu/resource/authority/country/{alpha3}"


def country_concept(code: str, names: dict[str, str] | None = None) -> dict[str, Any]:
    fallback = (names or {}).get("en") or code
    return _concept(country_uri(code), COUNTRY_SCHEME, "country", fallback, notation="country")


def language_uri(code: str) -> str:
    short = (code or "").split("-")[0].lower()
    return (
        f"http://publications.europa.eu/resource/authority/language/{EU_LANGUAGES.get(short, short.upper())}"
    )


def language_concept(code: str, names: dict[str, str] | None = None) -> dict[str, Any]:
    uri = language_uri(code)
    return _concept(uri, LANGUAGE_SCHEME, "language", uri.rsplit("/", 1)[1], notation="language")


def _ref(node: dict[str, Any]) -> dict[str, Any]:
    """A node already described elsewhere in the credential, by its id."""
    return {"id": node["id"], "type": node["type"]}


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
                        "countryCode": country_concept(org["country_code"]),
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
    legal = org.get("national_id") or org.get("pic") or org.get("oid")
    if legal:
        # The issuer's legal identifier, in the country that registered it (the EU's seal checks it).
        data["registration"] = {
            "id": f"urn:epass:legalIdentifier:{key}",
            "type": "LegalIdentifier",
            "notation": legal,
            "spatial": country_concept(org["country_code"]),
        }
        if key == "issuer":
            data["eIDASIdentifier"] = data["registration"]
    if org.get("website"):
        data["homepage"] = [
            {"id": f"urn:epass:webResource:{key}", "type": "WebResource", "contentURL": org["website"]}
        ]
    return data


def _outcome(index: int, title: str, language: str) -> dict[str, Any]:
    return {"id": f"urn:epass:learningOutcome:{index}", "type": "LearningOutcome", "title": {language: title}}


def _outcomes(content: dict[str, Any], primary: str, cefr_labels: dict[str, str]) -> list[dict[str, Any]]:
    skills = content.get("skills") or {}
    outcomes: list[dict[str, Any]] = []
    for item in content.get("outcomes", []):
        if item.get("result_code") in ("achieved", "partly"):
            outcomes.append(_outcome(len(outcomes) + 1, item["description"], primary))
    for field in ("job_related", "organisational", "communication", "other"):
        if skills.get(field):
            outcomes.append(_outcome(len(outcomes) + 1, skills[field], primary))
    for entry in skills.get("languages", []):
        levels = ", ".join(
            f"{cefr_labels.get(skill, skill)}: {entry[skill]}"
            for skill in CEFR_SKILL_CODES
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
    return outcomes


CEFR_SKILL_CODES = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


def _display(
    content: dict[str, Any], languages: list[str], title: dict[str, str], image: str
) -> dict[str, Any]:
    """How the EU's viewer and wallet show the credential: a title and one page image per language."""
    concepts = [language_concept(code) for code in languages]
    return {
        "id": "urn:epass:displayParameter:1",
        "type": "DisplayParameter",
        "title": title,
        "primaryLanguage": concepts[0],
        "language": concepts,
        "individualDisplay": [
            {
                "id": f"urn:epass:individualDisplay:{index}",
                "type": "IndividualDisplay",
                "language": concept,
                "displayDetail": [
                    {
                        "id": f"urn:epass:displayDetail:{index}",
                        "type": "DisplayDetail",
                        "page": 1,
                        "image": {
                            "id": f"urn:epass:mediaObject:display-{index}",
                            "type": "MediaObject",
                            "content": image,
                            "contentEncoding": BASE64,
                            "contentType": PNG,
                        },
                    }
                ],
            }
            for index, concept in enumerate(concepts, start=1)
        ],
    }


def build_credential(
    content: dict[str, Any],
    *,
    issued_at: str,
    verify_url: str,
    display_image: str = "",
    cefr_labels: dict[str, str] | None = None,
    status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The European Digital Credential of a certificate's frozen content.

    ``display_image``: the base64 PNG the EU's viewer shows; ``cefr_labels``: the CEFR skills'
    names in the first language; ``status``: the ``credentialStatus`` entry (the profile wants the
    address of the published status as an ``xsd:anyURI`` literal).
    """
    languages: list[str] = content["languages"]
    primary = languages[0]
    number = content["number"]
    holder = content["holder"]
    description = content["description"]
    skills = content.get("skills") or {}
    issuer = _organisation(content["issuer"], languages, "issuer")
    host = _organisation(content["host"], languages, "host") if content.get("host") else None
    outcomes = _outcomes(content, primary, cefr_labels or {})
    qualification = description.get("qualification")
    activity_title = _lang(description["activity"], languages)
    place = ", ".join(
        p for p in (description.get("host_city"), description["host_country"].get(primary)) if p
    )
    participant = description.get("participant_kind") or "learner"
    activity_type = description.get("credential_activity_type") or ACTIVITY_TYPE_BY_PARTICIPANT.get(
        participant, ACTIVITY_TYPE_BY_PARTICIPANT["learner"]
    )
    isced = (qualification or {}).get("isced_f") or ""
    isced_concept = (
        _concept(f"http://data.europa.eu/snb/isced-f/{isced}", ISCED_F_SCHEME, "isced-f", isced)
        if isced
        else None
    )
    awarding = {
        "id": "urn:epass:awardingProcess:1",
        "type": "AwardingProcess",
        "awardingBody": [issuer],
        "awardingDate": issued_at,
    }

    activity_spec: dict[str, Any] = {
        "id": "urn:epass:learningActivitySpec:1",
        "type": "LearningActivitySpecification",
        "title": activity_title,
        "dcType": _concept(
            activity_type, LEARNING_ACTIVITY_SCHEME, "europass-learning-activity-types", "internship"
        ),
        "mode": [_concept(MODE_WORK_BASED, LEARNING_ASSESSMENT_SCHEME, "europass-modes", "Workbased")],
    }
    if description.get("main_language_code"):
        activity_spec["language"] = [language_concept(description["main_language_code"])]
    if qualification:
        # The mobility counts towards the learner's qualification: EQF and field sit on it.
        qualification_node: dict[str, Any] = {
            "id": "urn:epass:qualification:1",
            "type": "Qualification",
            "title": {primary: f"{qualification['diploma']} {qualification['title']}".strip()},
            "eqfLevel": _concept(
                f"http://data.europa.eu/snb/eqf/{qualification['eqf_level']}",
                EQF_SCHEME,
                "eqf",
                f"Level {qualification['eqf_level']}",
            ),
        }
        if isced_concept:
            qualification_node["thematicArea"] = [isced_concept]
        activity_spec["influences"] = [qualification_node]
    activity: dict[str, Any] = {
        "id": "urn:epass:activity:1",
        "type": "LearningActivity",
        "title": activity_title,
        "description": {primary: f"{activity_title.get(primary, '')} — {place}"},
        "awardedBy": awarding,
        "temporal": {
            "id": "urn:epass:period:1",
            "type": "PeriodOfTime",
            "startDate": f"{description['start']}T00:00:00Z",
            "endDate": f"{description['end']}T00:00:00Z",
        },
        "location": [
            {
                "id": "urn:epass:location:activity",
                "type": "Location",
                "address": [
                    {
                        "id": "urn:epass:address:activity",
                        "type": "Address",
                        "countryCode": country_concept(description["host_country_code"]),
                    }
                ],
            }
        ],
        "specifiedBy": activity_spec,
    }
    if host:
        activity["directedBy"] = [host]
    if description.get("programme") or description.get("grant_agreement_number"):
        parts = (
            description.get("programme"),
            description.get("project_title"),
            description.get("grant_agreement_number"),
        )
        activity["additionalNote"] = [
            {
                "id": "urn:epass:note:programme",
                "type": "Note",
                "noteLiteral": {primary: " — ".join(p for p in parts if p)},
            }
        ]

    specification: dict[str, Any] = {
        "id": "urn:epass:learningAchievementSpec:1",
        "type": "LearningAchievementSpecification",
        "title": activity_title,
        "learningOutcome": outcomes,
        "language": [language_concept(code) for code in languages],
        "learningSetting": _concept(
            FORMAL_LEARNING if qualification else NON_FORMAL_LEARNING,
            LEARNING_SETTING_SCHEME,
            "europass-learning-setting-types",
            "formal learning" if qualification else "non-formal learning",
        ),
    }
    if isced_concept:
        specification["thematicArea"] = [isced_concept]
    achievement: dict[str, Any] = {
        "id": "urn:epass:learningAchievement:1",
        "type": "LearningAchievement",
        "title": {primary: "Europass Mobility"},
        "description": {primary: skills.get("tasks") or activity_title.get(primary, "")},
        "awardedBy": awarding,
        "specifiedBy": specification,
        "influencedBy": [_ref(activity)],
    }
    recognised = content.get("recognised_units") or []
    if recognised:
        achievement["additionalNote"] = [
            {
                "id": "urn:epass:note:recognition",
                "type": "Note",
                "noteLiteral": {primary: "; ".join(f"{u['code']} {u['title']}" for u in recognised)},
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
        subject["citizenshipCountry"] = [country_concept(holder["nationality_code"])]

    credential: dict[str, Any] = {
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
        "displayParameter": _display(content, languages, {primary: "Europass Mobility"}, display_image),
        "evidence": [
            {
                "id": "urn:epass:evidence:1",
                "type": "Evidence",
                "dcType": {"id": EVIDENCE_MANDATE, "type": "Concept", "inScheme": EVIDENCE_SCHEME},
                "evidenceTarget": _ref(subject),
                "evidenceStatement": f"Issued by {content['issuer']['name']}; verification: {verify_url}",
            }
        ],
    }
    if status:
        credential["credentialStatus"] = status
    return credential
