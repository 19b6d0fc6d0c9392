from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from partners.audit import selectors
from partners.audit.models import AuditEntry
from partners.directory import merge as services
from partners.directory import services as directory_services
from partners.directory.models import Contact, Organisation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate(centre_a):
    """The same bakery, entered a second time with the details the first record lacks."""
    return factories.DirectoryEntryFactory(
        owner_centre=centre_a,
        name="Baeckerei Mueller",
        city="Freiburg",
        country="DE",
        pic="949203321",
        website="https://mueller.example",
        notes="Closed in August.",
    )


def hosted_mobility(centre, host, tutor):
    """A mobility hosted by ``host``: a relation the partners app knows nothing about."""
    from mobility.catalogue.models import ActivityType
    from mobility.learners.models import Learner
    from mobility.mobilities.models import Mobility

    learner = Learner.objects.create(centre=centre, first_name="Léa", last_name="Martin", employer=host)
    activity = ActivityType.objects.create(code="ka1-vet-short", name="Short-term learner mobility")
    return Mobility.objects.create(
        centre=centre,
        reference="MOB-TEST-0001",
        participant=learner,
        activity_type=activity,
        sending_organisation=centre,
        host_organisation=host,
        host_tutor=tutor,
        host_city=host.city,
        host_country=host.country,
        planned_start=date(2026, 3, 2),
        planned_end=date(2026, 3, 27),
    )


def test_merge_moves_contacts_to_the_kept_record(chamber_admin, host_company_a, duplicate):
    tutor = factories.ContactFactory(organisation=duplicate)
    services.organisation_merge(keep=host_company_a, other=duplicate, acting_user=chamber_admin)
    assert Contact.objects.get(pk=tutor.pk).organisation == host_company_a
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()


def test_merge_moves_whatever_later_apps_attach(chamber_admin, centre_a, host_company_a, duplicate):
    tutor = factories.ContactFactory(organisation=duplicate)
    mobility = hosted_mobility(centre_a, duplicate, tutor)
    result = services.organisation_merge(keep=host_company_a, other=duplicate, acting_user=chamber_admin)
    mobility.refresh_from_db()
    mobility.participant.refresh_from_db()
    assert mobility.host_organisation == host_company_a
    assert mobility.host_tutor.organisation == host_company_a
    assert mobility.participant.employer == host_company_a
    assert result.relinked["mobility.Mobility.host_organisation"] == 1


def test_merge_keeps_one_link_when_both_were_party_to_an_agreement(
    chamber_admin, centre_a, host_company_a, duplicate
):
    both = factories.AgreementFactory(owner_centre=centre_a, partners=[host_company_a, duplicate])
    only_dup = factories.AgreementFactory(owner_centre=centre_a, partners=[duplicate])
    services.organisation_merge(keep=host_company_a, other=duplicate, acting_user=chamber_admin)
    assert list(both.partners.all()) == [host_company_a]
    assert list(only_dup.partners.all()) == [host_company_a]


def test_merge_fills_the_kept_records_blanks_and_keeps_its_own_values(
    chamber_admin, host_company_a, duplicate
):
    result = services.organisation_merge(keep=host_company_a, other=duplicate, acting_user=chamber_admin)
    kept = result.organisation
    assert kept.name == "Bäckerei Müller GmbH"
    assert (kept.pic, kept.website) == ("949203321", "https://mueller.example")
    assert "Closed in August." in kept.notes
    assert {"pic", "website", "notes"} <= set(result.filled)


def test_merge_is_audited_and_the_duplicates_history_stays_visible(
    chamber_admin, referent_a, host_company_a, duplicate
):
    directory_services.organisation_update(
        organisation=duplicate, acting_user=referent_a, data={"city": "Freiburg im Breisgau"}
    )
    services.organisation_merge(keep=host_company_a, other=duplicate, acting_user=chamber_admin)
    merge = AuditEntry.objects.get(action="organisation.merge")
    assert (merge.actor, merge.target_id, merge.data["merged_id"]) == (
        chamber_admin,
        str(host_company_a.pk),
        duplicate.pk,
    )
    history = list(selectors.history_for(obj=host_company_a))
    assert {e.action for e in history} >= {
        "organisation.merge",
        "organisation.update",
        "organisation.merged_away",
    }


def test_a_referent_cannot_merge(referent_a, host_company_a, duplicate):
    with pytest.raises(PermissionDenied):
        services.organisation_merge(keep=host_company_a, other=duplicate, acting_user=referent_a)
    assert Organisation.objects.filter(pk=duplicate.pk).exists()


def test_records_of_two_networks_are_never_merged(chamber_admin, host_company_a, host_company_b):
    with pytest.raises(PermissionDenied):
        services.organisation_merge(keep=host_company_a, other=host_company_b, acting_user=chamber_admin)


def test_training_centres_are_never_merged(chamber_admin, centre_a, centre_a2):
    with pytest.raises(PermissionDenied):
        services.organisation_merge(keep=centre_a, other=centre_a2, acting_user=chamber_admin)


def test_a_clash_rolls_the_whole_merge_back(chamber_admin, host_company_a, duplicate, monkeypatch):
    tutor = factories.ContactFactory(organisation=duplicate)
    original = services._relink

    def failing(relation, *, keep, other):
        moved = original(relation, keep=keep, other=other)
        if relation.related_model is Contact:
            from django.db import IntegrityError

            raise IntegrityError("simulated unique clash")
        return moved

    monkeypatch.setattr(services, "_relink", failing)
    with pytest.raises(services.MergeError):
        services.organisation_merge(keep=host_company_a, other=duplicate, acting_user=chamber_admin)
    assert Organisation.objects.filter(pk=duplicate.pk).exists()
    assert Contact.objects.get(pk=tutor.pk).organisation_id == duplicate.pk
    assert not AuditEntry.objects.filter(action="organisation.merge").exists()


def test_merge_page_compares_then_merges(client_of, chamber_admin, host_company_a, duplicate):
    client = client_of(chamber_admin)
    url = f"/partners/{host_company_a.pk}/merge/"
    assert client.get(url).status_code == 200
    compare = client.get(url, {"other": duplicate.pk})
    assert b"949203321" in compare.content
    response = client.post(url, {"other": duplicate.pk, "confirm": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()


def test_merge_page_lists_likely_duplicates(client_of, chamber_admin, centre_a, host_company_a):
    twin = factories.DirectoryEntryFactory(
        owner_centre=centre_a, name="BÄCKEREI MÜLLER", city=host_company_a.city
    )
    page = client_of(chamber_admin).get(f"/partners/{host_company_a.pk}/merge/")
    assert f"?other={twin.pk}".encode() in page.content


def test_merge_page_refuses_a_forged_duplicate_id(client_of, chamber_admin, host_company_a, host_company_b):
    client = client_of(chamber_admin)
    response = client.post(
        f"/partners/{host_company_a.pk}/merge/", {"other": host_company_b.pk, "confirm": "yes"}
    )
    assert response.status_code == 200
    assert Organisation.objects.filter(pk=host_company_b.pk).exists()


def test_differing_details_of_the_duplicate_are_kept_in_the_notes(chamber_admin, host_company_a, duplicate):
    host_company_a.pic = "949000001"
    host_company_a.save(update_fields=["pic"])
    kept = services.organisation_merge(
        keep=host_company_a, other=duplicate, acting_user=chamber_admin
    ).organisation
    assert kept.pic == "949000001"
    assert "949203321" in kept.notes
    assert "Baeckerei Mueller" in kept.notes
