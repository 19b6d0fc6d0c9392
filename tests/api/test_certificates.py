"""``/api/v1/certificates/`` and ``/api/v1/document-jobs/``: request, follow, download, scope."""

import io
import json

import pytest
from pypdf import PdfReader

from certification.models import Certificate, CertificateStatus, DocumentJob, JobStatus
from mobility.mobilities.models import MobilityStatus
from partners.audit.models import AuditEntry
from tests.certification.conftest import run_jobs
from tests.certification.factories import evaluated_mobility

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated_a(centre_a):
    learner = factories.LearnerFactory(
        centre=centre_a, first_name="Inès", last_name="Marchetti", preferred_language="fr"
    )
    return evaluated_mobility(participant=learner)


def _request(client, mobility, **body):
    return client.post("/api/v1/certificates/", {"mobility": mobility.pk, **body}, format="json")


def test_a_script_requests_a_certificate_follows_the_job_and_downloads_pdf_and_credential(
    api_as, referent_a, evaluated_a
):
    client = api_as(referent_a)
    response = _request(client, evaluated_a, languages=["fr", "es"])
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == f"/api/v1/document-jobs/{job['id']}/"
    assert job["kind"] == "certificate" and job["status"] == "requested" and job["download_url"] is None
    certificate = Certificate.objects.get(mobility=evaluated_a)
    assert certificate.languages == ["fr", "es"]
    assert AuditEntry.objects.filter(action="certificate.issue", actor=referent_a).count() == 1

    # Asked again while it renders: the same job, not a second certificate.
    again = _request(client, evaluated_a, languages=["fr", "es"])
    assert again.status_code == 202 and again.json()["id"] == job["id"]
    assert Certificate.objects.filter(mobility=evaluated_a).count() == 1

    # Not issued yet: no files.
    detail = client.get(job["certificate"]).json()
    assert detail["pdf_url"] is None and detail["credential_url"] is None
    assert client.get(f"/api/v1/certificates/{certificate.pk}/pdf/").status_code == 404

    run_jobs()  # the worker's part (a real worker does it in test_certificate_through_a_real_worker)
    followed = client.get(response["Location"]).json()
    assert followed["status"] == "ready" and followed["percent"] == 100
    detail = client.get(followed["certificate"]).json()
    assert detail["status"] == "ready" and detail["verification_status"] == "valid"
    assert detail["verify_url"].endswith(f"/verify/{certificate.number}/")

    pdf = client.get(detail["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages[0].extract_text()
    assert "Marchetti" in text and certificate.number in text

    credential = client.get(detail["credential_url"])
    assert credential.status_code == 200
    assert credential["Content-Type"].startswith("application/ld+json")
    data = json.loads(credential.content)
    assert data["credentialSubject"] and "VerifiableCredential" in data["type"]

    job_file = client.get(followed["download_url"])
    assert job_file.status_code == 200 and job_file["Content-Type"] == "application/pdf"
    downloads = AuditEntry.objects.filter(action__in=["certificate.download", "document.download"])
    assert downloads.count() == 3  # every download is on the record, as from the pages
    evaluated_a.refresh_from_db()
    assert evaluated_a.status == MobilityStatus.CERTIFIED


def test_the_same_rules_as_the_page_a_valid_certificate_is_not_issued_twice(api_as, referent_a, evaluated_a):
    client = api_as(referent_a)
    _request(client, evaluated_a)
    run_jobs()
    response = _request(client, evaluated_a)
    assert response.status_code == 400
    assert "already has a valid certificate" in response.json()["detail"]
    assert Certificate.objects.filter(mobility=evaluated_a).count() == 1


def test_a_mobility_not_yet_evaluated_is_refused_with_the_reason(api_as, referent_a, centre_a):
    mobility = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a), status=MobilityStatus.IN_PROGRESS
    )
    response = _request(api_as(referent_a), mobility)
    assert response.status_code == 400
    assert response.json()["errors"], response.json()
    assert not Certificate.objects.filter(mobility=mobility).exists()


def test_bad_requests_name_the_field(api_as, referent_a, evaluated_a):
    client = api_as(referent_a)
    cases = [
        ({"mobility": "abc"}, "mobility"),
        ({"mobility": evaluated_a.pk, "languages": ["xx"]}, "languages"),
        ({"mobility": evaluated_a.pk, "languages": ["fr", "fr"]}, "languages"),
        ({"mobility": evaluated_a.pk, "languages": ["fr", "en", "de"]}, "languages"),
        ({"mobility": evaluated_a.pk, "languages": ["fr"], "bilingual": True}, "bilingual"),
        ({"mobility": evaluated_a.pk, "colour": "blue"}, "colour"),
        ({}, "mobility"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/certificates/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        fields = {error["field"] for error in response.json()["errors"]}
        assert any(name and name.split(".")[0] == field for name in fields), (body, fields)
    assert not Certificate.objects.exists()


def test_another_centre_cannot_see_or_request_a_certificate(api_as, referent_a, referent_b, evaluated_a):
    _request(api_as(referent_a), evaluated_a)
    run_jobs()
    certificate = Certificate.objects.get(mobility=evaluated_a)
    job = DocumentJob.objects.get(certificate=certificate)
    outsider = api_as(referent_b)
    for path in (
        f"/api/v1/certificates/{certificate.pk}/",
        f"/api/v1/certificates/{certificate.pk}/pdf/",
        f"/api/v1/certificates/{certificate.pk}/credential/",
        f"/api/v1/document-jobs/{job.pk}/",
        f"/api/v1/document-jobs/{job.pk}/download/",
    ):
        assert outsider.get(path).status_code == 404, path
    assert outsider.get("/api/v1/certificates/").json()["count"] == 0
    assert outsider.get("/api/v1/document-jobs/").json()["count"] == 0
    # Centre A's mobility id from centre B: not found, named.
    response = _request(outsider, evaluated_a)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "mobility"
    assert Certificate.objects.count() == 1


def test_read_only_staff_may_download_but_not_request(api_as, referent_a, readonly_a, evaluated_a):
    client = api_as(readonly_a)
    assert _request(client, evaluated_a).status_code == 403
    assert not Certificate.objects.exists()
    _request(api_as(referent_a), evaluated_a)
    run_jobs()
    certificate = Certificate.objects.get()
    assert client.get(f"/api/v1/certificates/{certificate.pk}/pdf/").status_code == 200


def test_lists_filter_and_order(api_as, referent_a, centre_a):
    client = api_as(referent_a)
    first, second = evaluated_mobility(centre=centre_a), evaluated_mobility(centre=centre_a)
    _request(client, first)
    run_jobs()
    _request(client, second)
    ready = client.get("/api/v1/certificates/", {"status": "ready"}).json()
    assert [c["mobility"] for c in ready["results"]] == [first.pk]
    by_mobility = client.get("/api/v1/certificates/", {"mobility": second.pk}).json()
    assert by_mobility["count"] == 1 and by_mobility["results"][0]["status"] == "requested"
    number = Certificate.objects.get(mobility=first).number
    assert client.get("/api/v1/certificates/", {"number": number.lower()}).json()["count"] == 1
    assert client.get("/api/v1/certificates/", {"ordering": "number"}).status_code == 200
    waiting = client.get("/api/v1/document-jobs/", {"status": "requested", "kind": "certificate"}).json()
    assert waiting["count"] == 1
    for params, name in (
        ({"status": "lost"}, "status"),
        ({"current": "yes"}, "current"),
        ({"ordering": "secret"}, "ordering"),
        ({"colour": "blue"}, "colour"),
    ):
        response = client.get("/api/v1/certificates/", params)
        assert response.status_code == 400, params
        assert response.json()["errors"][0]["field"] == name


def test_the_list_does_not_grow_in_queries_with_the_certificates(
    api_as, referent_a, centre_a, django_assert_max_num_queries
):
    client = api_as(referent_a)
    for _ in range(6):
        _request(client, evaluated_mobility(centre=centre_a))
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/certificates/").json()["count"] == 6
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/document-jobs/").json()["count"] == 6


def test_a_revoked_certificate_stays_downloadable_and_says_so(api_as, referent_a, evaluated_a):
    from certification.services import certificates as services

    client = api_as(referent_a)
    _request(client, evaluated_a)
    run_jobs()
    certificate = Certificate.objects.get()
    services.certificate_revoke(certificate=certificate, acting_user=referent_a, reason="Wrong dates")
    detail = client.get(f"/api/v1/certificates/{certificate.pk}/").json()
    assert detail["status"] == CertificateStatus.REVOKED and detail["verification_status"] == "revoked"
    assert detail["revoked_reason"] == "Wrong dates"
    assert client.get(detail["pdf_url"]).status_code == 200


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_certificate_through_a_real_worker(api_as, referent_a, evaluated_a, settings, tmp_path):
    from tests.workers import Worker, wait_for

    worker = Worker()
    try:
        worker.wait_ready()
        client = api_as(referent_a)
        response = _request(client, evaluated_a)
        assert response.status_code == 202
        location = response["Location"]
        wait_for(
            lambda: client.get(location).json()["status"] == JobStatus.READY,
            timeout=120,
            what="the worker to render the certificate",
        )
    finally:
        worker.stop()
    detail = client.get(client.get(location).json()["certificate"]).json()
    pdf = client.get(detail["pdf_url"])
    assert PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
