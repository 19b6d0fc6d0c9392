import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from certification import panels
from certification.models import DocumentJob, JobStatus
from certification.services import certificates as services
from certification.services import issuing as services_issuing
from certification.services import jobs as services_jobs
from partners.audit.models import AuditEntry
from tests import factories as base

from ..text import translated
from .conftest import run_jobs
from .factories import GroupFactory, evaluated_mobility

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(mobility_a, referent_a):
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    run_jobs()
    certificate.refresh_from_db()
    return certificate


def _verify(client, certificate):
    return client.get(reverse("certification:verify", args=[certificate.number]))


# --- Verification -------------------------------------------------------------------------------
def test_a_valid_certificate_is_shown_as_valid(client, issued):
    response = _verify(client, issued)
    assert response.status_code == 200
    assert response.context["state"] == "valid"
    assert "Łukasz Żółć".encode() in response.content


def test_the_verification_page_shows_no_birth_date_nor_contact_data(client, issued, mobility_a):
    content = _verify(client, issued).content.decode()
    learner = mobility_a.participant
    assert "2004" not in content and "17/05" not in content
    assert learner.email not in content
    assert mobility_a.host_tutor.email not in content


def test_a_superseded_certificate_says_so_and_points_to_the_new_one(client, issued, referent_a):
    new = services.certificate_reissue(certificate=issued, acting_user=referent_a, reason="Correction")
    run_jobs()
    issued.refresh_from_db()
    response = _verify(client, issued)
    assert response.context["state"] == "superseded"
    assert reverse("certification:verify", args=[new.number]).encode() in response.content


def test_a_revoked_certificate_says_so(client, issued, referent_a):
    services.certificate_revoke(certificate=issued, acting_user=referent_a, reason="Erreur")
    assert _verify(client, issued).context["state"] == "revoked"


def test_a_certificate_not_yet_rendered_is_unknown(client, mobility_a, referent_a):
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    assert _verify(client, certificate).status_code == 404


def test_an_unknown_number_answers_404(client):
    assert client.get("/verify/EM-2026-0000-0000-0000-0000/").status_code == 404


def test_a_lowercase_number_is_normalised(client, issued):
    response = client.get(f"/verify/{issued.number.lower()}/")
    assert response.status_code == 302 and response.url.endswith(f"/verify/{issued.number}/")


def test_the_lookup_form_leads_to_the_certificate(client, issued):
    response = client.get(reverse("certification:verify-lookup"), {"number": f" {issued.number.lower()} "})
    assert response.status_code == 302 and issued.number in response.url


def test_the_verification_page_is_rate_limited(client, issued, settings):
    settings.VERIFY_RATE_PER_MINUTE = 3
    statuses = [_verify(client, issued).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429


@pytest.mark.parametrize("backend", ["django.core.cache.backends.filebased.FileBasedCache", "redis"])
def test_the_verification_block_ends_with_the_minute_it_announces_however_often_one_retries(
    client, issued, settings, tmp_path, monkeypatch, backend
):
    import time

    from django.core.cache import caches

    if backend != "redis":
        settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path / "cache")}}
    caches["default"].clear()
    settings.VERIFY_RATE_PER_MINUTE = 2
    now = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    assert [_verify(client, issued).status_code for _ in range(3)] == [200, 200, 429]
    for _ in range(12):  # a verifier retries every five seconds for a minute
        now[0] += 5
        _verify(client, issued)
    now[0] += 5
    assert _verify(client, issued).status_code == 200
    caches["default"].clear()


def test_verifiers_behind_the_proxy_each_have_their_own_budget(client, issued, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.VERIFY_RATE_PER_MINUTE = 2
    url = reverse("certification:verify", args=[issued.number])

    def verify(address):
        return client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address).status_code

    assert [verify("203.0.113.9") for _ in range(3)] == [200, 200, 429]
    assert verify("198.51.100.20") == 200


def _upload(client, certificate, data: bytes, name="certificate.pdf"):
    return client.post(
        reverse("certification:verify", args=[certificate.number]),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_uploading_the_issued_file_confirms_it_is_unaltered(client, issued):
    with issued.file.open("rb") as handle:
        response = _upload(client, issued, handle.read())
    assert response.context["match"] is True
    assert b"has not been altered" in response.content


def test_uploading_an_altered_file_says_it_does_not_match(client, issued):
    with issued.file.open("rb") as handle:
        data = bytearray(handle.read())
    data[-40] ^= 1
    response = _upload(client, issued, bytes(data))
    assert response.context["match"] is False


def test_uploading_something_else_than_a_pdf_is_refused(client, issued):
    response = _upload(client, issued, b"MZ\x90\x00 not a pdf at all", name="evil.pdf")
    assert response.status_code == 400 and response.context["match"] is None


def test_the_upload_form_is_csrf_protected(issued):
    client = Client(enforce_csrf_checks=True)
    with issued.file.open("rb") as handle:
        response = _upload(client, issued, handle.read())
    assert response.status_code == 403


def test_uploads_are_rate_limited(client, issued, settings):
    settings.VERIFY_UPLOADS_PER_MINUTE = 2
    statuses = [_upload(client, issued, b"%PDF-1.7 x").status_code for _ in range(4)]
    assert statuses[-1] == 429


# --- Staff pages --------------------------------------------------------------------------------
def test_the_job_list_shows_only_the_users_centres(client_of, issued, referent_b):
    own = evaluated_mobility(centre=referent_b.memberships.first().organisation)
    services.certificate_issue(mobility=own, acting_user=referent_b)
    response = client_of(referent_b).get(reverse("certification:job-list"))
    assert [j.centre_id for j in response.context["jobs"]] == [own.centre_id]


def test_the_job_list_makes_a_constant_number_of_queries(
    client_of, referent_a, centre_a, django_assert_max_num_queries
):
    for _ in range(6):
        mobility = evaluated_mobility(centre=centre_a)
        services.certificate_issue(mobility=mobility, acting_user=referent_a)
        services_jobs.attendance_request(mobility=mobility, acting_user=referent_a)
    client = client_of(referent_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("certification:job-list"))
    assert len(response.context["jobs"]) == 12


def test_the_job_list_filters_by_status(client_of, referent_a, issued, centre_a):
    services_jobs.attendance_request(mobility=issued.mobility, acting_user=referent_a)
    response = client_of(referent_a).get(reverse("certification:job-list"), {"status": "requested"})
    assert [j.kind for j in response.context["jobs"]] == ["attendance"]


def test_a_pending_job_fragment_keeps_polling(client_of, referent_a, mobility_a):
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    response = client_of(referent_a).get(reverse("certification:job-status", args=[certificate.job.pk]))
    assert b'hx-trigger="every 1s"' in response.content


def test_a_bundle_being_put_together_shows_n_of_n_and_keeps_polling(client_of, referent_a, centre_a):
    group = GroupFactory(centre=centre_a)
    for _ in range(3):
        evaluated_mobility(group=group, participant=base.LearnerFactory(centre=centre_a))
    services_issuing.group_certificates_issue(group=group, acting_user=referent_a)
    run_jobs()
    job = services_jobs.bundle_request(kind="bundle_zip", group=group, acting_user=referent_a)
    DocumentJob.objects.filter(pk=job.pk).update(status=JobStatus.RENDERING, progress_done=1)
    response = client_of(referent_a).get(reverse("certification:job-status", args=[job.pk]))
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html
    done = translated("%(done)s of %(total)s", referent_a.preferred_language, done=1, total=3)
    assert done in html
    assert 'aria-valuenow="1"' in html and 'aria-valuemax="3"' in html


def test_a_ready_job_fragment_offers_the_download(client_of, referent_a, issued):
    response = client_of(referent_a).get(reverse("certification:job-status", args=[issued.job.pk]))
    assert b"hx-trigger" not in response.content
    assert reverse("certification:job-download", args=[issued.job.pk]).encode() in response.content


def test_a_failed_job_shows_the_reason_and_a_retry_button(client_of, referent_a, mobility_a):
    job = services_jobs.attendance_request(mobility=mobility_a, acting_user=referent_a)
    DocumentJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="ValueError: no host")
    response = client_of(referent_a).get(reverse("certification:job-detail", args=[job.pk]))
    assert b"ValueError: no host" in response.content
    assert reverse("certification:job-retry", args=[job.pk]).encode() in response.content


def test_downloads_are_audited(client_of, referent_a, issued):
    response = client_of(referent_a).get(reverse("certification:certificate-download", args=[issued.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="certificate.download", actor=referent_a).exists()


def test_issuing_from_the_form_returns_to_the_page_it_came_from(client_of, referent_a, mobility_a):
    response = client_of(referent_a).post(
        reverse("certification:certificate-issue", args=[mobility_a.pk]),
        {"language": "fr", "second_language": "en", "next": "/mobilities/1/"},
    )
    assert response.status_code == 302 and response.url == "/mobilities/1/"
    assert mobility_a.certificates.get().languages == ["fr", "en"]


def test_next_never_leads_off_site(client_of, referent_a, mobility_a):
    response = client_of(referent_a).post(
        reverse("certification:certificate-issue", args=[mobility_a.pk]),
        {"language": "fr", "next": "https://evil.example/"},
    )
    assert "evil.example" not in response.url


def test_revoking_without_a_reason_shows_the_error(client_of, referent_a, issued):
    response = client_of(referent_a).post(
        reverse("certification:certificate-revoke", args=[issued.pk]), {"reason": ""}
    )
    assert response.status_code == 400 and response.context["form"].errors


# --- Panels -------------------------------------------------------------------------------------
def _request(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def test_the_mobility_panel_offers_to_issue_in_the_learners_language(referent_a, mobility_a):
    html = panels.mobility_documents(_request(referent_a), mobility_a)
    assert reverse("certification:certificate-issue", args=[mobility_a.pk]) in html
    assert 'value="fr" selected' in html
    assert reverse("certification:agreement-pdf", args=[mobility_a.agreements.first().pk]) in html


def test_the_mobility_panel_lists_versions_with_downloads(referent_a, issued):
    html = panels.mobility_documents(_request(referent_a), issued.mobility)
    assert issued.number in html
    assert reverse("certification:certificate-download", args=[issued.pk]) in html
    assert reverse("certification:certificate-credential", args=[issued.pk]) in html


def test_the_mobility_panel_says_why_a_certificate_cannot_be_issued(referent_a, mobility_a):
    mobility_a.evaluations.update(status="submitted")
    html = panels.mobility_documents(_request(referent_a), mobility_a)
    assert "evaluation must be validated" in html
    assert reverse("certification:certificate-issue", args=[mobility_a.pk]) not in html


def test_read_only_staff_see_the_panel_without_actions(readonly_a, issued):
    html = panels.mobility_documents(_request(readonly_a), issued.mobility)
    assert issued.number in html and "<form" not in html


def test_an_outsider_gets_no_panel(referent_b, mobility_a):
    assert panels.mobility_documents(_request(referent_b), mobility_a) is None


def test_the_group_panel_counts_ready_certificates(referent_a, centre_a):
    group = GroupFactory(centre=centre_a)
    first = evaluated_mobility(group=group, participant=base.LearnerFactory(centre=centre_a))
    evaluated_mobility(group=group, participant=base.LearnerFactory(centre=centre_a))
    services.certificate_issue(mobility=first, acting_user=referent_a)
    run_jobs()
    html = panels.group_documents(_request(referent_a), group)
    assert "1 of 1 certificates ready" in html
    assert "Issue 1 certificate" in html
    assert reverse("certification:group-bundle", args=[group.pk]) in html


def test_the_group_progress_polls_while_certificates_render(client_of, referent_a, centre_a):
    group = GroupFactory(centre=centre_a)
    evaluated_mobility(group=group, participant=base.LearnerFactory(centre=centre_a))
    services_issuing.group_certificates_issue(group=group, acting_user=referent_a)
    response = client_of(referent_a).get(reverse("certification:group-progress", args=[group.pk]))
    assert b"0 of 1 certificates ready" in response.content and b"every 1s" in response.content


def test_the_project_panel_offers_a_bundle_per_centre(referent_a, issued):
    project = base.ProjectFactory(organisation=issued.centre)
    issued.mobility.project = project
    issued.mobility.save(update_fields=["project"])
    html = panels.project_documents(_request(referent_a), project)
    assert reverse("certification:project-bundle", args=[project.pk]) in html
    assert f'name="centre" value="{issued.centre_id}"' in html


def test_the_credential_and_the_pdf_agree(client_of, referent_a, issued):
    from pypdf import PdfReader

    with issued.file.open("rb") as handle:
        attached = PdfReader(io.BytesIO(handle.read())).attachments[f"{issued.number}.jsonld"][0]
    downloaded = client_of(referent_a).get(reverse("certification:certificate-credential", args=[issued.pk]))
    assert json.loads(attached) == json.loads(downloaded.content)
