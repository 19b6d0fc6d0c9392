"""The participant's grant agreement and the apprentice's mobility agreement, rendered by the document
job machinery and read back with pypdf, in the participant's language."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from certification.models import DocumentJob, JobKind, JobStatus
from certification.services import jobs as services_jobs
from certification.services.jobs import CertificationError
from mobility.funding import services
from tests import factories
from tests.certification.conftest import run_jobs

from .test_grant import lyon_cologne, network_table  # noqa: F401  (fixtures)


def _text(job: DocumentJob) -> str:
    job.refresh_from_db()
    assert job.status == JobStatus.READY, job.error
    reader = PdfReader(Path(job.file.path))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_grant_agreement_pdf_in_the_participants_language(referent_a, lyon_cologne):  # noqa: F811
    with pytest.raises(CertificationError):
        services_jobs.funding_document_request(
            mobility=lyon_cologne, kind=JobKind.GRANT_AGREEMENT, acting_user=referent_a
        )
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    job = services_jobs.funding_document_request(
        mobility=lyon_cologne, kind=JobKind.GRANT_AGREEMENT, acting_user=referent_a
    )
    assert job.language == "fr"
    run_jobs()
    text = _text(job)
    assert "1288.00" in text and "1030.40" in text and "257.60" in text
    assert "Soutien organisationnel" in text  # French: the learner's language
    assert lyon_cologne.reference in text
    assert job.filename.startswith("grant-agreement-")


def test_apprentice_agreement_pdf_with_the_teaching_annex(referent_a, lyon_cologne):  # noqa: F811
    learner = lyon_cologne.participant
    learner.employer = factories.HostCompanyFactory(
        kind="sending_employer", name="Boulangerie Exemple", country="FR"
    )
    learner.save()
    factories.LearningAgreementFactory(
        mobility=lyon_cologne, objectives="Pétrir <script>alert(1)</script> {{ x }}", tasks="Fournil du matin"
    )
    job = services_jobs.funding_document_request(
        mobility=lyon_cologne, kind=JobKind.APPRENTICE_AGREEMENT, acting_user=referent_a
    )
    run_jobs()
    text = _text(job)
    assert "mise à disposition" in text  # 21 days
    assert "Boulangerie Exemple" in text and "Fournil du matin" in text
    assert "<script>alert(1)</script> {{ x }}" in text  # printed as text, never run
    assert "Annexe pédagogique" in text


def test_apprentice_agreement_refused_without_contract_dates(referent_a, lyon_cologne):  # noqa: F811
    learner = lyon_cologne.participant
    learner.apprenticeship_end = None
    learner.save()
    with pytest.raises(CertificationError) as exc:
        services_jobs.funding_document_request(
            mobility=lyon_cologne, kind=JobKind.APPRENTICE_AGREEMENT, acting_user=referent_a
        )
    assert "apprenticeship contract" in " ".join(exc.value.messages)
    learner.apprenticeship_end = datetime.date(2026, 3, 10)
    learner.save()
    with pytest.raises(CertificationError):
        services_jobs.funding_document_request(
            mobility=lyon_cologne, kind=JobKind.APPRENTICE_AGREEMENT, acting_user=referent_a
        )
    assert not DocumentJob.objects.exists()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_signatures_in_the_platform_or_on_paper_with_a_scan(client_of, referent_a, lyon_cologne):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from mobility.funding.models import FundingSignature
    from partners.audit.models import AuditEntry

    client = client_of(referent_a)
    url = reverse("mobility:grant-sign", args=[lyon_cologne.pk])
    # Not issued yet: refused, named.
    response = client.post(
        url, {"document": "grant", "party": "participant", "signer_name": "A", "method": "in_app"}
    )
    assert response.status_code == 400 and "Issue the grant agreement first" in response.content.decode()
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    # On paper without the scan: refused.
    response = client.post(
        url, {"document": "grant", "party": "sending", "signer_name": "B", "method": "outside"}
    )
    assert response.status_code == 400 and not FundingSignature.objects.exists()
    response = client.post(
        url,
        {
            "document": "grant",
            "party": "sending",
            "signer_name": "<script>alert(1)</script>",
            "method": "outside",
            "scan": SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    response = client.post(
        url, {"document": "grant", "party": "participant", "signer_name": "Léa", "method": "in_app"}
    )
    assert response.status_code == 302
    page = client.get(reverse("mobility:mobility-detail", args=[lyon_cologne.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert FundingSignature.objects.get(party="sending").scan.name.endswith(".pdf")
    assert AuditEntry.objects.filter(action="grant.sign").count() == 2
    # The employer does not sign the grant agreement; the same party twice is refused.
    response = client.post(
        url, {"document": "grant", "party": "employer", "signer_name": "C", "method": "in_app"}
    )
    assert response.status_code == 400
    response = client.post(
        url, {"document": "grant", "party": "participant", "signer_name": "Léa", "method": "in_app"}
    )
    assert response.status_code == 400
    # An amendment is signed again.
    lyon_cologne.planned_end = datetime.date(2026, 3, 23)
    lyon_cologne.save()
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    assert not FundingSignature.objects.filter(document="grant").exists()


def test_erasure_drops_signers_and_scans_but_keeps_the_amounts(referent_a, lyon_cologne):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mobility.funding.models import FundingSignature, GrantPayment, MobilityFunding
    from mobility.funding.privacy import funding_erase, funding_export

    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    services.funding_sign(
        mobility=lyon_cologne,
        document="grant",
        party="sending",
        signer_name="Signataire",
        method="outside",
        scan=SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf"),
        acting_user=referent_a,
    )
    exported = funding_export(lyon_cologne, lambda folder, f, name: f"{folder}/{name}")
    assert (
        exported[0]["signatures"][0]["signer_name"] == "Signataire"
        and exported[0]["grant"]["total"] == "1288.00"
    )
    dropped = []
    assert funding_erase([lyon_cologne.pk], dropped.append) == 1
    assert len(dropped) == 1 and not FundingSignature.objects.exists()
    assert MobilityFunding.objects.get(mobility=lyon_cologne).frozen["total"] == "1288.00"
    assert GrantPayment.objects.count() == 2
