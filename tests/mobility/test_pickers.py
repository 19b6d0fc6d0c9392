"""Searchable pickers: hosts, tutors, employers, learners and agreement partners found by typing,
among what the user may see only, without the form page carrying the whole directory."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.directory.models import Organisation, OrganisationKind

from .. import factories
from .test_mobility_pages import _mobility_post

pytestmark = pytest.mark.django_db


def _json(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.json()


def _labels(data):
    return [row["label"] for row in data["results"]]


def _many_hosts(network, count, prefix="Talleres Norte"):
    Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.HOST_COMPANY,
            name=f"{prefix} {i:04d}",
            normalised_name=f"{prefix} {i:04d}".lower(),
            city="Bilbao",
            country="ES",
            network=network,
        )
        for i in range(count)
    )


def _measure(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.content)


# --- The searches -----------------------------------------------------------------------------
def test_the_host_search_matches_part_of_the_name_the_city_or_the_email(
    client_of, referent_a, chamber_a, host
):
    factories.HostCompanyFactory(
        name="Hotel Mar Azul", city="Alicante", network=chamber_a, email="rh@marazul.example"
    )
    client = client_of(referent_a)
    assert _labels(_json(client, "/partners/pick/?kind=host&q=dería")) == [
        "Panadería Sol S.L. — Valencia (ES)"
    ]
    assert _labels(_json(client, "/partners/pick/?kind=host&q=alicante")) == [
        "Hotel Mar Azul — Alicante (ES)"
    ]
    assert _labels(_json(client, "/partners/pick/?kind=host&q=rh@marazul.example")) == [
        "Hotel Mar Azul — Alicante (ES)"
    ]


def test_the_host_search_never_gives_another_networks_organisation(
    client_of, referent_a, referent_b, chamber_b, host
):
    factories.HostCompanyFactory(name="Panadería Luna", network=chamber_b)
    assert _labels(_json(client_of(referent_a), "/partners/pick/?kind=host&q=panad")) == [
        "Panadería Sol S.L. — Valencia (ES)"
    ]
    assert _labels(_json(client_of(referent_b), "/partners/pick/?kind=host&q=panad")) == [
        "Panadería Luna — Valencia (ES)"
    ]


def test_the_host_search_gives_twenty_matches_at_most_and_says_there_are_more(
    client_of, referent_a, chamber_a
):
    _many_hosts(chamber_a, 25)
    data = _json(client_of(referent_a), "/partners/pick/?kind=host&q=talleres")
    assert len(data["results"]) == 20 and data["more"] is True
    data = _json(client_of(referent_a), "/partners/pick/?kind=host&q=talleres norte 0024")
    assert _labels(data) == ["Talleres Norte 0024 — Bilbao (ES)"] and data["more"] is False


def test_the_host_search_offers_hosts_only_and_the_employer_search_employers_only(
    client_of, referent_a, chamber_a, host
):
    factories.HostCompanyFactory(
        name="Panaderie Dupont", kind=OrganisationKind.SENDING_EMPLOYER, network=chamber_a
    )
    client = client_of(referent_a)
    assert _labels(_json(client, "/partners/pick/?kind=host&q=panad")) == [
        "Panadería Sol S.L. — Valencia (ES)"
    ]
    assert _labels(_json(client, "/partners/pick/?kind=employer&q=panad")) == [
        "Panaderie Dupont — Valencia (ES)"
    ]


def test_the_tutor_search_gives_the_tutors_of_the_chosen_host_only(
    client_of, referent_a, chamber_a, host, tutor
):
    other = factories.HostCompanyFactory(network=chamber_a)
    factories.ContactFactory(organisation=other, first_name="Lucía", last_name="Ortiz")
    factories.ContactFactory(organisation=host, first_name="Lucía", last_name="Nadal", is_tutor=False)
    data = _json(client_of(referent_a), f"/pickers/contacts/?role=tutor&organisation={host.pk}&q=luc")
    assert _labels(data) == ["Lucía Ortega"]


def test_the_tutor_search_of_another_networks_host_gives_nobody(client_of, referent_b, host, tutor):
    data = _json(client_of(referent_b), f"/pickers/contacts/?role=tutor&organisation={host.pk}")
    assert data["results"] == []


def test_the_learner_search_gives_the_requesters_centres_learners_only(
    client_of, referent_a, centre_a, centre_a2, centre_b, learner
):
    factories.LearnerFactory(centre=centre_b, first_name="Léa", last_name="Morel")
    factories.LearnerFactory(centre=centre_a2, first_name="Léa", last_name="Moulin")
    client = client_of(referent_a)
    assert _labels(_json(client, "/pickers/learners/?q=léa")) == [
        "MOREAU Léa (CFA des Métiers de Montclar, 2004)"
    ]
    # Asking for another centre's learners gives nothing rather than them.
    assert _json(client, f"/pickers/learners/?q=léa&centre={centre_b.pk}")["results"] == []


def test_the_learner_search_for_a_group_leaves_out_its_members(
    client_of, referent_a, centre_a, group, learner
):
    late = factories.LearnerFactory(centre=centre_a, first_name="Léon", last_name="Moreau")
    data = _json(client_of(referent_a), f"/pickers/learners/?kind=learner&group={group.pk}&q=moreau")
    assert [row["id"] for row in data["results"]] == [late.pk]


def test_the_learner_search_for_another_centres_group_is_a_404(client_of, referent_b, group):
    assert client_of(referent_b).get(f"/pickers/learners/?group={group.pk}").status_code == 404


def test_the_searches_cost_the_same_queries_for_30_and_600_rows(
    client_of, referent_a, chamber_a, centre_a, host
):
    client = client_of(referent_a)
    _many_hosts(chamber_a, 30)
    factories.LearnerFactory.create_batch(30, centre=centre_a, last_name="Martin")
    urls = ("/partners/pick/?kind=host&q=talleres", "/pickers/learners/?q=martin")
    before = [_measure(client, url)[0] for url in urls]
    _many_hosts(chamber_a, 570, prefix="Talleres Sur")
    factories.LearnerFactory.create_batch(70, centre=centre_a, last_name="Martin")
    assert [_measure(client, url)[0] for url in urls] == before


# --- The forms --------------------------------------------------------------------------------
def test_a_short_host_list_is_a_plain_list_that_works_without_javascript(
    client_of, referent_a, host, learner
):
    page = client_of(referent_a).get("/mobilities/new/").content.decode()
    assert f'<option value="{host.pk}">Panadería Sol S.L. — Valencia (ES)</option>' in page
    assert 'data-source="/partners/pick/?kind=host"' in page
    assert "data-partial" not in page.split('name="host_organisation"')[0].rsplit("<div", 1)[1]


def test_the_mobility_form_does_not_grow_with_500_hosts(client_of, referent_a, chamber_a, host, learner):
    client = client_of(referent_a)
    _many_hosts(chamber_a, 40)
    queries, size = _measure(client, "/mobilities/new/")
    _many_hosts(chamber_a, 500, prefix="Talleres Sur")
    queries_after, size_after = _measure(client, "/mobilities/new/")
    assert queries_after == queries
    assert size_after == size
    page = client.get("/mobilities/new/").content.decode()
    assert "Talleres Sur 0499" not in page and "Talleres Norte 0039" not in page
    assert "data-partial" in page


def test_the_chosen_host_and_learner_stay_on_the_page_of_a_long_list(
    client_of, referent_a, chamber_a, centre_a, mobility
):
    _many_hosts(chamber_a, 40)
    factories.LearnerFactory.create_batch(35, centre=centre_a)
    page = client_of(referent_a).get(f"/mobilities/{mobility.pk}/edit/").content.decode()
    assert (
        f'<option value="{mobility.host_organisation_id}" selected>Panadería Sol S.L. — Valencia (ES)</option>'
        in page
    )
    assert f'<option value="{mobility.participant_id}" selected>MOREAU Léa' in page
    assert "Talleres Norte" not in page


def test_a_host_of_another_network_posted_by_hand_is_refused(
    client_of, referent_a, chamber_b, learner, host, tutor
):
    _many_hosts(chamber_b, 1, prefix="Ailleurs")
    foreign = Organisation.objects.get(name="Ailleurs 0000")
    response = client_of(referent_a).post(
        "/mobilities/new/", _mobility_post(learner, host, tutor, host_organisation=foreign.pk, host_tutor="")
    )
    assert response.status_code == 400
    assert "host_organisation" in response.context["form"].errors


def test_the_group_page_does_not_grow_with_the_hosts_of_its_country(client_of, referent_a, chamber_a, group):
    client = client_of(referent_a)
    _many_hosts(chamber_a, 40)
    queries, _size = _measure(client, f"/groups/{group.pk}/")
    _many_hosts(chamber_a, 500, prefix="Talleres Sur")
    queries_after, _size = _measure(client, f"/groups/{group.pk}/")
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert queries_after == queries
    assert "Talleres" not in page and "data-partial" in page


def test_adding_members_from_a_long_list_ticks_only_the_chosen(
    client_of, referent_a, centre_a, centre_b, group
):
    factories.LearnerFactory.create_batch(40, centre=centre_a, last_name="Garnier")
    chosen = factories.LearnerFactory(centre=centre_a, first_name="Yanis", last_name="Zeller")
    client = client_of(referent_a)
    page = client.get(f"/groups/{group.pk}/members/").content.decode()
    assert (
        "GARNIER" not in page
        and f'data-picker-source="/pickers/learners/?kind=learner&amp;group={group.pk}"' in page
    )
    outsider = factories.LearnerFactory(centre=centre_b)
    refused = client.post(f"/groups/{group.pk}/members/", {"participants": [chosen.pk, outsider.pk]})
    assert refused.status_code == 400 and "participants" in refused.context["members"].errors
    assert f'value="{chosen.pk}"' in refused.content.decode() and "GARNIER" not in refused.content.decode()
    response = client.post(f"/groups/{group.pk}/members/", {"participants": [chosen.pk]})
    assert response.status_code == 302
    assert group.mobilities.filter(participant=chosen).exists()


def test_the_agreement_form_lists_partners_to_tick_and_searches_a_long_directory(
    client_of, referent_a, chamber_a, host
):
    client = client_of(referent_a)
    page = client.get("/partners/agreements/new/").content.decode()
    assert 'type="checkbox" name="partners"' in page and "Panadería Sol S.L." in page
    _many_hosts(chamber_a, 40)
    page = client.get("/partners/agreements/new/").content.decode()
    assert "Talleres Norte" not in page and 'data-picker-source="/partners/pick/?kind=partner"' in page
