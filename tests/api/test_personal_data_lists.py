"""API lists of personal data: large pages need the export capability, every page is audited, and
the rows served count against the hourly export budget shared with the exports."""

import json

import pytest

from mobility.data.models import ExportJob
from partners.audit.models import AuditEntry

from .. import factories

pytestmark = pytest.mark.django_db

PERSONAL_DATA_LISTS = ("/api/v1/learners/", "/api/v1/mobilities/", "/api/v1/documents/", "/api/v1/contacts/")


@pytest.fixture
def tight_budget(settings):
    """Two exports per hour; two rows read through API lists count as one export."""
    settings.EXPORTS_PER_HOUR = 2
    settings.API_LIST_ROWS_PER_EXPORT = 2


@pytest.mark.parametrize("url", PERSONAL_DATA_LISTS)
def test_read_only_staff_get_pages_of_at_most_100_rows_of_personal_data(api_as, readonly_a, world_a, url):
    client = api_as(readonly_a)
    refused = client.get(url, {"page_size": 101})
    assert refused.status_code == 403
    assert "page_size" in refused.json()["detail"] and "export" in refused.json()["detail"]
    assert client.get(url, {"page_size": 100}).status_code == 200


def test_staff_who_may_export_get_pages_of_500(api_as, referent_a, world_a):
    assert api_as(referent_a).get("/api/v1/learners/", {"page_size": 500}).status_code == 200


def test_a_list_without_personal_data_keeps_its_pages_of_500(api_as, readonly_a, world_a):
    assert api_as(readonly_a).get("/api/v1/projects/", {"page_size": 500}).status_code == 200
    assert not AuditEntry.objects.filter(action="api.list").exists()


@pytest.mark.parametrize("url", PERSONAL_DATA_LISTS)
def test_every_page_of_personal_data_is_audited_with_its_row_count(
    api_as, readonly_a, world_a, chamber_a, url
):
    factories.ContactFactory(organisation=factories.HostCompanyFactory(network=chamber_a))
    assert api_as(readonly_a).get(url, {"page_size": 10}).json()["count"] == 1
    entry = AuditEntry.objects.get(action="api.list")
    assert entry.actor == readonly_a
    assert (entry.data["path"], entry.data["rows"], entry.data["page"], entry.data["page_size"]) == (
        url,
        1,
        1,
        10,
    )
    assert entry.data["token"].startswith("mob_")


def test_the_audit_names_the_filters_but_keeps_no_personal_value(api_as, readonly_a, world_a, centre_a):
    learner = world_a["learner"]
    api_as(readonly_a).get(
        "/api/v1/learners/", {"centre": centre_a.pk, "search": learner.last_name, "email": learner.email}
    )
    entry = AuditEntry.objects.get(action="api.list")
    assert entry.centre_id == centre_a.pk
    assert entry.data["filters"] == {"centre": str(centre_a.pk), "search": None, "email": None}
    assert learner.last_name not in json.dumps(entry.data) and learner.email not in json.dumps(entry.data)


def test_rows_served_by_lists_count_against_the_export_budget(tight_budget, api_as, referent_a, centre_a):
    factories.LearnerFactory.create_batch(2, centre=centre_a)
    client = api_as(referent_a)
    assert client.get("/api/v1/learners/").status_code == 200  # 2 rows: one export's worth
    assert client.post("/api/v1/exports/", {"kind": "learners", "file_format": "csv"}).status_code == 202
    refused = client.get("/api/v1/learners/", {"page_size": 1})
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled" and "exports in the last hour" in body["detail"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert AuditEntry.objects.filter(action="api.list").count() == 1  # the refused page was not served
    assert AuditEntry.objects.filter(action="export.rate_limited", actor=referent_a).exists()


def test_exports_count_against_the_budget_that_lists_used(
    tight_budget, api_as, client_of, referent_a, centre_a
):
    factories.LearnerFactory.create_batch(4, centre=centre_a)
    api_as(referent_a).get("/api/v1/learners/")  # 4 rows: the whole budget
    refused = api_as(referent_a).post("/api/v1/exports/", {"kind": "learners", "file_format": "csv"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    page = client_of(referent_a).post("/data/exports/", {"kind": "learners", "file_format": "csv"})
    assert "exports in the last hour" in str(page.context["form"].non_field_errors())
    assert not ExportJob.objects.exists()


def test_the_budget_refusal_is_in_the_language_of_the_request(tight_budget, api_as, referent_a, centre_a):
    factories.LearnerFactory.create_batch(4, centre=centre_a)
    client = api_as(referent_a, HTTP_ACCEPT_LANGUAGE="fr")
    client.get("/api/v1/learners/")
    refused = client.get("/api/v1/learners/")
    assert refused.status_code == 429
    assert "exportations" in refused.json()["detail"]


def test_a_sync_that_finds_nothing_new_costs_nothing(tight_budget, api_as, referent_a, centre_a):
    factories.LearnerFactory.create_batch(4, centre=centre_a)
    client = api_as(referent_a)
    client.get("/api/v1/learners/")
    later = {"updated_since": "2199-01-01T00:00:00Z"}
    assert [client.get("/api/v1/learners/", later).status_code for _ in range(3)] == [200, 200, 200]
    assert AuditEntry.objects.filter(action="api.list").count() == 4
