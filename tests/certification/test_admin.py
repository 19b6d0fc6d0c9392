import pytest
from django.urls import reverse

from certification.services import certificates as services

from .conftest import run_jobs

pytestmark = pytest.mark.django_db


def test_the_operator_sees_certificates_and_jobs_without_changing_them(
    client_of, operator, mobility_a, referent_a
):
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    run_jobs()
    client = client_of(operator)
    listing = client.get(reverse("admin:certification_certificate_changelist"))
    assert listing.status_code == 200 and certificate.number.encode() in listing.content
    assert client.get(reverse("admin:certification_documentjob_changelist")).status_code == 200
    assert client.get(reverse("admin:certification_certificate_add")).status_code == 403


def test_publishing_a_job_again_from_the_admin(client_of, operator, mobility_a, referent_a, monkeypatch):
    published = []
    monkeypatch.setattr("certification.admin._publish", lambda pk: published.append(pk) or True)
    job = services.certificate_issue(mobility=mobility_a, acting_user=referent_a).job
    response = client_of(operator).post(
        reverse("admin:certification_documentjob_changelist"),
        {"action": "publish_again", "_selected_action": [job.pk]},
    )
    assert response.status_code == 302 and published == [job.pk]
