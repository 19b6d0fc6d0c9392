"""The digital credential (European Learning Model, JSON-LD)."""

import json

import pytest

from certification import elm, seal
from certification.services import certificates as services

from .conftest import run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def downloaded(mobility_a, referent_a):
    """The credential as a file holds it: serialised, then parsed back."""
    certificate = services.certificate_issue(
        mobility=mobility_a, acting_user=referent_a, languages=["fr", "en"]
    )
    return json.loads(json.dumps(certificate.credential))


def test_the_download_is_the_stored_credential_as_json_ld(mobility_a, referent_a, client_of):
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    run_jobs()
    response = client_of(referent_a).get(f"/certificates/{certificate.pk}/credential/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}.jsonld"'
    certificate.refresh_from_db()
    # once issued, the download is the sealed credential (JAdES); its payload is the stored credential
    sealed, seal_certificate = seal.open_sealed(response.content.decode())
    assert sealed == certificate.credential
    assert seal_certificate.subject.rfc4514_string().startswith("CN=Demonstration seal")
    assert response.content.decode() == certificate.sealed_credential and certificate.sealed_with_demo


def test_the_download_parses_and_the_official_shapes_name_only_the_missing_legal_identifier(downloaded):
    """The fixture's centre has no legal identifier: the only thing the EU's shapes refuse."""
    assert {v.shape for v in elm.violations(downloaded)} == {"edc:EuropeanDigitalCredential-cred_issuer"}


def test_it_is_a_european_digital_credential(downloaded):
    assert downloaded["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert "http://data.europa.eu/snb/model/context/edc-ap" in downloaded["@context"]


def test_the_subject_is_the_holder(downloaded):
    subject = downloaded["credentialSubject"]
    assert subject["type"] == "Person"
    assert subject["givenName"] == {"fr": "Łukasz"} and subject["familyName"] == {"fr": "Żółć"}


def test_the_issuer_is_the_centre_with_its_country(downloaded, centre_a):
    issuer = downloaded["issuer"]
    assert issuer["legalName"]["fr"] == centre_a.name
    country = issuer["location"][0]["address"][0]["countryCode"]["id"]
    assert country.endswith("/country/FRA")


def test_the_activity_has_dates_place_and_language(downloaded):
    activity = next(c for c in downloaded["credentialSubject"]["hasClaim"] if c["type"] == "LearningActivity")
    assert activity["temporal"]["startDate"].startswith("2026-03-02")
    assert activity["temporal"]["endDate"].startswith("2026-03-27")
    assert activity["location"][0]["address"][0]["countryCode"]["id"].endswith("/ESP")
    assert activity["specifiedBy"]["language"][0]["id"].endswith("/language/SPA")


def test_the_achievement_has_learning_outcomes_and_eqf_level(downloaded):
    achievement = next(
        c for c in downloaded["credentialSubject"]["hasClaim"] if c["type"] == "LearningAchievement"
    )
    spec = achievement["specifiedBy"]
    activity = next(c for c in downloaded["credentialSubject"]["hasClaim"] if c["type"] == "LearningActivity")
    assert activity["specifiedBy"]["influences"][0]["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/3"
    titles = [o["title"]["fr"] for o in spec["learningOutcome"]]
    assert any("pains de campagne" in t for t in titles)
    assert any("(CEFR)" in t for t in titles)
    assert achievement["awardedBy"]["awardingBody"][0]["id"] == downloaded["issuer"]["id"]


def test_a_credential_without_subject_is_reported_incomplete(downloaded):
    del downloaded["credentialSubject"]
    del downloaded["issuer"]["legalName"]
    paths = {v.path for v in elm.violations(downloaded)}
    assert "cred:credentialSubject" in paths


def test_the_credential_is_downloadable_only_once_issued(mobility_a, referent_a, client_of):
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    assert client_of(referent_a).get(f"/certificates/{certificate.pk}/credential/").status_code == 404
