"""The learner's space: their mobility, their tasks, the documents asked, their own account."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mobility.catalogue.models import Assignee, DocumentType, Step
from mobility.documents.models import Document
from mobility.guests.models import GuestRole
from mobility.tracking.models import ChecklistItem
from partners import panels

from .. import factories
from ..text import as_html

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def insurance(db):
    doc_type = DocumentType.objects.filter(code="insurance").first()
    return doc_type or DocumentType.objects.create(code="insurance", name="Insurance certificate")


@pytest.fixture
def learner_client(client, mobility, invite, insurance):
    ChecklistItem.objects.create(mobility=mobility, step=Step.PREPARE, title="Send the insurance certificate",
                                 assignee=Assignee.LEARNER, document_type=insurance)  # fmt: skip
    ChecklistItem.objects.create(mobility=mobility, step=Step.PREPARE, title="Attend the preparation day",
                                 assignee=Assignee.LEARNER)  # fmt: skip
    ChecklistItem.objects.create(
        mobility=mobility, step=Step.PREPARE, title="Book the train", assignee=Assignee.REFERENT
    )
    key = invite(mobility, role=GuestRole.LEARNER)
    assert client.get(f"/t/{key}").status_code == 302
    return client


def test_the_learner_sees_only_their_own_tasks(learner_client, mobility):
    html = learner_client.get(f"/guest/{mobility.pk}/documents/").content.decode()
    assert "Send the insurance certificate" in html and "Attend the preparation day" in html
    assert "Book the train" not in html


def test_the_learner_uploads_an_asked_document_and_the_task_is_ticked(learner_client, mobility, insurance):
    response = learner_client.post(
        f"/guest/{mobility.pk}/documents/",
        {
            "document_type": insurance.pk,
            "file": SimpleUploadedFile("assurance.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.mobility == mobility and document.uploaded_by is None
    assert document.uploaded_by_label == "Learner"  # by role: the label outlives an erasure
    assert ChecklistItem.objects.get(document_type=insurance).is_done
    download = learner_client.get(f"/guest/{mobility.pk}/documents/{document.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_a_file_that_is_not_what_it_claims_is_refused_with_a_clear_message(
    learner_client, mobility, insurance
):
    response = learner_client.post(
        f"/guest/{mobility.pk}/documents/",
        {"document_type": insurance.pk, "file": SimpleUploadedFile("assurance.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 200
    refusal = as_html("This file is not a valid %(expected)s file (whatever its name says).", "fr")
    assert refusal.split("%(expected)s")[0] in response.content.decode()
    assert not Document.objects.exists()


def test_a_document_type_that_was_not_asked_is_refused(learner_client, mobility):
    other = DocumentType.objects.create(code="unasked", name="Something else")
    response = learner_client.post(
        f"/guest/{mobility.pk}/documents/",
        {"document_type": other.pk, "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_the_learner_ticks_a_task_of_theirs_but_not_the_referents(learner_client, mobility):
    mine = ChecklistItem.objects.get(title="Attend the preparation day")
    theirs = ChecklistItem.objects.get(title="Book the train")
    assert learner_client.post(f"/guest/{mobility.pk}/tasks/{mine.pk}/", {"done": "1"}).status_code == 302
    assert learner_client.post(f"/guest/{mobility.pk}/tasks/{theirs.pk}/", {"done": "1"}).status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_done and mine.done_by_label == "Learner"
    assert not theirs.is_done


def test_another_learners_document_is_out_of_reach(learner_client, mobility, other_mobility, insurance):
    stranger = Document.objects.create(
        centre_id=other_mobility.centre_id, learner=other_mobility.participant, mobility=other_mobility,
        document_type=insurance, original_name="x.pdf", content_type="application/pdf", size=3, sha256="0" * 64,
        file="documents/x.pdf",
    )  # fmt: skip
    assert learner_client.get(f"/guest/{mobility.pk}/documents/{stranger.pk}/").status_code == 404
    assert learner_client.get(f"/guest/{other_mobility.pk}/documents/{stranger.pk}/").status_code == 404


def test_a_learner_with_an_account_reaches_their_space_without_a_link(client, mobility, learner):
    user = factories.UserFactory(email="lea.dupont@apprentis.example")
    learner.user = user
    learner.save(update_fields=["user"])
    client.force_login(user)
    assert client.get("/guest/").status_code == 302  # one mobility: straight to it
    page = client.get(f"/guest/{mobility.pk}/")
    assert page.status_code == 200 and "Your mobility abroad" in page.content.decode()


def test_the_certificate_slot_is_rendered_on_the_learners_page(learner_client, mobility):
    @panels.register("guest_mobility", order=99)
    def certificate(request, grant):
        return f"<p>certificate of {grant.mobility_id} for a {grant.role}</p>"

    try:
        html = learner_client.get(f"/guest/{mobility.pk}/").content.decode()
    finally:
        panels._REGISTRY["guest_mobility"].remove((99, certificate))
    assert f"certificate of {mobility.pk} for a learner" in html
