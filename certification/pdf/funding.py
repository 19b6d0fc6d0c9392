"""The participant's grant agreement and the apprentice's mobility agreement: their content (read
from the frozen grant, the learner's record and the learning agreement) and their PDF."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from certification.pdf.context import _contact_person, _iso, in_languages, organisation_data
from certification.pdf.documents import RenderedDocument
from certification.pdf.html import html_to_pdf, logo_data_uri, render_html
from mobility.agreements.selectors import agreement_current
from mobility.funding import selectors as funding
from mobility.funding.models import MobilityFunding
from mobility.mobilities.models import Mobility

GRANT_LABELS = {
    "title": _("Grant agreement of the participant"),
    "intro": _(
        "The sending organisation grants the participant the following financial support for the mobility."
    ),
    "participant": _("Participant"),
    "sending": _("Sending organisation"),
    "host": _("Host organisation"),
    "activity": _("Activity"),
    "place": _("Place"),
    "from": _("From"),
    "to": _("To"),
    "project": _("Project"),
    "line": _("Line"),
    "rate": _("Rate"),
    "count": _("Count"),
    "amount": _("Amount (EUR)"),
    "total": _("Total"),
    "schedule": _("Payment schedule"),
    "due_on": _("Due on"),
    "kind": _("Kind"),
    "terms": _(
        "The balance is paid after the participant's return and report. A change of dates or "
        "destination is recorded in an amendment."
    ),
    "reference": _("Reference"),
    "issued": _("Issued on"),
    "sign_participant": _("The participant (or their legal representative)"),
    "sign_sending": _("For the sending organisation"),
}

APPRENTICE_LABELS = {
    "title": _("Apprentice's mobility agreement"),
    "provision": _("Convention de mise à disposition"),
    "suspension": _("Convention de mise en veille"),
    "provision_text": _(
        "Stay of up to 4 weeks: the apprenticeship contract runs on; the employer keeps paying the "
        "apprentice and remains responsible for them."
    ),
    "suspension_text": _(
        "Stay of over 4 weeks: the apprenticeship contract is suspended; the host organisation is "
        "responsible for the working conditions under the host country's rules."
    ),
    "parties": _("Parties"),
    "apprentice": _("Apprentice"),
    "employer": _("Employer"),
    "centre": _("Training centre (sending)"),
    "host": _("Host organisation"),
    "partner": _("Partner organisation abroad"),
    "contract": _("Apprenticeship contract"),
    "stay": _("Stay abroad"),
    "from": _("From"),
    "to": _("To"),
    "days": _("Days"),
    "annex": _("Teaching annex"),
    "objectives": _("Objectives"),
    "tasks": _("Tasks"),
    "monitoring": _("Monitoring"),
    "evaluation": _("Evaluation"),
    "recognition": _("Recognition"),
    "tutor": _("Host tutor"),
    "problems": _("Rules not met"),
    "signatures": _("Signatures"),
    "reference": _("Reference"),
    "issued": _("Issued on"),
}


def _labels(table: dict, language: str) -> dict[str, dict[str, str]]:
    with translation.override(language):
        return {key: {language: str(text)} for key, text in table.items()}


def grant_agreement_context(*, mobility: Mobility, language: str) -> dict[str, Any]:
    languages = [language]
    record = MobilityFunding.objects.get(mobility=mobility)
    frozen = record.frozen or {"lines": [], "total": None}
    with translation.override(language):
        lines = [{**line, "label": funding.line_label(line["code"])} for line in frozen["lines"]]
        payments = [
            {"kind": str(p.get_kind_display()), "due_on": _iso(p.due_on), "amount": str(p.amount)}
            for p in record.payments.order_by("due_on", "id")
        ]
    learner = mobility.participant
    return {
        "languages": languages,
        "participant": {"name": learner.full_name, "date_of_birth": _iso(learner.date_of_birth)},
        "issuer": organisation_data(mobility.centre, languages),
        "sending": organisation_data(mobility.sending_organisation, languages),
        "host": organisation_data(mobility.host_organisation, languages),
        "activity": in_languages(languages, lambda: mobility.activity_type.label_in(language)),
        "host_city": mobility.host_city,
        "start": _iso(mobility.start),
        "end": _iso(mobility.end),
        "project": mobility.project.grant_agreement_number if mobility.project else "",
        "lines": lines,
        "total": frozen.get("total"),
        "payments": payments,
        "reference": mobility.reference,
        "issued_on": _iso(record.issued_at or timezone.now()),
    }


def apprentice_agreement_context(*, mobility: Mobility, language: str) -> dict[str, Any]:
    languages = [language]
    learner = mobility.participant
    check = funding.apprenticeship_check(mobility)
    agreement = agreement_current(mobility=mobility)
    annex = {
        "objectives": agreement.objectives if agreement else "",
        "tasks": agreement.tasks if agreement else "",
        "monitoring": agreement.working_schedule if agreement else "",
        "evaluation": " — ".join(
            t
            for t in (
                (agreement.assessor, agreement.assessment_method, agreement.assessment_timing)
                if agreement
                else ()
            )
            if t
        ),
        "recognition": agreement.recognition_arrangements if agreement else "",
        "outcomes": [o.description for o in agreement.outcomes.all()] if agreement else [],
    }
    return {
        "languages": languages,
        "convention": check.convention,
        "problems": [message for _field, message in check.problems],
        "apprentice": {
            "name": learner.full_name,
            "date_of_birth": _iso(learner.date_of_birth),
            "trade": learner.trade,
        },
        "contract": {"start": _iso(learner.apprenticeship_start), "end": _iso(learner.apprenticeship_end)},
        "employer": organisation_data(learner.employer, languages),
        "employer_contact": _contact_person(learner.employer_contact),
        "issuer": organisation_data(mobility.centre, languages),
        "host": organisation_data(mobility.host_organisation, languages),
        "partner": organisation_data(mobility.intermediary, languages),
        "tutor": _contact_person(mobility.host_tutor),
        "host_city": mobility.host_city,
        "start": _iso(mobility.start),
        "end": _iso(mobility.end),
        "days": (mobility.end - mobility.start).days + 1,
        "annex": annex,
        "reference": mobility.reference,
        "issued_on": _iso(timezone.now()),
    }


def _render(template: str, labels: dict, context: dict[str, Any], filename: str) -> RenderedDocument:
    language = context["languages"][0]
    issuer = context.get("issuer") or {}
    full = {
        **context,
        "doc": context,
        "primary": language,
        "labels": _labels(labels, language),
        "logo": logo_data_uri(issuer.get("logo", "")),
    }
    return RenderedDocument(
        content=html_to_pdf(render_html(template, full, language=language)), filename=filename
    )


def render_grant_agreement(context: dict[str, Any], *, filename: str) -> RenderedDocument:
    return _render("pdf/grant_agreement.html", GRANT_LABELS, context, filename)


def render_apprentice_agreement(context: dict[str, Any], *, filename: str) -> RenderedDocument:
    return _render("pdf/apprentice_agreement.html", APPRENTICE_LABELS, context, filename)
