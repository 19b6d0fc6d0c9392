"""The learner downloads their own certificate from their space, and nobody else's."""

import io
import json

import pytest
from pypdf import PdfReader

from certification.models import Certificate
from certification.services import certificates as services
from mobility.guests.models import GuestRole
from partners.audit.models import AuditEntry
from tests.certification.conftest import run_jobs
from tests.certification.factories import evaluated_mobility

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def evaluated(learner, tutor):
    """Léa's placement is over and evaluated; the centre may issue her certificate."""
    return evaluated_mobility(participant=learner, host_organisation=tutor.organisation, host_tutor=tutor)


@pytest.fixture
def certificate(evaluated, referent_a):
    issued = services.certificate_issue(mobility=evaluated, acting_user=referent_a)
    run_jobs()
    issued.refresh_from_db()
    assert issued.is_valid
    return issued


def _open(client, invite, mobility, role):
    assert client.get(f"/t/{invite(mobility, role=role)}").status_code == 302
    return client


def test_the_learner_downloads_their_certificate_from_their_space(client, invite, certificate):
    learner = _open(client, invite, certificate.mobility, GuestRole.LEARNER)
    page = learner.get(f"/guest/{certificate.mobility_id}/").content.decode()
    url = f"/guest/{certificate.mobility_id}/certificate/"
    assert f'href="{url}"' in page and certificate.number in page
    assert f"/verify/{certificate.number}/" in page
    response = learner.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert "Léa" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert AuditEntry.objects.filter(action="certificate.download", target_id=str(certificate.pk)).exists()


def test_the_learner_downloads_the_digital_credential_too(client, invite, certificate):
    learner = _open(client, invite, certificate.mobility, GuestRole.LEARNER)
    response = learner.get(f"/guest/{certificate.mobility_id}/certificate/credential/")
    assert response.status_code == 200
    downloaded = json.loads(response.content)
    certificate.refresh_from_db()
    assert ("payload" in downloaded) == bool(certificate.sealed_credential)
    if "payload" in downloaded:  # sealed (JAdES): the credential is its payload, as issued
        from certification.seal import open_sealed

        downloaded, _cert = open_sealed(response.content.decode())
    assert downloaded == certificate.credential


def test_before_the_certificate_is_issued_the_learner_is_told_it_is_coming(client, invite, evaluated):
    learner = _open(client, invite, evaluated, GuestRole.LEARNER)
    page = learner.get(f"/guest/{evaluated.pk}/").content.decode()
    assert "/certificate/" not in page and "certificate-title" in page
    assert learner.get(f"/guest/{evaluated.pk}/certificate/").status_code == 404


def test_a_revoked_certificate_is_no_longer_offered(client, invite, certificate, referent_a):
    services.certificate_revoke(certificate=certificate, reason="Erreur de dates", acting_user=referent_a)
    learner = _open(client, invite, certificate.mobility, GuestRole.LEARNER)
    assert learner.get(f"/guest/{certificate.mobility_id}/certificate/").status_code == 404
    assert f"/guest/{certificate.mobility_id}/certificate/" not in (
        learner.get(f"/guest/{certificate.mobility_id}/").content.decode()
    )


def test_after_a_reissue_the_learner_gets_the_new_version(client, invite, certificate, referent_a):
    new = services.certificate_reissue(
        certificate=certificate, reason="Dates corrigées", acting_user=referent_a
    )
    run_jobs()
    learner = _open(client, invite, certificate.mobility, GuestRole.LEARNER)
    response = learner.get(f"/guest/{certificate.mobility_id}/certificate/")
    assert new.number in response["Content-Disposition"]
    assert Certificate.objects.get(pk=certificate.pk).is_superseded


def test_the_tutor_of_the_mobility_cannot_download_the_learners_certificate(client, invite, certificate):
    tutor = _open(client, invite, certificate.mobility, GuestRole.TUTOR)
    assert tutor.get(f"/guest/{certificate.mobility_id}/certificate/").status_code == 404
    assert "certificate-title" not in tutor.get(f"/guest/{certificate.mobility_id}/").content.decode()


def test_another_learners_certificate_answers_404(client, invite, certificate, centre_a, referent_a):
    other = evaluated_mobility(participant=factories.LearnerFactory(centre=centre_a))
    services.certificate_issue(mobility=other, acting_user=referent_a)
    run_jobs()
    learner = _open(client, invite, certificate.mobility, GuestRole.LEARNER)
    assert learner.get(f"/guest/{other.pk}/certificate/").status_code == 404
    assert learner.get(f"/guest/{other.pk}/certificate/credential/").status_code == 404


def test_without_a_guest_session_the_download_leads_to_the_lost_link_page(client, certificate):
    response = client.get(f"/guest/{certificate.mobility_id}/certificate/")
    assert response.status_code == 302 and "/guest/lost/" in response["Location"]


def test_once_the_mobility_is_evaluated_an_unfilled_self_assessment_says_closed_not_later(
    client, invite, evaluated
):
    from ..text import translated

    learner = _open(client, invite, evaluated, GuestRole.LEARNER)
    page = learner.get(f"/guest/{evaluated.pk}/").content.decode()
    assert translated("Closed", "fr") in page and translated("Later", "fr") not in page
    closed = learner.get(f"/guest/{evaluated.pk}/evaluation/").content.decode()
    assert (
        translated("The evaluation of this mobility is closed: your training centre has completed it.", "fr")
        in closed
    )
