"""An open call told to the eligible learners of its centres: in their learner space with a prefilled
link to apply, and by e-mail once per learner and call, in the learner's language."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobility.guests.models import GuestRole
from mobility.guests.services import links as guest_links
from mobility.mobilities.models import MobilityStatus
from mobility.recruitment import selectors
from mobility.recruitment.models import CallNotice
from mobility.recruitment.services import calls, publishing
from partners.audit.models import AuditEntry
from partners.emails.models import OutboundEmail
from tests import factories
from tests.guests.conftest import deliver_all, key_from

BAIT = "<script>alert(1)</script>"


def _learner(centre, **extra):
    return factories.LearnerFactory(centre=centre, **extra)


@pytest.fixture
def restricted(call, referent_a):
    """The call asks for bakers in year 1 or 2, aged 17 or more, at EQF level 3 or more."""
    call.eligible_trades = "Boulangerie, Pâtisserie"
    call.eligible_years = "1,2"
    call.min_age = 17
    call.min_eqf_level = 3
    call.translations = {"de": {"title": "Bäcker in Valencia"}}
    call.save()
    return call


def _told(call):
    return set(CallNotice.objects.filter(call=call).values_list("learner__last_name", flat=True))


def test_each_rule_of_eligibility_is_read_from_the_learner_s_record(restricted, centre_a, centre_b):
    ok = _learner(centre_a, last_name="Ok", training_year=2)
    _learner(centre_a, last_name="Trade", training_year=2, trade="Plomberie")
    _learner(centre_a, last_name="Year", training_year=3)
    _learner(
        centre_a,
        last_name="Young",
        training_year=2,
        date_of_birth=datetime.date.today() - datetime.timedelta(days=365 * 15),
    )
    _learner(centre_a, last_name="Nodob", training_year=2, date_of_birth=None)
    _learner(
        centre_a, last_name="Eqf", training_year=2, qualification=factories.QualificationFactory(eqf_level=2)
    )
    _learner(centre_a, last_name="Staff", training_year=2, kind="staff")
    _learner(centre_b, last_name="Elsewhere", training_year=2)
    assert [x.pk for x in selectors.call_eligible_learners(call=restricted)] == [ok.pk]


def test_the_referent_tells_each_eligible_learner_once_in_their_language(
    restricted, centre_a, referent_a, client_of
):
    _learner(
        centre_a, last_name="Fischer", training_year=1, preferred_language="de", email="f@apprentis.example"
    )
    _learner(centre_a, last_name="Martin", training_year=2, email="m@apprentis.example")
    _learner(centre_a, last_name="Sansmail", training_year=1, email="")
    client = client_of(referent_a)
    response = client.post(reverse("mobility:call-tell-learners", args=[restricted.pk]), follow=True)
    page = response.content.decode()
    assert "2 learners told by e-mail." in page
    assert "Not reachable (no e-mail address):" in page and "Sansmail" in page
    assert _told(restricted) == {"Fischer", "Martin"}
    german = OutboundEmail.objects.get(kind="call_published", to="f@apprentis.example")
    assert german.language == "de" and "Bäcker in Valencia" in german.subject
    assert f"/apply/{restricted.public_key}/" in german.body_text
    french = OutboundEmail.objects.get(kind="call_published", to="m@apprentis.example")
    assert french.language == "fr" and "Boulangers à Valence" in french.subject
    # Shown on the call's page: how many, when, and who cannot be reached.
    page = client.get(reverse("mobility:call-detail", args=[restricted.pk])).content.decode()
    assert "2 learners told by e-mail (last on" in page and "0 eligible learners not told yet." in page
    assert "Sansmail" in page
    # A second click tells only who became eligible since.
    _learner(centre_a, last_name="Nouveau", training_year=1, email="n@apprentis.example")
    response = client.post(reverse("mobility:call-tell-learners", args=[restricted.pk]), follow=True)
    assert "1 learner told by e-mail. 2 had been told already." in response.content.decode()
    assert _told(restricted) == {"Fischer", "Martin", "Nouveau"}
    assert OutboundEmail.objects.filter(kind="call_published").count() == 3
    entry = AuditEntry.objects.filter(action="call.tell_learners").order_by("-pk").first()
    assert entry.data == {"told": 1, "already": 2, "unreachable": 1}


def test_a_draft_or_closed_call_is_not_told(call, centre_a, referent_a, client_of):
    _learner(centre_a, last_name="Martin")
    calls.call_transition(call=call, to_status="closed", acting_user=referent_a)
    response = client_of(referent_a).post(reverse("mobility:call-tell-learners", args=[call.pk]), follow=True)
    assert "Only an open call can be told to the learners." in response.content.decode()
    assert (
        not CallNotice.objects.exists() and not OutboundEmail.objects.filter(kind="call_published").exists()
    )


def test_another_centre_s_call_is_a_404_and_a_readonly_colleague_cannot_tell(
    call, centre_a, referent_b, readonly_a, client_of
):
    _learner(centre_a)
    assert (
        client_of(referent_b).post(reverse("mobility:call-tell-learners", args=[call.pk])).status_code == 404
    )
    assert (
        client_of(readonly_a).post(reverse("mobility:call-tell-learners", args=[call.pk])).status_code == 403
    )
    assert not CallNotice.objects.exists()


def test_typed_text_in_the_title_stays_text_in_the_e_mail(call, centre_a, referent_a):
    call.title = BAIT
    call.save(update_fields=["title"])
    _learner(centre_a, email="b@apprentis.example")
    publishing.call_tell_learners(call=call, acting_user=referent_a)
    message = OutboundEmail.objects.get(kind="call_published")
    assert BAIT not in message.body_html and "&lt;script&gt;" in message.body_html


def _learner_space(centre, referent, **extra):
    """A browser that opened the learner's link of one of their mobilities."""
    learner = _learner(centre, **extra)
    mobility = factories.MobilityFactory(participant=learner, status=MobilityStatus.CONFIRMED)
    guest_links.access_link_invite(mobility=mobility, role=GuestRole.LEARNER, acting_user=referent)
    client = Client()
    assert client.get(f"/t/{key_from(deliver_all()[-1])}").status_code == 302
    return client, mobility


def test_the_learner_sees_open_calls_they_may_apply_to_with_their_identity_prefilled(
    restricted, call, centre_a, referent_a
):
    client, mobility = _learner_space(
        centre_a,
        referent_a,
        first_name="Inès",
        last_name="Roux",
        training_year=1,
        email="ines@apprentis.example",
    )
    page = client.get(reverse("guest:mobility", args=[mobility.pk])).content.decode()
    link = reverse("recruitment:call", args=[restricted.public_key]) + "?as=learner"
    assert 'id="calls-title"' in page and link in page and "Boulangers à Valence" in page
    form = client.get(link).content.decode()
    assert 'value="Inès"' in form and 'value="Roux"' in form and 'value="ines@apprentis.example"' in form
    # Without coming from the learner space, nothing is prefilled.
    assert 'value="Roux"' not in Client().get(link).content.decode()


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_a_draft_or_closed_call_is_not_shown_to_learners(status, call, centre_a, referent_a):
    call.status = status
    call.save(update_fields=["status"])
    client, mobility = _learner_space(centre_a, referent_a)
    assert (
        'id="calls-title"' not in client.get(reverse("guest:mobility", args=[mobility.pk])).content.decode()
    )


def test_a_learner_who_is_not_eligible_or_of_another_centre_does_not_see_the_call(
    restricted, centre_a, centre_b, referent_a, referent_b
):
    for client, mobility in (
        _learner_space(centre_a, referent_a, training_year=4),
        _learner_space(centre_b, referent_b, training_year=1),
    ):
        page = client.get(reverse("guest:mobility", args=[mobility.pk])).content.decode()
        assert 'id="calls-title"' not in page


def test_the_learner_s_page_reads_the_same_number_of_queries_with_more_calls(call, centre_a, referent_a):
    client, mobility = _learner_space(centre_a, referent_a)
    url = reverse("guest:mobility", args=[mobility.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for n in range(3):
        other = calls.call_create(
            centre=centre_a,
            data={"title": f"Appel {n}", "activity_type": call.activity_type, "opens_on": call.opens_on,
                  "closes_on": call.closes_on},
            acting_user=referent_a,
        )  # fmt: skip
        calls.place_add(
            call=other,
            data={
                "city": "Porto",
                "country": "PT",
                "places": 1,
                "start": call.closes_on,
                "end": call.closes_on,
            },
            acting_user=referent_a,
        )
        calls.criterion_add(
            call=other, data={"label": "Motivation", "weight": 1, "max_points": 10}, acting_user=referent_a
        )
        calls.call_transition(call=other, to_status="open", acting_user=referent_a)
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).content.decode()
    assert "Appel 2" in page
    assert len(second) <= len(first)


def test_an_erased_learner_is_no_longer_told_and_their_e_mail_goes(call, centre_a, referent_a):
    from mobility.privacy.erasure import learner_erase

    learner = _learner(centre_a, email="efface@apprentis.example")
    publishing.call_tell_learners(call=call, acting_user=referent_a)
    learner_erase(learner=learner, acting_user=referent_a)
    assert not OutboundEmail.objects.filter(to="efface@apprentis.example").exists()
    assert selectors.call_eligible_learners(call=call) == []
    assert publishing.call_tell_learners(call=call, acting_user=referent_a).told == 0
