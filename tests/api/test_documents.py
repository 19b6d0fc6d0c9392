"""/api/v1/documents/: metadata, access-checked downloads, uploads checked by content."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mobility.documents.models import Document
from partners.audit.models import AuditEntry

from .conftest import PDF

pytestmark = pytest.mark.django_db

URL = "/api/v1/documents/"


def test_the_list_gives_metadata_of_the_users_centres_only(api_as, referent_a, world_a, world_b):
    body = api_as(referent_a).get(URL).json()
    assert [d["id"] for d in body["results"]] == [world_a["document"].pk]
    row = body["results"][0]
    assert row["document_type"] == world_a["document"].document_type.code
    assert row["sha256"] == world_a["document"].sha256
    assert row["download_url"].endswith(f"/api/v1/documents/{world_a['document'].pk}/download/")


def test_filter_by_mobility(api_as, referent_a, world_a):
    client = api_as(referent_a)
    assert client.get(URL, {"mobility": world_a["mobility"].pk}).json()["count"] == 1
    assert client.get(URL, {"mobility": world_a["mobility"].pk + 1000}).json()["count"] == 0


def test_download_sends_the_file_privately_and_audits_it(api_as, referent_a, world_a):
    response = api_as(referent_a).get(f"{URL}{world_a['document'].pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="document.download")
    assert (entry.actor, entry.target_id) == (referent_a, str(world_a["document"].pk))


def test_read_only_staff_may_download(api_as, readonly_a, world_a):
    assert api_as(readonly_a).get(f"{URL}{world_a['document'].pk}/download/").status_code == 200


def test_an_outsider_cannot_download(api_as, referent_b, world_a):
    response = api_as(referent_b).get(f"{URL}{world_a['document'].pk}/download/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_upload_is_checked_and_ticks_the_checklist(api_as, referent_a, world_a):
    mobility = world_a["mobility"]
    response = api_as(referent_a).post(
        URL,
        {
            "learner": world_a["learner"].pk,
            "mobility": mobility.pk,
            "document_type": "insurance",
            "file": SimpleUploadedFile("assurance.pdf", PDF, content_type="application/pdf"),
            "valid_until": "2026-12-31",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    document = Document.objects.get(pk=response.json()["id"])
    assert document.content_type == "application/pdf" and document.mobility == mobility
    assert response["Location"] == f"/api/v1/documents/{document.pk}/"


def test_a_file_that_is_not_what_it_claims_is_refused(api_as, referent_a, world_a):
    response = api_as(referent_a).post(
        URL,
        {
            "learner": world_a["learner"].pk,
            "document_type": "insurance",
            "file": SimpleUploadedFile(
                "assurance.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            ),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "PDF" in response.json()["detail"]


def test_uploading_for_another_centres_learner_is_an_invalid_choice(api_as, referent_a, world_b):
    response = api_as(referent_a).post(
        URL,
        {
            "learner": world_b["learner"].pk,
            "document_type": "insurance",
            "file": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "learner"


def test_an_unknown_document_type_is_named(api_as, referent_a, world_a):
    response = api_as(referent_a).post(
        URL,
        {
            "learner": world_a["learner"].pk,
            "document_type": "passport-photo-booth",
            "file": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "document_type"


def test_upload_wants_multipart(api_as, referent_a, world_a):
    response = api_as(referent_a).post(URL, {"learner": world_a["learner"].pk}, format="json")
    assert response.status_code == 415


def test_delete_goes_through_the_service(api_as, referent_a, world_a):
    response = api_as(referent_a).delete(f"{URL}{world_a['document'].pk}/")
    assert response.status_code == 204
    assert not Document.objects.filter(pk=world_a["document"].pk).exists()
    assert AuditEntry.objects.filter(action="document.delete").exists()


def test_read_only_staff_cannot_delete(api_as, readonly_a, world_a):
    assert api_as(readonly_a).delete(f"{URL}{world_a['document'].pk}/").status_code == 403
    assert Document.objects.filter(pk=world_a["document"].pk).exists()
