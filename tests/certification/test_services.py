import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from pypdf import PdfReader

from certification.models import Certificate, CertificateStatus, DocumentJob, JobKind, JobStatus
from certification.services import certificates as services
from certification.services import issuing as services_issuing
from certification.services import jobs as services_jobs
from certification.services import renders as services_renders
from certification.services import sweeps as services_sweeps
from certification.services.jobs import CertificationError
from mobility.mobilities.models import MobilityStatus
from partners.audit.models import AuditEntry

from .conftest import run_jobs
from .factories import GroupFactory, evaluated_mobility

pytestmark = pytest.mark.django_db


def _issue(mobility, user, **kwargs):
    return services.certificate_issue(mobility=mobility, acting_user=user, **kwargs)


def test_numbers_are_long_random_and_unique():
    numbers = {services.certificate_number_new() for _ in range(200)}
    assert len(numbers) == 200
    assert all(re.fullmatch(r"EM-\d{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}", n) for n in numbers)


def test_issuing_creates_a_requested_certificate_and_its_job(mobility_a, referent_a):
    certificate = _issue(mobility_a, referent_a)
    assert certificate.status == CertificateStatus.REQUESTED
    assert certificate.version == 1
    assert certificate.languages == ["fr"]
    assert certificate.job.kind == JobKind.CERTIFICATE and certificate.job.status == JobStatus.REQUESTED
    assert AuditEntry.objects.filter(action="certificate.issue", target_id=str(certificate.pk)).exists()


def test_issuing_publishes_the_job_after_commit(
    mobility_a, referent_a, django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr(services_jobs, "_publish", lambda job_id: published.append(job_id) or True)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = _issue(mobility_a, referent_a)
    assert published == [certificate.job.pk]


def test_a_broker_outage_leaves_the_job_requested_without_error(
    mobility_a, referent_a, monkeypatch, settings
):
    from certification.tasks import renders as tasks

    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.render_document, "apply_async", broken)
    monkeypatch.setattr("partners.broker.services._quiet_until", 0.0)
    certificate = _issue(mobility_a, referent_a)
    assert services_jobs._publish(certificate.job.pk) is False
    certificate.job.refresh_from_db()
    assert certificate.job.status == JobStatus.REQUESTED and certificate.job.published_at is None


def test_only_an_evaluated_mobility_gets_a_certificate(centre_a, referent_a):
    mobility = evaluated_mobility(centre=centre_a)
    mobility.status = MobilityStatus.COMPLETED
    mobility.save(update_fields=["status"])
    with pytest.raises(CertificationError):
        _issue(mobility, referent_a)


def test_a_validated_tutor_evaluation_is_required(mobility_a, referent_a):
    mobility_a.evaluations.update(status="submitted")
    with pytest.raises(CertificationError):
        _issue(mobility_a, referent_a)


def test_read_only_staff_cannot_issue(mobility_a, readonly_a):
    with pytest.raises(PermissionDenied):
        _issue(mobility_a, readonly_a)


def test_a_second_request_while_rendering_returns_the_same_certificate(mobility_a, referent_a):
    first = _issue(mobility_a, referent_a)
    assert _issue(mobility_a, referent_a).pk == first.pk
    assert Certificate.objects.count() == 1


def test_rendering_stores_the_file_and_its_sha256(mobility_a, referent_a):
    certificate = _issue(mobility_a, referent_a)
    run_jobs()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
    data = Path(certificate.file.path).read_bytes()
    assert data.startswith(b"%PDF")
    import hashlib

    assert certificate.sha256 == hashlib.sha256(data).hexdigest()
    assert certificate.job.sha256 == certificate.sha256


def test_a_ready_certificate_moves_the_mobility_to_certified(mobility_a, referent_a):
    _issue(mobility_a, referent_a)
    run_jobs()
    mobility_a.refresh_from_db()
    assert mobility_a.status == MobilityStatus.CERTIFIED


def test_running_a_job_twice_gives_one_file(mobility_a, referent_a):
    certificate = _issue(mobility_a, referent_a)
    services_renders.document_job_run(job_id=certificate.job.pk)
    certificate.refresh_from_db()
    first_sha = certificate.sha256
    services_renders.document_job_run(job_id=certificate.job.pk)
    certificate.refresh_from_db()
    assert certificate.sha256 == first_sha
    files = list(Path(certificate.file.path).parent.iterdir())
    assert len(files) == 1


def test_an_abandoned_render_is_taken_over(mobility_a, referent_a):
    certificate = _issue(mobility_a, referent_a)
    DocumentJob.objects.filter(pk=certificate.job.pk).update(status=JobStatus.RENDERING, attempts=1)
    services_renders.document_job_run(job_id=certificate.job.pk)
    certificate.job.refresh_from_db()
    assert certificate.job.status == JobStatus.READY and certificate.job.attempts == 2


def test_a_render_that_took_the_worker_down_every_time_fails_with_the_reason(
    mobility_a, referent_a, settings
):
    """No endless loop of deliveries for a job that kills its worker: after the last attempt, failed."""
    settings.DOCUMENT_JOB_MAX_ATTEMPTS = 3
    certificate = _issue(mobility_a, referent_a)
    DocumentJob.objects.filter(pk=certificate.job.pk).update(status=JobStatus.RENDERING, attempts=3)
    services_renders.document_job_run(job_id=certificate.job.pk)
    job = DocumentJob.objects.get(pk=certificate.job.pk)
    certificate.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 3 and not job.file
    assert job.error.startswith("RenderAbandoned: the rendering process stopped 3 times")
    assert certificate.status == CertificateStatus.FAILED
    services_jobs.document_job_retry(job=job, acting_user=referent_a)  # the retry button starts afresh
    run_jobs()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY


def test_a_valid_certificate_cannot_be_issued_twice(mobility_a, referent_a):
    _issue(mobility_a, referent_a)
    run_jobs()
    with pytest.raises(CertificationError):
        _issue(mobility_a, referent_a)


def test_reissuing_makes_a_new_version_and_supersedes_the_old_one_once_ready(mobility_a, referent_a):
    old = _issue(mobility_a, referent_a)
    run_jobs()
    old.refresh_from_db()
    new = services.certificate_reissue(certificate=old, acting_user=referent_a, reason="Dates corrigées")
    assert new.version == 2 and new.number != old.number
    old.refresh_from_db()
    assert old.is_valid  # still valid while the new version renders
    run_jobs()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.superseded_by_id == new.pk and old.verification_status == "superseded"
    assert new.verification_status == "valid"


def test_reissuing_needs_a_reason(mobility_a, referent_a):
    old = _issue(mobility_a, referent_a)
    run_jobs()
    old.refresh_from_db()
    with pytest.raises(CertificationError):
        services.certificate_reissue(certificate=old, acting_user=referent_a, reason=" ")


def test_revoking_records_who_and_why(mobility_a, referent_a):
    certificate = _issue(mobility_a, referent_a)
    run_jobs()
    certificate.refresh_from_db()
    services.certificate_revoke(certificate=certificate, acting_user=referent_a, reason="Erreur de personne")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_by == referent_a and certificate.revoked_reason == "Erreur de personne"
    assert certificate.revoked_at is not None
    entry = AuditEntry.objects.get(action="certificate.revoke")
    assert "Erreur" not in str(entry.data)  # free text stays out of the audit log


def test_a_certificate_being_rendered_cannot_be_revoked(mobility_a, referent_a):
    certificate = _issue(mobility_a, referent_a)
    with pytest.raises(CertificationError):
        services.certificate_revoke(certificate=certificate, acting_user=referent_a, reason="x")


def test_a_revoked_mobility_can_be_issued_a_new_version(mobility_a, referent_a):
    certificate = _issue(mobility_a, referent_a)
    run_jobs()
    certificate.refresh_from_db()
    services.certificate_revoke(certificate=certificate, acting_user=referent_a, reason="Erreur")
    assert _issue(mobility_a, referent_a).version == 2


def test_a_failing_render_is_retried_then_fails_with_the_reason(
    mobility_a, referent_a, monkeypatch, settings
):
    settings.DOCUMENT_JOB_MAX_ATTEMPTS = 2
    certificate = _issue(mobility_a, referent_a)

    def broken(*args, **kwargs):
        raise ValueError("template exploded")

    monkeypatch.setattr(services_renders.documents, "render_certificate", broken)
    with pytest.raises(services_renders.RenderRetry):
        services_renders.document_job_run(job_id=certificate.job.pk)
    certificate.job.refresh_from_db()
    assert certificate.job.status == JobStatus.REQUESTED and certificate.job.attempts == 1
    services_renders.document_job_run(job_id=certificate.job.pk)
    certificate.job.refresh_from_db()
    certificate.refresh_from_db()
    assert certificate.job.status == JobStatus.FAILED
    assert "template exploded" in certificate.job.error
    assert certificate.status == CertificateStatus.FAILED


def test_retrying_a_failed_job_renders_it(mobility_a, referent_a, monkeypatch, settings):
    settings.DOCUMENT_JOB_MAX_ATTEMPTS = 1
    certificate = _issue(mobility_a, referent_a)
    real = services_renders.documents.render_certificate
    monkeypatch.setattr(
        services_renders.documents, "render_certificate", lambda *a: (_ for _ in ()).throw(ValueError("x"))
    )
    services_renders.document_job_run(job_id=certificate.job.pk)
    monkeypatch.setattr(services_renders.documents, "render_certificate", real)
    services_jobs.document_job_retry(job=certificate.job, acting_user=referent_a)
    run_jobs()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY


def test_the_sweeper_republishes_unpublished_and_stale_jobs_only(
    mobility_a, referent_a, monkeypatch, settings
):
    settings.DOCUMENT_JOB_PUBLISH_GRACE = 10
    settings.DOCUMENT_JOB_STALE_AFTER = 600
    published = []
    monkeypatch.setattr(services_jobs, "_publish", lambda job_id: published.append(job_id) or True)
    old = timezone.now() - timedelta(minutes=30)
    never_published = _issue(mobility_a, referent_a).job
    DocumentJob.objects.filter(pk=never_published.pk).update(created_at=old)
    other = evaluated_mobility(centre=mobility_a.centre)
    stuck = _issue(other, referent_a).job
    DocumentJob.objects.filter(pk=stuck.pk).update(
        status=JobStatus.RENDERING, started_at=old, published_at=old
    )
    recent = _issue(evaluated_mobility(centre=mobility_a.centre), referent_a).job
    DocumentJob.objects.filter(pk=recent.pk).update(published_at=timezone.now())
    assert services_sweeps.document_jobs_republish_stale() == 2
    assert sorted(published) == sorted([never_published.pk, stuck.pk])


def _group_with_certificates(centre, referent, count=3, names=None):
    group = GroupFactory(centre=centre)
    from tests import factories as base

    for index in range(count):
        first, last = (names or [])[index] if names else (f"Prénom{index}", "Martin")
        evaluated_mobility(
            group=group, participant=base.LearnerFactory(centre=centre, first_name=first, last_name=last)
        )
    return group


def test_issuing_a_group_issues_each_evaluated_mobility_once(centre_a, referent_a):
    group = _group_with_certificates(centre_a, referent_a)
    assert len(services_issuing.group_certificates_issue(group=group, acting_user=referent_a)) == 3
    assert (
        services_issuing.group_certificates_issue(group=group, acting_user=referent_a) == []
        or Certificate.objects.count() == 3
    )
    assert Certificate.objects.count() == 3


def test_a_zip_bundle_has_one_uniquely_named_file_per_certificate(centre_a, referent_a):
    group = _group_with_certificates(
        centre_a, referent_a, names=[("Jean", "Martin"), ("Jean", "Martin"), ("Zoë", "O'Brien-Núñez")]
    )
    services_issuing.group_certificates_issue(group=group, acting_user=referent_a)
    job = services_jobs.bundle_request(kind=JobKind.BUNDLE_ZIP, group=group, acting_user=referent_a)
    assert job.progress_total == 3
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.READY and job.progress_done == 3
    with zipfile.ZipFile(job.file.path) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == 3
    assert any(n.startswith("O-BRIEN-NUNEZ_Zoe_EM-") for n in names)


def test_a_pdf_bundle_merges_every_certificate(centre_a, referent_a):
    group = _group_with_certificates(centre_a, referent_a, count=2)
    services_issuing.group_certificates_issue(group=group, acting_user=referent_a)
    run_jobs()
    pages = sum(len(PdfReader(c.file.path).pages) for c in Certificate.objects.all())
    job = services_jobs.bundle_request(kind=JobKind.BUNDLE_PDF, group=group, acting_user=referent_a)
    run_jobs()
    job.refresh_from_db()
    merged = PdfReader(io.BytesIO(Path(job.file.path).read_bytes()))
    assert len(merged.pages) == pages
    titles = [item.title for item in merged.outline if not isinstance(item, list)]
    assert titles == [
        c.holder_name for c in Certificate.objects.order_by("mobility__participant__first_name")
    ]


def test_a_bundle_needs_certificates(centre_a, referent_a):
    group = GroupFactory(centre=centre_a)
    with pytest.raises(CertificationError):
        services_jobs.bundle_request(kind=JobKind.BUNDLE_ZIP, group=group, acting_user=referent_a)


def test_attendance_needs_a_mobility_that_took_place(mobility_a, referent_a):
    mobility_a.status = MobilityStatus.CONFIRMED
    with pytest.raises(CertificationError):
        services_jobs.attendance_request(mobility=mobility_a, acting_user=referent_a)


def test_agreement_and_attendance_documents_render(mobility_a, referent_a):
    agreement_job = services_jobs.agreement_pdf_request(
        agreement=mobility_a.agreements.first(), acting_user=referent_a
    )
    attendance_job = services_jobs.attendance_request(mobility=mobility_a, acting_user=referent_a)
    run_jobs()
    for job in (agreement_job, attendance_job):
        job.refresh_from_db()
        assert job.status == JobStatus.READY, job.error
        assert Path(job.file.path).read_bytes().startswith(b"%PDF")
    assert agreement_job.filename.startswith("learning-agreement-")


def test_each_version_of_the_learning_agreement_has_its_own_pdf(mobility_a, referent_a):
    """The replaced version prints as replaced; the signed one prints without a warning."""
    from ..text import translated
    from .factories import AgreementFactory

    first = mobility_a.agreements.get()
    first.status = "superseded"
    first.save(update_fields=["status"])
    second = AgreementFactory(mobility=mobility_a, version=2, objectives="Objectifs de la version 2.")
    jobs = [services_jobs.agreement_pdf_request(agreement=a, acting_user=referent_a) for a in (first, second)]
    run_jobs()
    texts = []
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.READY, job.error
        texts.append(" ".join(p.extract_text() for p in PdfReader(job.file.path).pages))
    assert [j.filename.rsplit("-", 1)[1] for j in jobs] == ["v1.pdf", "v2.pdf"]
    replaced = translated("This version has been replaced by a later one.", "fr")
    assert replaced in " ".join(texts[0].split())
    assert replaced not in " ".join(texts[1].split()) and "Objectifs de la version 2." in texts[1]
