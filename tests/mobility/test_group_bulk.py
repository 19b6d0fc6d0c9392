"""A group's actions on every member at once: send every link, confirm all."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from mobility.agreements import services as agreements_services
from mobility.agreements.models import SignatureMethod
from mobility.documents import services as documents_services
from mobility.groups import services as groups_services
from mobility.guests.models import AccessLink
from mobility.mobilities import services as mobilities_services
from mobility.mobilities.models import MobilityStatus
from partners.audit.models import AuditEntry
from partners.emails.models import OutboundEmail

from .. import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def departure(centre_a, referent_a, host, tutor):
    """Three learners: Arnaud with a tutor, Bérénice with a tutor but no e-mail, Céline without a tutor."""
    learners = [
        factories.LearnerFactory(centre=centre_a, first_name="Arnaud", last_name="Aubert"),
        factories.LearnerFactory(centre=centre_a, first_name="Bérénice", last_name="Berthier", email=""),
        factories.LearnerFactory(centre=centre_a, first_name="Céline", last_name="Charpentier"),
    ]
    group = groups_services.group_create(
        centre=centre_a,
        data={
            "name": "Valence mai",
            "activity_type": factories.activity("group-exploration"),
            "host_city": "Valencia",
            "host_country": "ES",
            "planned_start": datetime.date(2027, 5, 10),
            "planned_end": datetime.date(2027, 5, 14),
        },
        participants=learners,
        host_organisation=host,
        acting_user=referent_a,
    )
    members = {m.participant.first_name: m for m in group.mobilities.select_related("participant")}
    for name in ("Arnaud", "Bérénice"):
        mobilities_services.mobility_update(
            mobility=members[name], data={"host_tutor": tutor}, acting_user=referent_a
        )
    return group, members


def _texts(response):
    """The messages of this response (an earlier redirect's unread ones left out)."""
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    start = max(i for i, t in enumerate(texts) if t.startswith(("Links sent:", "Confirmed:")))
    return texts[start:]


def _invitations():
    return OutboundEmail.objects.filter(kind__startswith="guest.invitation").count()


def test_send_every_link_sends_those_not_sent_and_says_who_was_skipped_and_why(
    client_of, referent_a, departure
):
    group, _members = departure
    response = client_of(referent_a).post(f"/groups/{group.pk}/send-links/")
    assert response.status_code == 302 and response.url == f"/groups/{group.pk}/"
    # Arnaud: tutor and learner; Bérénice: tutor only; Céline: learner only.
    assert _invitations() == 4
    assert AccessLink.objects.filter(mobility__group=group).count() == 4
    texts = _texts(response)
    assert texts[0] == "Links sent: 4. Already sent before: 0. Not sent: 2."
    assert any("Bérénice Berthier (learner)" in t and "no e-mail address" in t for t in texts)
    assert any("Céline Charpentier (host tutor)" in t and "Appoint the host tutor" in t for t in texts)


def test_send_every_link_twice_sends_nothing_more(client_of, referent_a, departure):
    group, _members = departure
    client = client_of(referent_a)
    client.post(f"/groups/{group.pk}/send-links/")
    response = client.post(f"/groups/{group.pk}/send-links/")
    assert _invitations() == 4
    assert set(AccessLink.objects.filter(mobility__group=group).values_list("send_count", flat=True)) == {1}
    assert _texts(response)[0] == "Links sent: 0. Already sent before: 4. Not sent: 2."
    assert AuditEntry.objects.filter(action="group.send_links", target_id=str(group.pk)).count() == 2


def test_send_every_link_sends_again_to_a_tutor_appointed_since(client_of, referent_a, departure, host):
    group, members = departure
    client = client_of(referent_a)
    client.post(f"/groups/{group.pk}/send-links/")
    other = factories.ContactFactory(organisation=host, first_name="Pilar", last_name="Gómez")
    mobilities_services.mobility_update(
        mobility=members["Arnaud"], data={"host_tutor": other}, acting_user=referent_a
    )
    response = client.post(f"/groups/{group.pk}/send-links/")
    assert _texts(response)[0] == "Links sent: 1. Already sent before: 3. Not sent: 2."
    assert OutboundEmail.objects.filter(kind="guest.invitation.tutor", to=other.email).count() == 1


def test_send_every_link_is_refused_to_read_only_staff_and_to_a_get(
    client_of, readonly_a, referent_a, departure
):
    group, _members = departure
    assert client_of(readonly_a).post(f"/groups/{group.pk}/send-links/").status_code == 403
    assert client_of(referent_a).get(f"/groups/{group.pk}/send-links/").status_code == 405
    assert _invitations() == 0


def _complete_file(mobility, referent):
    agreement = agreements_services.agreement_save(
        mobility=mobility,
        data={"objectives": "Découvrir une boulangerie"},
        outcomes=[{"description": "Réalise une pâte levée"}],
        units=None,
        acting_user=referent,
    )
    for party in agreements_services.agreement_required_parties(agreement=agreement):
        agreements_services.agreement_sign(
            agreement=agreement,
            party=party,
            signer_name="Signataire",
            method=SignatureMethod.IN_APP,
            acting_user=referent,
        )
    for doc_type in mobility.activity_type.required_documents.all():
        documents_services.document_upload(
            learner=mobility.participant,
            mobility=mobility,
            document_type=doc_type,
            upload=SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
            acting_user=referent,
        )


def test_confirm_all_confirms_who_can_be_and_names_the_others_with_the_reason(
    client_of, referent_a, departure
):
    group, members = departure
    for name in ("Arnaud", "Bérénice"):
        mobilities_services.mobility_transition(
            mobility=members[name], to_status=MobilityStatus.PLANNED, acting_user=referent_a
        )
    _complete_file(members["Arnaud"], referent_a)
    response = client_of(referent_a).post(f"/groups/{group.pk}/confirm-all/")
    assert response.status_code == 302
    statuses = dict(group.mobilities.values_list("participant__first_name", "status"))
    assert statuses == {
        "Arnaud": MobilityStatus.CONFIRMED,
        "Bérénice": MobilityStatus.PLANNED,
        "Céline": MobilityStatus.DRAFT,
    }
    texts = _texts(response)
    assert texts[0] == "Confirmed: 1. Already confirmed: 0. Not confirmed: 2."
    assert any(t.startswith("Bérénice Berthier:") and "learning agreement" in t for t in texts)
    assert any(t.startswith("Céline Charpentier:") and "only a planned mobility" in t for t in texts)


def test_confirm_all_twice_changes_nothing_more(client_of, referent_a, departure):
    group, members = departure
    mobilities_services.mobility_transition(
        mobility=members["Arnaud"], to_status=MobilityStatus.PLANNED, acting_user=referent_a
    )
    _complete_file(members["Arnaud"], referent_a)
    client = client_of(referent_a)
    client.post(f"/groups/{group.pk}/confirm-all/")
    response = client.post(f"/groups/{group.pk}/confirm-all/")
    assert _texts(response)[0] == "Confirmed: 0. Already confirmed: 1. Not confirmed: 2."
    transitions = AuditEntry.objects.filter(
        action="mobility.transition", target_id=str(members["Arnaud"].pk)
    ).values_list("data", flat=True)
    assert [d["status"] for d in transitions].count(["planned", "confirmed"]) == 1
    assert AuditEntry.objects.filter(action="group.confirm_all", target_id=str(group.pk)).count() == 2


def test_confirm_all_is_refused_to_read_only_staff(client_of, readonly_a, departure):
    group, _members = departure
    assert client_of(readonly_a).post(f"/groups/{group.pk}/confirm-all/").status_code == 403


def test_the_group_page_offers_both_actions_to_whoever_may_act(client_of, referent_a, readonly_a, departure):
    group, _members = departure
    page = client_of(referent_a).get(f"/groups/{group.pk}/").content.decode()
    assert (
        f'action="/groups/{group.pk}/send-links/"' in page
        and f'action="/groups/{group.pk}/confirm-all/"' in page
    )
    page = client_of(readonly_a).get(f"/groups/{group.pk}/").content.decode()
    assert "send-links" not in page and "confirm-all" not in page
