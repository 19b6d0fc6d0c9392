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
