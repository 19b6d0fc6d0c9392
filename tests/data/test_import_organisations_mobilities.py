"""Importing host companies with their tutors, and mobilities."""

import pytest

from mobility.data.imports import services
from mobility.data.models import ImportStatus
from mobility.mobilities.models import Mobility
from partners.audit.models import AuditEntry
from partners.directory.models import Contact, Organisation, OrganisationKind

from .. import factories
from .conftest import csv_upload, host_company

pytestmark = pytest.mark.django_db

ORGS = (
    "Raison sociale;Pays;Ville;OID;TVA;Prénom tuteur;Nom tuteur;Mail tuteur;Langue tuteur\n"
    "Panadería Ejemplo S.L.;Espagne;Valencia;E10234567;ESB12345678;Lucía;García;lucia@panaderia.example;es\n"
    "Panadería Ejemplo S.L.;Espagne;Valencia;E10234567;ESB12345678;Pablo;Ruiz;pablo@panaderia.example;es\n"
    "Bäckerei Beispiel GmbH;Allemagne;Leipzig;;DE123456789;Jonas;Weber;jonas@baeckerei.example;de\n"
)


def _run(kind, centre, user, text):
    batch = services.import_batch_create(centre=centre, kind=kind, upload=csv_upload(text), acting_user=user)
    return batch


def test_host_companies_and_their_tutors_are_created_in_the_centres_network(centre_a, referent_a, media):
    batch = _run("organisations", centre_a, referent_a, ORGS)
    assert batch.counts == {"new": 3, "updated": 0, "unchanged": 0, "error": 0}
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    panaderia = Organisation.objects.get(oid="E10234567")
    assert panaderia.kind == OrganisationKind.HOST_COMPANY and panaderia.country.code == "ES"
    assert panaderia.network_id == centre_a.network_id and panaderia.owner_centre_id == centre_a.pk
    assert sorted(panaderia.contacts.values_list("last_name", "is_tutor", "preferred_language")) == [
        ("García", True, "es"),
        ("Ruiz", True, "es"),
    ]
    assert Organisation.objects.get(national_id="DE123456789").country.code == "DE"


def test_reimporting_organisations_changes_nothing(centre_a, referent_a, media):
    services.import_batch_confirm(
        batch=_run("organisations", centre_a, referent_a, ORGS), acting_user=referent_a
    )
    again = _run("organisations", centre_a, referent_a, ORGS)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    services.import_batch_confirm(batch=again, acting_user=referent_a)
    assert Organisation.objects.filter(kind=OrganisationKind.HOST_COMPANY).count() == 2
    assert Contact.objects.count() == 3


def test_an_existing_entry_is_found_by_name_and_city_whatever_the_accents_and_case(
    centre_a, referent_a, media
):
    existing = host_company(centre_a, name="PANADERIA EJEMPLO S.L.", city="valencia", oid="")
    batch = _run("organisations", centre_a, referent_a, ORGS.replace(";E10234567;ESB12345678;", ";;;"))
    assert batch.report["rows"][0]["outcome"] == "new"  # a new tutor for the existing company
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    assert existing.contacts.count() == 2
    assert Organisation.objects.filter(city__iexact="valencia").count() == 1


def test_a_company_that_matches_two_entries_asks_which_one(centre_a, referent_a, media):
    host_company(centre_a, name="Panadería Ejemplo S.L.", city="Valencia")
    host_company(centre_a, name="PANADERIA EJEMPLO S.L.", city="Valencia")
    batch = _run("organisations", centre_a, referent_a, ORGS.replace(";E10234567;ESB12345678;", ";;;"))
    row = batch.report["rows"][0]
    assert row["outcome"] == "error"
    assert row["errors"][0]["column"] == "column A “Raison sociale”"
    assert "2 organisations" in row["errors"][0]["message"] and "OID" in row["errors"][0]["message"]


def test_another_centres_entry_is_not_overwritten(centre_a, centre_a2, referent_a, media):
    other = host_company(
        centre_a2, name="Panadería Ejemplo S.L.", city="Valencia", oid="E10234567", website=""
    )
    text = "Raison sociale;Pays;Ville;OID;Site web\nPanadería Ejemplo S.L.;ES;Valencia;E10234567;https://panaderia.example\n"
    batch = _run("organisations", centre_a, referent_a, text)
    assert "another centre" in batch.report["rows"][0]["warnings"][0]
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    other.refresh_from_db()
    assert other.website == ""


TUTOR_OF_PANADERIA = (
    "Raison sociale;Pays;Ville;OID;Prénom tuteur;Nom tuteur;Mail tuteur;Téléphone tuteur\n"
    "Panadería Ejemplo S.L.;ES;Valencia;E10234567;Lucía;García;lucia@panaderia.example;+34 600 000 001\n"
)


def test_a_tutor_the_importer_may_not_edit_is_left_unchanged_with_a_warning(
    centre_a, centre_a2, referent_a, client_of, media
):
    other = host_company(centre_a2, name="Panadería Ejemplo S.L.", city="Valencia", oid="E10234567")
    tutor = factories.ContactFactory(
        organisation=other, owner_centre=centre_a2, first_name="Lucía", last_name="García",
        email="lucia@panaderia.example", phone="+34 600 999 999",
    )  # fmt: skip
    # The same rule as the contact's page: centre A's referent may not edit centre A2's tutor.
    assert client_of(referent_a).post(f"/partners/contacts/{tutor.pk}/edit/", {}).status_code == 403
    batch = _run("organisations", centre_a, referent_a, TUTOR_OF_PANADERIA)
    [row] = batch.report["rows"]
    assert row["outcome"] == "unchanged"
    assert "Lucía García" in row["warnings"][0] and "another centre" in row["warnings"][0]
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    tutor.refresh_from_db()
    assert tutor.phone == "+34 600 999 999"
    assert not AuditEntry.objects.filter(action="contact.update").exists()


def test_a_tutor_changed_by_an_import_is_audited_contact_by_contact(centre_a, referent_a, media):
    company = host_company(centre_a, name="Panadería Ejemplo S.L.", city="Valencia", oid="E10234567")
    tutor = factories.ContactFactory(
        organisation=company, owner_centre=centre_a, first_name="Lucía", last_name="García",
        email="lucia@panaderia.example", phone="+34 600 999 999",
    )  # fmt: skip
    batch = _run("organisations", centre_a, referent_a, TUTOR_OF_PANADERIA)
    assert batch.report["rows"][0]["outcome"] == "updated"
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    tutor.refresh_from_db()
    assert tutor.phone == "+34 600 000 001"
    entry = AuditEntry.objects.get(action="contact.update")
    assert (entry.actor, entry.target_id, entry.centre_id) == (referent_a, str(tutor.pk), centre_a.pk)
    assert entry.data["changes"] == {"phone": None}  # the field's name, never its value


def test_organisations_and_tutors_added_or_changed_by_an_import_are_audited(centre_a, referent_a, media):
    company = host_company(
        centre_a, name="Panadería Ejemplo S.L.", city="Valencia", oid="E10234567", website=""
    )
    text = (
        "Raison sociale;Pays;Ville;OID;Site web;Prénom tuteur;Nom tuteur;Mail tuteur\n"
        "Panadería Ejemplo S.L.;ES;Valencia;E10234567;https://panaderia.example;Pablo;Ruiz;pablo@panaderia.example\n"
    )
    services.import_batch_confirm(
        batch=_run("organisations", centre_a, referent_a, text), acting_user=referent_a
    )
    pablo = Contact.objects.get(email="pablo@panaderia.example")
    assert pablo.owner_centre_id == centre_a.pk  # the importer's centre, as when added on the page
    assert AuditEntry.objects.filter(
        action="contact.create", target_id=str(pablo.pk), actor=referent_a
    ).exists()
    assert AuditEntry.objects.filter(
        action="organisation.update", target_id=str(company.pk), actor=referent_a
    ).exists()


def test_an_unreadable_cell_gets_one_message_not_a_second_blank_one(centre_a, referent_a, media):
    batch = _run(
        "organisations", centre_a, referent_a, "Raison sociale;Pays;Ville\nPanadería;Atlantis;Valencia\n"
    )
    [row] = batch.report["rows"]
    assert row["outcome"] == "error"
    assert row["errors"] == [
        {
            "column": "column B “Pays”",
            "message": "Unknown country “Atlantis”: write its two-letter code (ES for Spain) or its name.",
        }
    ]


def test_a_training_centre_cannot_be_imported(centre_a, referent_a, media):
    batch = _run(
        "organisations", centre_a, referent_a, "Nom;Type;Pays;Ville\nCFA Fantôme;Training centre;FR;Lyon\n"
    )
    assert batch.report["rows"][0]["errors"][0]["column"] == "column B “Type”"


@pytest.fixture
def learner(centre_a):
    factories.activity()  # the seeded catalogue (tables are emptied by transactional tests)
    return factories.LearnerFactory(centre=centre_a, national_id="071234567AB", email="lea@apprentis.example")


@pytest.fixture
def host(centre_a):
    company = host_company(centre_a, name="Panadería Ejemplo S.L.", city="Valencia", oid="E10234567")
    factories.ContactFactory(organisation=company, email="lucia@panaderia.example")
    return company


MOBILITIES = (
    "INE;Activité;OID accueil;Mail tuteur;Date de début;Date de fin;Pays d'accueil\n"
    "071234567AB;vet-short-term;E10234567;lucia@panaderia.example;02/03/2026;27/03/2026;ES\n"
)


def test_a_mobility_is_created_through_the_service_with_its_checklist(
    centre_a, referent_a, learner, host, media
):
    batch = _run("mobilities", centre_a, referent_a, MOBILITIES)
    assert batch.counts["new"] == 1, batch.report
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    mobility = Mobility.objects.get()
    assert mobility.reference.startswith("MOB-2026-")
    assert mobility.host_tutor.email == "lucia@panaderia.example" and mobility.host_city == "Valencia"
    assert mobility.checklist.exists() and mobility.followups.exists()


def test_reimporting_mobilities_changes_nothing(centre_a, referent_a, learner, host, media):
    services.import_batch_confirm(
        batch=_run("mobilities", centre_a, referent_a, MOBILITIES), acting_user=referent_a
    )
    again = _run("mobilities", centre_a, referent_a, MOBILITIES)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 1, "error": 0}
    assert Mobility.objects.count() == 1


def test_a_duration_outside_the_activity_bounds_names_the_end_date_column(
    centre_a, referent_a, learner, host, media
):
    batch = _run("mobilities", centre_a, referent_a, MOBILITIES.replace("27/03/2026", "05/03/2026"))
    error = batch.report["rows"][0]["errors"][0]
    assert error["column"] == "column F “Date de fin”"
    assert "at least" in error["message"]


def test_an_unknown_learner_is_reported(centre_a, referent_a, host, media):
    batch = _run("mobilities", centre_a, referent_a, MOBILITIES)
    error = batch.report["rows"][0]["errors"][0]
    assert error["column"] == "column A “INE”" and "import the learners first" in error["message"]


def test_overlapping_mobilities_in_one_file_are_reported(centre_a, referent_a, learner, host, media):
    second = "071234567AB;vet-short-term;E10234567;;16/03/2026;10/04/2026;ES\n"
    batch = _run("mobilities", centre_a, referent_a, MOBILITIES + second)
    assert batch.report["rows"][1]["outcome"] == "error"
    assert "row 2" in batch.report["rows"][1]["errors"][0]["message"]


def test_an_unknown_host_company_points_to_the_host_company_import(centre_a, referent_a, learner, media):
    batch = _run("mobilities", centre_a, referent_a, MOBILITIES)
    messages = [e["message"] for e in batch.report["rows"][0]["errors"]]
    assert any("E10234567" in m and "import the host companies first" in m for m in messages)


def test_a_large_file_is_checked_and_imported_by_a_worker(
    centre_a, referent_a, media, settings, transactional_db
):
    from tests.workers import Worker, wait_for

    settings.IMPORT_INLINE_MAX_ROWS = 2
    text = "INE;Nom;Prénom\n" + "".join(f"{i:09d}AA;Nom{i};Prénom{i}\n" for i in range(30))
    worker = Worker(env={"MEDIA_ROOT": str(media)})
    try:
        worker.wait_ready()
        batch = _run("learners", centre_a, referent_a, text)
        assert batch.status == ImportStatus.PREVIEWING
        wait_for(
            lambda: batch.__class__.objects.get(pk=batch.pk).status == ImportStatus.PREVIEWED,
            timeout=30,
            what="preview",
        )
        batch.refresh_from_db()
        services.import_batch_confirm(batch=batch, acting_user=referent_a)
        wait_for(
            lambda: batch.__class__.objects.get(pk=batch.pk).status == ImportStatus.DONE,
            timeout=30,
            what="import",
        )
    finally:
        worker.stop()
    from mobility.learners.models import Learner

    assert Learner.objects.count() == 30
