"""One rule for required documents (referent's page, learner's page, checklist, dashboard,
confirmation), and the recorded parental consent counting as the parental authorisation."""

import datetime

import pytest

from mobility.catalogue.models import Assignee, DocumentType, Step
from mobility.documents.selectors import documents_present, missing_documents
from mobility.learners import services as learners_services
from mobility.mobilities import services as mobilities_services
from mobility.tracking.models import ChecklistItem

from .. import factories
from .conftest import pdf

pytestmark = pytest.mark.django_db

PARENTAL = "parental-authorisation"


def _plan(centre, referent, learner, host, tutor, start):
    return mobilities_services.mobility_create(
        centre=centre,
        data={"participant": learner, "activity_type": factories.activity(), "host_organisation": host,
              "host_tutor": tutor, "planned_start": start, "planned_end": start + datetime.timedelta(days=25)},
        acting_user=referent,
    )  # fmt: skip


def _minor(learner, start):
    learner.date_of_birth = start - datetime.timedelta(days=16 * 365)
    learner.guardian_name, learner.guardian_email = "Claire Moreau", "claire@famille.example"
    learner.save()
    return learner


def test_an_adult_is_asked_no_parental_authorisation_anywhere(
    centre_a, referent_a, learner, host, tutor, client_of
):
    start = datetime.date.today() + datetime.timedelta(days=40)
    templates = factories.activity().checklist_items.filter(document_type__code=PARENTAL)
    assert templates.exists()  # the catalogue asks it… of minors
    mobility = _plan(centre_a, referent_a, learner, host, tutor, start)
    assert not learner.is_minor_on(start)
    assert not mobility.checklist.filter(document_type__code=PARENTAL).exists()
    assert PARENTAL not in {t.code for t in missing_documents(mobility=mobility)}
    page = client_of(referent_a).get(f"/mobilities/{mobility.pk}/").content.decode()
    assert "Parental authorisation (minors)" not in page


def test_a_minor_is_asked_it_on_the_checklist(centre_a, referent_a, learner, host, tutor):
    start = datetime.date.today() + datetime.timedelta(days=40)
    mobility = _plan(centre_a, referent_a, _minor(learner, start), host, tutor, start)
    assert mobility.checklist.filter(document_type__code=PARENTAL).exists()
    assert PARENTAL in {t.code for t in missing_documents(mobility=mobility)}


def test_the_recorded_consent_with_its_scan_is_the_parental_authorisation(
    centre_a, referent_a, learner, host, tutor, client_of
):
    start = datetime.date.today() + datetime.timedelta(days=40)
    mobility = _plan(centre_a, referent_a, _minor(learner, start), host, tutor, start)
    learners_services.consent_record(
        learner=learner, given_on=datetime.date.today(), given_by="Claire Moreau", scan=pdf(),
        acting_user=referent_a,
    )  # fmt: skip
    parental = DocumentType.objects.get(code=PARENTAL)
    assert parental.pk in documents_present(mobility=mobility)
    assert PARENTAL not in {t.code for t in missing_documents(mobility=mobility)}
    dashboard = client_of(referent_a).get("/").context
    lacking = {
        t.code for m, types in dashboard.get("missing_documents", []) if m.pk == mobility.pk for t in types
    }
    assert PARENTAL not in lacking


def test_the_learners_page_asks_an_adult_nothing_for_minors(
    centre_a, referent_a, learner, host, tutor, client
):
    from mobility.guests.models import GuestRole
    from mobility.guests.services import links as guests
    from tests.guests.conftest import deliver_all, key_from

    start = datetime.date.today() + datetime.timedelta(days=40)
    mobility = _plan(centre_a, referent_a, learner, host, tutor, start)
    # A checklist made before the rule: its "minors" task is not shown to an adult either.
    ChecklistItem.objects.create(mobility=mobility, step=Step.PREPARE, title="Parental authorisation (minors)",
                                 assignee=Assignee.LEARNER, document_type=DocumentType.objects.get(code=PARENTAL))  # fmt: skip
    learner.email = "lea.moreau@apprentis.example"
    learner.save()
    guests.access_link_invite(mobility=mobility, role=GuestRole.LEARNER, acting_user=referent_a)
    assert client.get(f"/t/{key_from(deliver_all()[-1])}").status_code == 302
    html = client.get(f"/guest/{mobility.pk}/documents/").content.decode()
    assert "Parental authorisation" not in html and "Autorisation parentale" not in html


def _blockers(mobility):
    mobility.refresh_from_db()
    return " ".join(mobilities_services.confirmation_blockers(mobility=mobility))


def test_the_confirmation_never_refuses_an_adult_for_a_minors_only_document(
    centre_a, referent_a, learner, host, tutor
):
    start = datetime.date.today() + datetime.timedelta(days=40)
    mobility = _plan(centre_a, referent_a, learner, host, tutor, start)
    parental = DocumentType.objects.get(code=PARENTAL)
    assert parental in mobility.activity_type.required_documents.all()
    blockers = _blockers(mobility)
    assert "Upload the document" in blockers  # insurance, identity… are asked of everybody
    assert str(parental.label) not in blockers and "parental" not in blockers.lower()


def test_the_confirmation_takes_the_consent_scan_for_the_parental_authorisation(
    centre_a, referent_a, learner, host, tutor
):
    start = datetime.date.today() + datetime.timedelta(days=40)
    mobility = _plan(centre_a, referent_a, _minor(learner, start), host, tutor, start)
    parental = DocumentType.objects.get(code=PARENTAL)
    assert str(parental.label) in _blockers(mobility)
    learners_services.consent_record(
        learner=learner, given_on=datetime.date.today(), given_by="Claire Moreau", scan=pdf(),
        acting_user=referent_a,
    )  # fmt: skip
    blockers = _blockers(mobility)
    assert str(parental.label) not in blockers and "parental consent" not in blockers
    assert "Upload the document" in blockers  # the other documents are still asked


def test_the_mobility_page_and_the_confirmation_agree(centre_a, referent_a, learner, host, tutor, client_of):
    start = datetime.date.today() + datetime.timedelta(days=40)
    mobility = _plan(centre_a, referent_a, _minor(learner, start), host, tutor, start)
    learners_services.consent_record(
        learner=learner, given_on=datetime.date.today(), given_by="Claire Moreau", scan=pdf(),
        acting_user=referent_a,
    )  # fmt: skip
    context = client_of(referent_a).get(f"/mobilities/{mobility.pk}/").context
    page_missing = {t.code for t in context["missing_documents"]}
    assert PARENTAL not in page_missing
    assert sorted(page_missing) == sorted(t.code for t in missing_documents(mobility=mobility))
