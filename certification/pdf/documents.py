"""Turning a document's data into bytes: context → template → PDF (and the certificate's JSON-LD).

Nothing here changes the database; services call these and store the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from certification import credentials
from certification.pdf.display import display_image
from certification.pdf.html import PdfAttachment, html_to_pdf, logo_data_uri, qr_svg, render_html, sha256_of
from mobility.evaluations.models import CEFR_SKILLS

CERTIFICATE_LABELS = {
    "title": _("Europass Mobility"),
    "subtitle": _("Record of a learning period abroad"),
    "holder": _("Holder of the document"),
    "first_name": _("First name(s)"),
    "last_name": _("Surname(s)"),
    "date_of_birth": _("Date of birth"),
    "nationality": _("Nationality"),
    "issuer": _("Issuer"),
    "issuing_organisation": _("Issuing organisation"),
    "name": _("Name"),
    "number": _("Certificate number"),
    "issue_date": _("Date of issue"),
    "version": _("Version"),
    "partners": _("Partners"),
    "sending": _("Sending partner"),
    "host": _("Host partner"),
    "type": _("Type"),
    "address": _("Address"),
    "reference_person": _("Reference person"),
    "tutor": _("Mentor or tutor"),
    "description": _("Description of the mobility"),
    "objective": _("Objective of the mobility"),
    "programme": _("Initiative or programme"),
    "project": _("Project"),
    "activity": _("Activity"),
    "qualification": _("Qualification it is part of"),
    "eqf": _("EQF level"),
    "duration": _("Duration"),
    "from": _("From"),
    "to": _("To"),
    "days": _("days"),
    "place": _("Place"),
    "language_of_activity": _("Main language of the activity"),
    "skills": _("Skills acquired during the mobility"),
    "tasks": _("Activities and tasks carried out"),
    "job_related": _("Job-related skills"),
    "language_skills": _("Language skills"),
    "language": _("Language"),
    "understanding": _("Understanding"),
    "speaking": _("Speaking"),
    "writing": _("Writing"),
    "digital": _("Digital skills"),
    "organisational": _("Organisational and managerial skills"),
    "communication": _("Communication skills"),
    "other": _("Other skills"),
    "outcomes": _("Learning outcomes"),
    "result": _("Result"),
    "unit": _("Unit"),
    "recognised": _("Units of learning outcomes recognised by the sending centre"),
    "decided_on": _("Decided on"),
    "assessment": _("Assessment"),
    "assessed_by": _("Assessed by the host"),
    "validated_by": _("Validated by the sending centre"),
    "signatories": _("Signatories"),
    "signed_on": _("Date"),
    "signed_how": _("Signed"),
    "method_platform": _("in the platform"),
    "method_paper": _("on paper, scanned copy kept by the sending centre"),
    "method_seal": _("with the centre's electronic seal"),
    "sealed": _("This PDF and the digital credential it carries are sealed electronically by"),
    "sealed_demo": _(
        "Sealed with a demonstration key: it shows how sealing works and proves nothing. "
        "Configure the centre's seal certificate for real use."
    ),
    "verify": _("Verify this certificate"),
    "verify_text": _(
        "Scan the code or open the address below to check that this certificate is genuine and still valid."
    ),
    "cefr_note": _("Levels of the Common European Framework of Reference for Languages (A1–C2)."),
    "no_skills": _("No skills section: the evaluation was not filled in."),
    **{f"cefr_{code}": label for code, label in CEFR_SKILLS},
}

AGREEMENT_LABELS = {
    "title": _("Learning agreement"),
    "version": _("Version"),
    "status": _("Status"),
    "draft_notice": _("This version is not signed by every party yet."),
    "superseded_notice": _("This version has been replaced by a later one."),
    "parties": _("Parties"),
    "learner": _("Learner"),
    "date_of_birth": _("Date of birth"),
    "guardian": _("Guardian"),
    "trade": _("Trade"),
    "training_year": _("Year of training"),
    "sending": _("Sending organisation"),
    "host": _("Host organisation"),
    "tutor": _("Tutor"),
    "intermediary": _("Intermediary organisation"),
    "reference_person": _("Reference person"),
    "placement": _("The placement"),
    "activity": _("Activity"),
    "dates": _("Dates"),
    "duration": _("Duration"),
    "days": _("days"),
    "place": _("Place"),
    "hours_per_week": _("Hours per week"),
    "working_schedule": _("Working schedule"),
    "programme": _("Programme"),
    "language": _("Language of the placement"),
    "qualification": _("Qualification and units"),
    "eqf": _("EQF level"),
    "units": _("Units of learning outcomes assessed abroad"),
    "objectives": _("Objectives"),
    "outcomes": _("Learning outcomes"),
    "tasks": _("Tasks"),
    "evaluation": _("Monitoring and evaluation"),
    "assessor": _("Who assesses"),
    "method": _("How it is assessed"),
    "timing": _("When it is assessed"),
    "recognition": _("Recognition arrangements"),
    "signatures": _("Signatures"),
    "signed_by": _("Signed by"),
    "signed_on": _("Date"),
    "how": _("How"),
    "not_signed": _("Not signed yet"),
    "generated_on": _("Printed on"),
}

ATTENDANCE_LABELS = {
    "title": _("Certificate of attendance"),
    "certify": _("We hereby certify that"),
    "born_on": _("born on"),
    "took_part": _("took part in the following learning mobility:"),
    "activity": _("Activity"),
    "programme": _("Programme"),
    "host": _("Host organisation"),
    "place": _("Place"),
    "from": _("From"),
    "to": _("To"),
    "days": _("Days of the activity"),
    "absence": _("Days of absence"),
    "attended": _("Days attended"),
    "confirmed": _("Dates confirmed by the host organisation."),
    "interrupted": _("The mobility was interrupted before its planned end."),
    "reference": _("Reference"),
    "issued": _("Issued on"),
    "signature": _("For the sending organisation"),
}


@lru_cache(maxsize=32)
def _labels(table: str, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    source = {
        "certificate": CERTIFICATE_LABELS,
        "agreement": AGREEMENT_LABELS,
        "attendance": ATTENDANCE_LABELS,
    }[table]
    labels: dict[str, dict[str, str]] = {key: {} for key in source}
    for code in languages:
        with translation.override(code):
            for key, text in source.items():
                labels[key][code] = str(text)
    return labels


def labels_for(table: str, languages: list[str]) -> dict[str, dict[str, str]]:
    return _labels(table, tuple(languages))


def verification_url(number: str) -> str:
    return settings.SITE_URL + reverse("certification:verify", kwargs={"number": number})


@dataclass(frozen=True)
class RenderedDocument:
    content: bytes
    filename: str
    content_type: str = "application/pdf"
    #: a certificate's: the sealed credential embedded in it, and which seal made it
    sealed_credential: str = ""
    seal_subject: str = ""
    sealed_with_demo: bool = False

    @property
    def sha256(self) -> str:
        return sha256_of(self.content)


def _pdf_context(content: dict[str, Any], table: str) -> dict[str, Any]:
    languages = content.get("languages") or ["en"]
    issuer = content.get("issuer") or {}
    return {
        **content,
        "doc": content,
        "languages": languages,
        "primary": languages[0],
        "labels": labels_for(table, languages),
        "logo": logo_data_uri(issuer.get("logo", "")),
    }


def render_certificate(content: dict[str, Any], credential: dict[str, Any]) -> RenderedDocument:
    """The certificate's PDF/A-3 with its sealed digital credential embedded, sealed in PAdES.

    A seal that cannot be used raises ``SealError``: nothing is issued unsealed.
    """
    from certification.pdf.signing import sign_pdf
    from certification.seal import load_seal, seal_credential

    seal = load_seal()
    sealed = seal_credential(credential, seal=seal)
    issuer = content.get("issuer") or {}
    url = verification_url(content["number"])
    base = _pdf_context(content, "certificate")
    labels = base["labels"]
    signatories = [
        {
            **s,
            "method_labels": [
                labels[f"method_{code}"] for code in s.get("method") or () if f"method_{code}" in labels
            ],
        }
        for s in content.get("signatories") or []
    ]
    context = {
        **base,
        "signatories": signatories,
        "verify_url": url,
        "qr": qr_svg(url),
        "seal": {"subject": seal.subject, "demo": seal.is_demo, "organisation": issuer.get("name", "")},
    }
    html = render_html("pdf/certificate.html", context, language=context["primary"])
    attachment = PdfAttachment(
        name=f"{content['number']}.jsonld",
        content=sealed.encode(),
        description="European Digital Credential (European Learning Model), sealed (JAdES)",
        relationship="Alternative",
    )
    pdf = html_to_pdf(html, attachments=(attachment,))
    signed = sign_pdf(
        pdf,
        seal=seal,
        reason=f"Europass Mobility {content['number']}",
        location=issuer.get("city") or "",
        name=issuer.get("name", ""),
    )
    return RenderedDocument(
        content=signed,
        filename=f"{content['number']}.pdf",
        sealed_credential=sealed,
        seal_subject=seal.subject,
        sealed_with_demo=seal.is_demo,
    )


def certificate_credential(content: dict[str, Any], *, issued_at_iso: str) -> dict[str, Any]:
    languages = content.get("languages") or ["en"]
    with translation.override(languages[0]):
        cefr_labels = {code: str(label) for code, label in CEFR_SKILLS}
    url = verification_url(content["number"])
    return credentials.build_credential(
        content,
        issued_at=issued_at_iso,
        verify_url=url,
        display_image=display_image(content),
        cefr_labels=cefr_labels,
        # the status the platform publishes: valid, superseded or revoked, read by machines
        status={"@value": f"{url}status/", "@type": "http://www.w3.org/2001/XMLSchema#anyURI"},
    )


def render_learning_agreement(context: dict[str, Any], *, filename: str) -> RenderedDocument:
    ctx = _pdf_context(context, "agreement")
    html = render_html("pdf/learning_agreement.html", ctx, language=ctx["primary"])
    return RenderedDocument(content=html_to_pdf(html), filename=filename)


def render_attendance(context: dict[str, Any], *, filename: str) -> RenderedDocument:
    ctx = _pdf_context(context, "attendance")
    html = render_html("pdf/attendance.html", ctx, language=ctx["primary"])
    return RenderedDocument(content=html_to_pdf(html), filename=filename)
