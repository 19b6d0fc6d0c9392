"""/api/v1/exports/: request (202 + the job's URL), follow, download a file written by the neutralising writer."""

import csv
import io

import pytest

from mobility.data.models import ExportJob

from .. import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/"


def test_an_export_is_accepted_with_the_jobs_location(api_as, referent_a, world_a):
    response = api_as(referent_a).post(URL, {"kind": "mobilities", "file_format": "csv"}, format="json")
    assert response.status_code == 202, response.json()
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert response["Location"] == f"/api/v1/exports/{job.pk}/"
    assert job.created_by == referent_a


def test_a_small_export_is_ready_at_once_and_downloads_as_csv(api_as, referent_a, world_a):
    client = api_as(referent_a)
    job = client.post(URL, {"kind": "learners", "file_format": "csv"}, format="json").json()
    status = client.get(f"{URL}{job['id']}/").json()
    assert status["status"] == "ready" and status["download_url"].endswith(
        f"/api/v1/exports/{job['id']}/download/"
    )
    response = client.get(f"{URL}{job['id']}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert world_a["learner"].last_name in text


def test_downloading_an_export_file_through_the_api_is_audited(api_as, referent_a, world_a):
    from partners.audit.models import AuditEntry

    client = api_as(referent_a)
    job = client.post(URL, {"kind": "learners", "file_format": "csv"}, format="json").json()
    assert client.get(f"{URL}{job['id']}/download/").status_code == 200
    entry = AuditEntry.objects.get(action="export.download")
    assert (entry.actor, entry.target_id) == (referent_a, str(job["id"]))
    assert (entry.data["kind"], entry.data["rows"], entry.data["via"]) == ("learners", 1, "api")


def test_formulas_in_the_data_are_neutralised_in_the_file(api_as, referent_a, centre_a):
    factories.LearnerFactory(centre=centre_a, last_name='=HYPERLINK("http://evil.example","x")')
    client = api_as(referent_a)
    job = client.post(URL, {"kind": "learners", "file_format": "csv"}, format="json").json()
    text = b"".join(client.get(f"{URL}{job['id']}/download/").streaming_content).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith("=") for cell in cells)
    assert any("HYPERLINK" in cell for cell in cells)


def test_an_export_is_its_requesters_alone(api_as, referent_a, chamber_admin, world_a):
    job = api_as(referent_a).post(URL, {"kind": "learners", "file_format": "csv"}, format="json").json()
    other = api_as(chamber_admin)
    assert other.get(f"{URL}{job['id']}/").status_code == 404
    assert other.get(f"{URL}{job['id']}/download/").status_code == 404
    assert other.get(URL).json()["count"] == 0


def test_read_only_staff_cannot_export(api_as, readonly_a):
    response = api_as(readonly_a).post(URL, {"kind": "learners", "file_format": "csv"}, format="json")
    assert response.status_code == 403


def test_another_centre_in_the_filters_is_a_400(api_as, referent_a, centre_b):
    response = api_as(referent_a).post(
        URL, {"kind": "mobilities", "file_format": "csv", "filters": {"centre": centre_b.pk}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "filters.centre"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "passwords", "file_format": "csv"}, "kind"),
        ({"kind": "learners", "file_format": "pdf"}, "file_format"),
        ({"kind": "learners", "file_format": "csv", "filters": {"colour": "red"}}, "filters.colour"),
        (
            {
                "kind": "mobilities",
                "file_format": "csv",
                "filters": {"starts_after": "2026-05-01", "starts_before": "2026-01-01"},
            },
            "filters.starts_before",
        ),
    ],
)
def test_a_bad_request_names_the_field(api_as, referent_a, body, field):
    response = api_as(referent_a).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
