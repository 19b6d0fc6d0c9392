"""Projects and the catalogues scripts need to fill in ids: activity types, qualifications, document types."""

import pytest

from mobility.catalogue.models import ActivityType
from mobility.projects.models import Project
from partners.audit.models import AuditEntry

from .. import factories

pytestmark = pytest.mark.django_db


def test_activity_types_are_labelled_in_the_callers_language(api_as, referent_a, world_a):
    client = api_as(referent_a, HTTP_ACCEPT_LANGUAGE="fr")
    body = client.get("/api/v1/activity-types/", {"participant_kind": "learner"}).json()
    row = next(r for r in body["results"] if r["code"] == "vet-short-term")
    activity = ActivityType.objects.get(code="vet-short-term")
    assert row["label"] == activity.label_in("fr")
    assert all(r["participant_kind"] == "learner" for r in body["results"])


def test_another_networks_activity_type_is_not_found(api_as, referent_a, chamber_b, world_a):
    theirs = ActivityType.objects.create(code="norvelle-only", name="Norvelle scheme", network=chamber_b)
    client = api_as(referent_a)
    assert client.get(f"/api/v1/activity-types/{theirs.pk}/").status_code == 404
    assert "norvelle-only" not in {
        r["code"] for r in client.get("/api/v1/activity-types/", {"page_size": 100}).json()["results"]
    }


def test_qualifications_come_with_their_units(api_as, referent_a):
    unit = factories.UnitFactory(code="UP1")
    body = api_as(referent_a).get(f"/api/v1/qualifications/{unit.qualification_id}/").json()
    assert body["units"] == [{"id": unit.pk, "code": "UP1", "title": unit.title}]


def test_document_types_list_their_codes(api_as, referent_a, world_a):
    codes = {r["code"] for r in api_as(referent_a).get("/api/v1/document-types/").json()["results"]}
    assert "insurance" in codes


def test_catalogues_are_read_only(api_as, referent_a):
    assert api_as(referent_a).post("/api/v1/activity-types/", {"code": "x"}, format="json").status_code == 405


def test_a_project_is_created_through_the_service(api_as, referent_a, centre_a):
    response = api_as(referent_a).post(
        "/api/v1/projects/",
        {
            "title": "Apprentis d'Europe",
            "grant_agreement_number": "2026-1-FR01-KA121-VET-000123456",
            "key_action": "KA121",
            "call_year": 2026,
            "start_date": "2026-06-01",
            "end_date": "2028-05-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    project = Project.objects.get(pk=response.json()["id"])
    assert project.organisation == centre_a
    assert project.grant_agreement_number == "2026-1-FR01-KA121-VET-000123456"
    assert AuditEntry.objects.filter(action="project.create", target_id=str(project.pk)).exists()


def test_a_malformed_grant_number_is_named(api_as, referent_a):
    response = api_as(referent_a).post(
        "/api/v1/projects/",
        {
            "title": "X",
            "grant_agreement_number": "KA121",
            "start_date": "2026-06-01",
            "end_date": "2028-05-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "grant_agreement_number"


def test_projects_filter_by_the_day_they_run(api_as, referent_a, world_a):
    client = api_as(referent_a)
    assert client.get("/api/v1/projects/", {"active_on": "2026-01-15"}).json()["count"] == 1
    assert client.get("/api/v1/projects/", {"active_on": "2030-01-15"}).json()["count"] == 0


def test_a_project_ends_after_it_starts(api_as, referent_a, world_a):
    response = api_as(referent_a).patch(
        f"/api/v1/projects/{world_a['project'].pk}/", {"end_date": "2020-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "end_date"
