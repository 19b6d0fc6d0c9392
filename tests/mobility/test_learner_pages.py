import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mobility.catalogue.models import DocumentType
from mobility.documents.models import Document
from mobility.learners import services
from mobility.learners.models import Learner, ParentalConsent
from partners.audit.models import AuditEntry

from .. import factories
from .conftest import pdf

pytestmark = pytest.mark.django_db


def _learner_post(**extra):
    return {
        "kind": "learner",
        "first_name": "Noé",
        "last_name": "Perrot",
        "date_of_birth": "2005-04-12",
        "sex": "M",
        "email": "noe.perrot@apprentis.example",
        "phone": "+33 6 11 22 33 44",
        "nationality": "FR",
        "preferred_language": "fr",
        "trade": "Boulangerie",
        "training_year": "2",
        **extra,
    }


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# --- List ------------------------------------------------------------------------------------
def test_the_list_shows_the_centres_learners_and_not_another_centres(
    client_of, referent_a, centre_a, centre_b
):
    factories.LearnerFactory(centre=centre_a, last_name="Visible")
    factories.LearnerFactory(centre=centre_b, last_name="Cachée")
    response = client_of(referent_a).get("/learners/")
    assert b"VISIBLE" in response.content
    assert "CACHÉE".encode() not in response.content


def test_the_list_searches_by_name_and_keeps_minors_only_when_asked(client_of, referent_a, centre_a):
    factories.LearnerFactory(centre=centre_a, last_name="Adulte")
    factories.LearnerFactory(
        centre=centre_a,
        last_name="Mineure",
        date_of_birth=datetime.date.today() - datetime.timedelta(days=16 * 365),
        guardian_name="Parent",
        guardian_email="p@famille.example",
    )
    client = client_of(referent_a)
    assert [learner.last_name for learner in client.get("/learners/?q=adul").context["page"]] == ["Adulte"]
    assert [learner.last_name for learner in client.get("/learners/?minors=on").context["page"]] == [
        "Mineure"
    ]


def test_the_list_sorts_by_date_of_birth_descending(client_of, referent_a, centre_a):
    factories.LearnerFactory(centre=centre_a, last_name="Aîné", date_of_birth=datetime.date(2001, 1, 1))
    factories.LearnerFactory(centre=centre_a, last_name="Cadet", date_of_birth=datetime.date(2006, 1, 1))
    page = client_of(referent_a).get("/learners/?sort=-birth").context["page"]
    assert [learner.last_name for learner in page] == ["Cadet", "Aîné"]


def test_the_list_costs_the_same_queries_for_5_and_50_learners(client_of, referent_a, centre_a):
    client = client_of(referent_a)
    employer = factories.HostCompanyFactory(kind="sending_employer", country="FR")
    for _ in range(5):
        factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a, employer=employer))
    few = _queries(client, "/learners/?per_page=100")
    for _ in range(45):
        factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a, employer=employer))
    assert _queries(client, "/learners/?per_page=100") == few


# --- Create and edit -------------------------------------------------------------------------
def test_a_referent_adds_a_learner_and_the_creation_is_audited(client_of, referent_a, centre_a):
    response = client_of(referent_a).post("/learners/new/", _learner_post())
    learner = Learner.objects.get(last_name="Perrot")
    assert response.status_code == 302 and response.url == f"/learners/{learner.pk}/"
    assert learner.centre == centre_a
    assert AuditEntry.objects.filter(action="learner.create", target_id=str(learner.pk)).exists()


def test_a_second_learner_with_the_same_name_and_birth_date_is_warned_then_added_once_confirmed(
    client_of, referent_a
):
    client = client_of(referent_a)
    assert client.post("/learners/new/", _learner_post()).status_code == 302
    again = _learner_post(first_name=_learner_post()["first_name"].upper(), email="autre@apprentis.example")
    again.pop("national_id", None)
    warned = client.post("/learners/new/", again)
    assert warned.status_code == 400
    html = warned.content.decode()
    assert 'name="confirm_duplicate"' in html and "already recorded in this centre" in html
    assert Learner.objects.filter(last_name="Perrot").count() == 1
    confirmed = client.post("/learners/new/", {**again, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Learner.objects.filter(last_name="Perrot").count() == 2


def test_a_minor_without_a_guardian_is_refused_and_the_form_keeps_what_was_typed(client_of, referent_a):
    minor_birth = (datetime.date.today() - datetime.timedelta(days=16 * 365)).isoformat()
    response = client_of(referent_a).post("/learners/new/", _learner_post(date_of_birth=minor_birth))
    assert response.status_code == 400
    assert "guardian_name" in response.context["form"].errors
    assert b'value="Perrot"' in response.content
    assert not Learner.objects.filter(last_name="Perrot").exists()


def test_a_date_of_birth_in_the_future_names_the_field(client_of, referent_a):
    response = client_of(referent_a).post("/learners/new/", _learner_post(date_of_birth="2099-01-01"))
    assert "future" in response.context["form"].errors["date_of_birth"][0]


def test_an_impossible_date_names_the_field(client_of, referent_a):
    response = client_of(referent_a).post("/learners/new/", _learner_post(date_of_birth="2005-02-30"))
    assert response.status_code == 400
    assert "date_of_birth" in response.context["form"].errors


def test_a_chamber_admin_chooses_the_centre_and_another_chambers_centre_is_not_a_choice(
    client_of, chamber_admin, centre_a2, centre_b
):
    client = client_of(chamber_admin)
    refused = client.post("/learners/new/", _learner_post(centre=centre_b.pk))
    assert "centre" in refused.context["form"].errors
    client.post("/learners/new/", _learner_post(centre=centre_a2.pk))
    assert Learner.objects.get(last_name="Perrot").centre == centre_a2


def test_read_only_staff_cannot_add_a_learner(client_of, readonly_a):
    response = client_of(readonly_a).post("/learners/new/", _learner_post())
    assert response.status_code == 403
    assert not Learner.objects.exists()


def test_read_only_staff_see_no_edit_button(client_of, readonly_a, learner):
    response = client_of(readonly_a).get(f"/learners/{learner.pk}/")
    assert f"/learners/{learner.pk}/edit/".encode() not in response.content
    assert b"Upload a document" not in response.content


def test_editing_saves_the_change(client_of, referent_a, learner):
    data = _learner_post(first_name="Léa", last_name="Moreau-Duval")
    response = client_of(referent_a).post(f"/learners/{learner.pk}/edit/", data)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.last_name == "Moreau-Duval"


def test_an_employer_contact_of_another_employer_is_not_a_choice(client_of, referent_a, learner, chamber_a):
    employer = factories.HostCompanyFactory(kind="sending_employer", country="FR", network=chamber_a)
    other = factories.ContactFactory(
        organisation=factories.HostCompanyFactory(kind="sending_employer", network=chamber_a)
    )
    data = _learner_post(employer=employer.pk, employer_contact=other.pk)
    response = client_of(referent_a).post(f"/learners/{learner.pk}/edit/", data)
    assert set(response.context["form"].errors) == {"employer_contact"}


def test_another_centres_learner_is_a_404(client_of, referent_b, learner):
    assert client_of(referent_b).get(f"/learners/{learner.pk}/edit/").status_code == 404


# --- Consent and documents -------------------------------------------------------------------
def test_a_parental_consent_is_recorded_with_its_scan(client_of, referent_a, learner):
    response = client_of(referent_a).post(
        f"/learners/{learner.pk}/consent/",
        {"given_on": "2026-01-10", "given_by": "Claire Moreau, mère", "scan": pdf()},
    )
    assert response.status_code == 302
    consent = ParentalConsent.objects.get(learner=learner)
    assert consent.scan.name.endswith(".pdf")
    download = client_of(referent_a).get(f"/consents/{consent.pk}/scan/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_downloading_a_consent_scan_is_audited_with_the_learner_and_its_centre(
    client_of, referent_a, readonly_a, learner
):
    consent = services.consent_record(
        learner=learner,
        given_on=datetime.date(2026, 1, 10),
        given_by="Claire Moreau",
        scan=pdf(),
        acting_user=referent_a,
    )
    assert client_of(readonly_a).get(f"/consents/{consent.pk}/scan/").status_code == 200
    entry = AuditEntry.objects.get(action="consent.download")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        readonly_a,
        "mobility.ParentalConsent",
        str(consent.pk),
    )
    assert (entry.centre_id, entry.data["learner"]) == (learner.centre_id, learner.pk)


def test_a_consent_scan_with_a_lying_extension_is_refused_and_nothing_is_saved(
    client_of, referent_a, learner
):
    fake = SimpleUploadedFile("consent.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client_of(referent_a).post(
        f"/learners/{learner.pk}/consent/", {"given_on": "2026-01-10", "given_by": "Claire", "scan": fake}
    )
    assert response.status_code == 400
    assert "not a valid" in response.context["form"].errors["scan"][0]
    assert not ParentalConsent.objects.exists()


def test_a_document_uploaded_on_the_learner_page_belongs_to_the_learners_file(client_of, referent_a, learner):
    insurance = DocumentType.objects.get(code="insurance") if DocumentType.objects.exists() else None
    if insurance is None:
        factories.activity()
        insurance = DocumentType.objects.get(code="insurance")
    response = client_of(referent_a).post(
        f"/learners/{learner.pk}/documents/",
        {"document_type": insurance.pk, "file": pdf("assurance.pdf"), "valid_until": "2027-06-30"},
    )
    assert response.status_code == 302
    document = Document.objects.get(learner=learner)
    assert document.mobility is None and document.valid_until == datetime.date(2027, 6, 30)
