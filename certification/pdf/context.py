"""Context builders: the plain data each document is made of.

They read the models and return dicts of strings, numbers and ISO dates (JSON-serialisable, so a
certificate's content can be frozen when it is issued). Anything a reader sees in their language —
catalogue labels, country and language names — is given as ``{language code: text}`` for every
language of the document; free text written by people stays as they wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django_countries import countries

from mobility.agreements.models import LearningAgreement, OutcomeCategory, Party, SignatureMethod
from mobility.agreements.translation import translated_text
from mobility.evaluations.models import (
    CEFR_SKILLS,
    DIGCOMP_AREAS,
    DigcompLevel,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    OutcomeResult,
    RecognitionDecision,
)
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.site.i18n import language_name, supported_or_default
from partners.accounts.models import User
from partners.accounts.roles import Role
from partners.directory.models import Contact, Organisation, OrganisationKind

Texts = dict[str, str]

#: The languages a document can be written in: those the platform has translations for.
DOCUMENT_LANGUAGES = tuple(code for code, _ in settings.LANGUAGES)


def document_language(code: str | None) -> str:
    """``code`` if documents can be written in it, else English (the platform's one rule for that)."""
    return supported_or_default(code)


def certificate_languages(*, learner_language: str | None, second: str | None = None) -> list[str]:
    """The learner's language first, then a second one (the host's) when asked and different."""
    first = document_language(learner_language)
    languages = [first]
    if second:
        other = document_language(second)
        if other != first:
            languages.append(other)
    return languages


def host_language(mobility: Mobility) -> str:
    """The language of the host side: the activity's main language, else the tutor's."""
    if mobility.main_language:
        return mobility.main_language
    tutor = mobility.host_tutor
    if tutor is not None and tutor.preferred_language:
        return tutor.preferred_language
    return "en"


def in_languages(languages: Iterable[str], produce: Callable[[], Any]) -> Texts:
    """Evaluates ``produce`` once per language, with that language active."""
    texts: Texts = {}
    for code in languages:
        with translation.override(code):
            value = produce()
            texts[code] = "" if value is None else str(value)
    return texts


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def _country(code: str, languages: list[str]) -> Texts:
    code = str(code or "")
    return in_languages(languages, lambda: countries.name(code) if code else "")


def _language_name(code: str, languages: list[str]) -> Texts:
    code = (code or "").split("-")[0].lower()

    def name() -> str:
        # Not get_language_info()["name_translated"]: it leaves "Norwegian Bokmal" in English.
        translated = language_name(code)
        return code.upper() if translated == code else translated

    return in_languages(languages, name) if code else {}


def organisation_data(org: Organisation | None, languages: list[str]) -> dict[str, Any] | None:
    if org is None:
        return None
    return {
        "name": org.name,
        "short_name": org.short_name,
        "kind": in_languages(languages, lambda: OrganisationKind(org.kind).label),
        "address": org.address,
        "postcode": org.postcode,
        "city": org.city,
        "country_code": str(org.country),
        "country": _country(org.country, languages),
        "oid": org.oid,
        "pic": org.pic,
        "national_id": org.national_id,
        "email": org.email,
        "phone": org.phone,
        "website": org.website,
        "logo": org.logo.name if org.logo else "",
    }


def _contact_person(contact: Contact | None) -> dict[str, str] | None:
    if contact is None:
        return None
    return {
        "name": contact.full_name,
        "position": contact.position,
        "email": contact.email,
        "phone": contact.phone,
    }


def _user_person(
    user: User | None, organisation: Organisation, languages: list[str]
) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "name": user.get_full_name() or user.email,
        "position": in_languages(languages, lambda: Role.REFERENT.label),
        "email": user.email,
        "phone": organisation.phone,
    }


def _texts_with_translations(agreement: LearningAgreement | None, key: str, languages: list[str]) -> Texts:
    """A free text in each language: its translation when the agreement holds a current one (made from
    the text as it now reads), else as written."""
    base = getattr(agreement, key, "") if agreement is not None else ""
    texts: Texts = {}
    for code in languages:
        translated = (
            translated_text(agreement=agreement, language=code, name=key) if agreement is not None else None
        )
        texts[code] = translated or base
    return texts


def current_agreement(mobility: Mobility) -> LearningAgreement | None:
    """The agreement the mobility ran under: the latest signed version, else the latest one."""
    agreements = sorted(mobility.agreements.all(), key=lambda a: a.version, reverse=True)
    signed = [a for a in agreements if a.status == "signed"]
    candidates = signed or agreements
    return candidates[0] if candidates else None


def validated_evaluation(mobility: Mobility) -> Evaluation | None:
    for evaluation in mobility.evaluations.all():
        if evaluation.kind == EvaluationKind.TUTOR and evaluation.status == EvaluationStatus.VALIDATED:
            return evaluation
    return None


def _skills(evaluation: Evaluation, languages: list[str]) -> dict[str, Any]:
    cefr = []
    for entry in evaluation.language_skills or []:
        if not isinstance(entry, dict) or not entry.get("language"):
            continue
        cefr.append(
            {
                "code": str(entry["language"]),
                "language": _language_name(str(entry["language"]), languages),
                **{skill: str(entry.get(skill) or "") for skill, _ in CEFR_SKILLS},
            }
        )
    digital = []
    levels = dict(DigcompLevel.choices)
    for area, label in DIGCOMP_AREAS:
        level = (evaluation.digital_skills or {}).get(area)
        if level in levels:
            digital.append(
                {
                    "area_code": area,
                    "area": in_languages(languages, partial(str, label)),
                    "level_code": level,
                    "level": in_languages(languages, partial(str, levels[level])),
                }
            )
    return {
        "tasks": evaluation.tasks_carried_out,
        "job_related": evaluation.job_related_skills,
        "languages": cefr,
        "digital": digital,
        "digital_comment": evaluation.digital_comment,
        "organisational": evaluation.organisational_skills,
        "communication": evaluation.communication_skills,
        "other": evaluation.other_skills,
        "overall_comment": evaluation.overall_comment,
        "language": evaluation.language,
        "assessed_by": evaluation.signatory_name or evaluation.author_name,
        "submitted_on": _iso(evaluation.submitted_at),
        "validated_on": _iso(evaluation.reviewed_at),
        "validated_by": (evaluation.reviewed_by.get_full_name() if evaluation.reviewed_by else ""),
        "attended_from": _iso(evaluation.attended_from),
        "attended_to": _iso(evaluation.attended_to),
        "absence_days": evaluation.absence_days,
    }


def _outcomes(
    agreement: LearningAgreement | None, evaluation: Evaluation | None, languages: list[str]
) -> list[dict]:
    if agreement is None:
        return []
    results = dict(OutcomeResult.choices)
    assessed = {a.outcome_id: a for a in (evaluation.assessments.all() if evaluation else [])}
    outcomes = []
    for outcome in agreement.outcomes.all():
        assessment = assessed.get(outcome.pk)
        result = assessment.result if assessment else ""
        outcomes.append(
            {
                "description": outcome.description,
                "category_code": outcome.category,
                "category": in_languages(languages, partial(str, OutcomeCategory(outcome.category).label)),
                "unit": f"{outcome.unit.code} — {outcome.unit.title}" if outcome.unit else "",
                "result_code": result,
                "result": in_languages(languages, partial(str, results.get(result, ""))) if result else {},
                "comment": assessment.comment if assessment else "",
            }
        )
    return outcomes


def _qualification(mobility: Mobility) -> dict[str, Any] | None:
    q = mobility.participant.qualification
    if q is None:
        return None
    return {
        "code": q.code,
        "title": q.title,
        "diploma": q.diploma,
        "eqf_level": q.eqf_level,
        "isced_f": q.isced_f,
    }


def _reference_contact(org: Organisation | None) -> Contact | None:
    if org is None:
        return None
    for contact in org.contacts.all():
        if contact.is_reference_person:
            return contact
    return None


def certificate_content(
    *,
    mobility: Mobility,
    languages: list[str],
    number: str,
    version: int,
    issued_at: datetime,
    issued_by: User | None,
) -> dict[str, Any]:
    """Everything printed on a mobility's certificate, frozen at issue.

    Expects ``mobility`` fetched by ``selectors.mobility_for_certificate`` (everything prefetched).
    """
    learner = mobility.participant
    agreement = current_agreement(mobility)
    evaluation = validated_evaluation(mobility)
    sending_ref = _reference_contact(mobility.sending_organisation)
    tutor = mobility.host_tutor
    issued_on = _iso(issued_at)
    activity = mobility.activity_type
    project = mobility.project
    recognised = [
        {"code": r.unit.code, "title": r.unit.title, "decided_on": _iso(r.decided_on)}
        for r in sorted(mobility.recognitions.all(), key=lambda r: r.unit.code)
        if r.decision == RecognitionDecision.RECOGNISED
    ]
    sending = organisation_data(mobility.sending_organisation, languages) or {}
    sending["reference_person"] = _contact_person(sending_ref) or _user_person(
        issued_by, mobility.sending_organisation, languages
    )
    host = organisation_data(mobility.host_organisation, languages)
    if host is not None:
        host["reference_person"] = _contact_person(tutor)
    signatories = []
    # The host's signatory is the one named in the evaluation; older evaluations name nobody: the tutor.
    if evaluation is not None and evaluation.signatory_name:
        host_signer: tuple[str, str] | None = (evaluation.signatory_name, evaluation.signatory_position)
    else:
        host_signer = (tutor.full_name, tutor.position) if tutor is not None else None
    if host_signer is not None:
        signatories.append(
            {
                "role": in_languages(languages, lambda: Party.HOST.label),
                "name": host_signer[0],
                "position": host_signer[1],
                "organisation": mobility.host_organisation.name if mobility.host_organisation else "",
                "date": _iso(evaluation.submitted_at) if evaluation else None,
                # the tutor signs by submitting the evaluation on their link; otherwise on paper
                "method": ["platform"] if evaluation is not None and evaluation.submitted_at else ["paper"],
            }
        )
    signer = issued_by or (evaluation.reviewed_by if evaluation else None)
    if signer is not None:
        signatories.append(
            {
                "role": in_languages(languages, lambda: Party.SENDING.label),
                "name": signer.get_full_name() or signer.email,
                "position": "",
                "organisation": mobility.centre.name,
                "date": issued_on,
                "method": ["platform", "seal"],
            }
        )
    return {
        "schema": 1,
        "languages": list(languages),
        "number": number,
        "version": version,
        "issued_on": issued_on,
        "holder": {
            "first_name": learner.first_name,
            "last_name": learner.last_name,
            "date_of_birth": _iso(learner.date_of_birth),
            "nationality_code": str(learner.nationality or ""),
            "nationality": _country(learner.nationality, languages) if learner.nationality else {},
        },
        "issuer": organisation_data(mobility.centre, languages),
        "sending": sending,
        "host": host,
        "description": {
            "objective": _texts_with_translations(agreement, "objectives", languages),
            "activity": in_languages(languages, lambda: activity.label_in(translation.get_language())),
            "is_erasmus": activity.is_erasmus,
            "participant_kind": activity.participant_kind,
            "credential_activity_type": activity.credential_activity_type,
            "programme": project.programme if project else "",
            "project_title": project.title if project else "",
            "grant_agreement_number": project.grant_agreement_number if project else "",
            "key_action": project.key_action if project else "",
            "qualification": _qualification(mobility),
            "trade": learner.trade,
            "start": _iso(mobility.start),
            "end": _iso(mobility.end),
            "duration_days": mobility.duration_days,
            "host_city": mobility.host_city,
            "host_country_code": str(mobility.host_country),
            "host_country": _country(mobility.host_country, languages),
            "main_language_code": mobility.main_language,
            "main_language": _language_name(mobility.main_language, languages),
            "mobility_reference": mobility.reference,
        },
        "skills": _skills(evaluation, languages) if evaluation else None,
        "outcomes": _outcomes(agreement, evaluation, languages),
        "recognised_units": recognised,
        "signatories": signatories,
    }


def learning_agreement_context(*, agreement: LearningAgreement, language: str) -> dict[str, Any]:
    """A learning agreement version, as the parties sign it."""
    languages = [language]
    mobility = agreement.mobility
    learner = mobility.participant
    units = [{"code": u.code, "title": u.title} for u in agreement.units.all()]
    outcomes_by_category: list[dict[str, Any]] = []
    for code, label in OutcomeCategory.choices:
        items = [
            {"description": o.description, "unit": o.unit.code if o.unit else ""}
            for o in agreement.outcomes.all()
            if o.category == code
        ]
        if items:
            outcomes_by_category.append(
                {"category": in_languages(languages, partial(str, label)), "items": items}
            )
    parties = dict(Party.choices)
    methods = dict(SignatureMethod.choices)
    signatures = [
        {
            "party": in_languages(languages, partial(str, parties.get(s.party, s.party))),
            "signer": s.signer_name,
            "method": in_languages(languages, partial(str, methods.get(s.method, s.method))),
            "signed_on": _iso(s.signed_at),
        }
        for s in sorted(agreement.signatures.all(), key=lambda s: list(parties).index(s.party))
    ]
    minor = learner.is_minor_on(mobility.planned_start)
    return {
        "languages": languages,
        "version": agreement.version,
        "status": agreement.status,
        "status_label": in_languages(languages, agreement.get_status_display),
        "is_final": agreement.status == "signed",
        "language": _language_name(agreement.language, languages),
        "learner": {
            "name": learner.full_name,
            "date_of_birth": _iso(learner.date_of_birth),
            "is_minor": minor,
            "guardian": learner.guardian_name if minor else "",
            "trade": learner.trade,
            "training_year": learner.training_year,
        },
        "sending": organisation_data(mobility.sending_organisation, languages),
        "sending_reference": _contact_person(_reference_contact(mobility.sending_organisation)),
        "host": organisation_data(mobility.host_organisation, languages),
        "tutor": _contact_person(mobility.host_tutor),
        "intermediary": organisation_data(mobility.intermediary, languages),
        "issuer": organisation_data(mobility.centre, languages),
        "mobility": {
            "reference": mobility.reference,
            "activity": in_languages(languages, lambda: mobility.activity_type.label_in(language)),
            "start": _iso(mobility.planned_start),
            "end": _iso(mobility.planned_end),
            "duration_days": (mobility.planned_end - mobility.planned_start).days + 1,
            "host_city": mobility.host_city,
            "host_country": _country(mobility.host_country, languages),
            "programme": mobility.project.programme if mobility.project else "",
            "grant_agreement_number": mobility.project.grant_agreement_number if mobility.project else "",
        },
        "qualification": _qualification(mobility),
        "hours_per_week": agreement.hours_per_week,
        "working_schedule": agreement.working_schedule,
        # the texts as the parties sign them: a translation helps to read, the original prevails
        "objectives": agreement.objectives,
        "tasks": agreement.tasks,
        "units": units,
        "outcomes": outcomes_by_category,
        "assessor": agreement.assessor,
        "assessment_method": agreement.assessment_method,
        "assessment_timing": agreement.assessment_timing,
        "recognition_arrangements": agreement.recognition_arrangements,
        "placement_language": _language_name(agreement.placement_language, languages),
        "signatures": signatures,
        "generated_on": _iso(timezone.now()),
    }


#: Statuses from which a mobility has really taken place.
ATTENDED_STATUSES = (
    MobilityStatus.COMPLETED,
    MobilityStatus.EVALUATED,
    MobilityStatus.CERTIFIED,
    MobilityStatus.INTERRUPTED,
)


def attendance_context(*, mobility: Mobility, language: str, signer: User | None) -> dict[str, Any]:
    """Who attended what, where and when: the dates the host confirmed, else the recorded ones."""
    languages = [language]
    learner = mobility.participant
    evaluation = validated_evaluation(mobility)
    start = (evaluation.attended_from if evaluation and evaluation.attended_from else None) or mobility.start
    end = (evaluation.attended_to if evaluation and evaluation.attended_to else None) or mobility.end
    absence = evaluation.absence_days if evaluation and evaluation.absence_days else 0
    days = max(0, (end - start).days + 1 - mobility.interruption_days)
    return {
        "languages": languages,
        "holder": {
            "name": learner.full_name,
            "date_of_birth": _iso(learner.date_of_birth),
            "trade": learner.trade,
        },
        "issuer": organisation_data(mobility.centre, languages),
        "host": organisation_data(mobility.host_organisation, languages),
        "tutor": _contact_person(mobility.host_tutor),
        "activity": in_languages(languages, lambda: mobility.activity_type.label_in(language)),
        "programme": mobility.project.programme if mobility.project else "",
        "grant_agreement_number": mobility.project.grant_agreement_number if mobility.project else "",
        "host_city": mobility.host_city,
        "host_country": _country(mobility.host_country, languages),
        "start": _iso(start),
        "end": _iso(end),
        "days": days,
        "absence_days": absence,
        "attended_days": max(0, days - absence),
        "confirmed_by_host": bool(evaluation and evaluation.attended_from),
        "interrupted": mobility.status == MobilityStatus.INTERRUPTED,
        "reference": mobility.reference,
        "signer": {
            "name": (signer.get_full_name() or signer.email) if signer else "",
            "organisation": mobility.centre.name,
        },
        "issued_on": _iso(timezone.now()),
    }
