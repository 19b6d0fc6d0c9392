"""Route × role matrix of the certification app (format: tests/permissions/__init__.py).

Every object belongs to centre A: ``referent_b`` is the outsider (404), ``readonly_a`` may look but
not act (403 on actions), the operator holds no membership (403), anonymous visitors and tutors
are sent to the login page, except on the public verification pages.
"""

from .base import Route, everyone, expect, world_object
from .guests import guest_page


@world_object
def cert_mobility(world):
    """An evaluated mobility of centre A in a group and a project, its certificate not issued."""
    from tests import factories as base
    from tests.certification.factories import GroupFactory, evaluated_mobility

    project = base.ProjectFactory(organisation=world.centre_a)
    group = GroupFactory(centre=world.centre_a)
    return evaluated_mobility(centre=world.centre_a, group=group, project=project)


@world_object
def cert_issued(world):
    """A rendered, valid certificate of centre A (in the same group and project)."""
    from certification.services import certificates as services_certificates
    from certification.services import renders as services
    from tests.certification.factories import evaluated_mobility

    waiting = world.cert_mobility
    mobility = evaluated_mobility(centre=world.centre_a, group=waiting.group, project=waiting.project)
    certificate = services_certificates.certificate_issue(mobility=mobility, acting_user=world.referent_a)
    services.document_job_run(job_id=certificate.job.pk)
    certificate.refresh_from_db()
    return certificate


@world_object
def cert_failed_job(world):
    from certification.models import DocumentJob, JobStatus
    from certification.services import jobs as services

    job = services.agreement_pdf_request(
        agreement=world.cert_mobility.agreements.first(), acting_user=world.referent_a
    )
    DocumentJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="ValueError: boom")
    return job


@world_object
def guest_certificate(world):
    """A valid certificate of the guests' mobility (``guests.py``), written straight to the database."""
    import io

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from certification.models import Certificate, CertificateStatus

    mobility = world.guest_mobility
    certificate = Certificate(
        centre_id=mobility.centre_id,
        mobility=mobility,
        number="EM-2026-MTRX-0000-0000-0001",
        languages=["fr"],
        status=CertificateStatus.READY,
        credential={"type": ["VerifiableCredential", "EuropeanDigitalCredential"]},
        sha256="0" * 64,
        issued_at=timezone.now(),
        issued_by=world.referent_a,
    )
    certificate.file.save("matrix.pdf", ContentFile(io.BytesIO(b"%PDF-1.4\n%%EOF\n").getvalue()), save=False)
    certificate.save()
    return certificate


def _guests_certificate(w):
    return {"pk": w.guest_certificate.mobility_id}


_VIEW = expect(referent_b=404, readonly_a=200, referent_a=200, chamber_admin=200, operator=403)
_ACT = expect(referent_b=404, readonly_a=403, referent_a=302, chamber_admin=302, operator=403)


def _pk(name):
    return lambda world: {"pk": getattr(world, name).pk}


ROUTES = [
    Route(
        "certification:job-list",
        expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403),
    ),
    Route("certification:job-detail", _VIEW, kwargs=lambda w: {"pk": w.cert_issued.job.pk}),
    Route("certification:job-status", _VIEW, kwargs=lambda w: {"pk": w.cert_issued.job.pk}),
    Route("certification:job-download", _VIEW, kwargs=lambda w: {"pk": w.cert_issued.job.pk}),
    Route("certification:job-retry", _ACT, kwargs=_pk("cert_failed_job"), method="post"),
    Route("certification:mobility-documents", _VIEW, kwargs=lambda w: {"mobility_id": w.cert_mobility.pk}),
    Route("certification:group-documents", _VIEW, kwargs=lambda w: {"group_id": w.cert_mobility.group_id}),
    Route(
        "certification:project-documents",
        _VIEW,
        kwargs=lambda w: {"project_id": w.cert_mobility.project_id},
    ),
    Route("certification:certificate-detail", _VIEW, kwargs=_pk("cert_issued")),
    Route(
        "certification:certificate-reissue",
        _ACT,
        kwargs=_pk("cert_issued"),
        method="post",
        data=lambda w: {"reason": "Correction des dates", "language": "fr"},
    ),
    Route(
        "certification:certificate-revoke",
        expect(referent_b=404, readonly_a=403, referent_a=200, chamber_admin=200, operator=403),
        kwargs=_pk("cert_issued"),
    ),
    Route("certification:certificate-download", _VIEW, kwargs=_pk("cert_issued")),
    Route("certification:certificate-credential", _VIEW, kwargs=_pk("cert_issued")),
    Route(
        "certification:certificate-issue",
        _ACT,
        kwargs=lambda w: {"mobility_id": w.cert_mobility.pk},
        method="post",
        data=lambda w: {"language": "fr"},
    ),
    Route(
        "certification:attendance-request",
        _ACT,
        kwargs=lambda w: {"mobility_id": w.cert_mobility.pk},
        method="post",
    ),
    Route(
        "certification:agreement-pdf",
        _ACT,
        kwargs=lambda w: {"agreement_id": w.cert_mobility.agreements.first().pk},
        method="post",
    ),
    Route(
        "certification:group-issue",
        _ACT,
        kwargs=lambda w: {"group_id": w.cert_mobility.group_id},
        method="post",
    ),
    Route("certification:group-progress", _VIEW, kwargs=lambda w: {"group_id": w.cert_mobility.group_id}),
    Route(
        "certification:group-bundle",
        _ACT,
        kwargs=lambda w: {"group_id": w.cert_issued.mobility.group_id},
        method="post",
        data=lambda w: {"kind": "bundle_zip"},
    ),
    Route(
        "certification:project-bundle",
        _ACT,
        kwargs=lambda w: {"project_id": w.cert_issued.mobility.project_id},
        method="post",
        data=lambda w: {"kind": "bundle_zip", "centre": w.centre_a.pk},
    ),
    # The learner's own certificate, from their space: the learner only (other guests 404); staff and
    # visitors without a guest session are sent to the lost-link page.
    Route("certification:guest-certificate", guest_page(learner=200), kwargs=_guests_certificate),
    Route("certification:guest-credential", guest_page(learner=200), kwargs=_guests_certificate),
    Route("certification:verify-lookup", everyone(200)),
    Route("certification:verify", everyone(200), kwargs=lambda w: {"number": w.cert_issued.number}),
    Route("certification:verify-status", everyone(200), kwargs=lambda w: {"number": w.cert_issued.number}),
]
