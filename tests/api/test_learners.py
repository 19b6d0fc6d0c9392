"""/api/v1/learners/: what a student information system pushes and pulls."""

import datetime

import pytest
from django.utils import timezone

from mobility.learners.models import Learner
from partners.audit.models import AuditEntry

from .. import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/learners/"


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_a_referent_lists_the_learners_of_their_centre_only(api_as, referent_a, world_a, world_b):
    assert _ids(api_as(referent_a).get(URL)) == [world_a["learner"].pk]


def test_a_chamber_admin_lists_every_centre_below_the_chamber(
    api_as, chamber_admin, centre_a2, world_a, world_b
):
    other = factories.LearnerFactory(centre=centre_a2)
    assert set(_ids(api_as(chamber_admin).get(URL))) == {world_a["learner"].pk, other.pk}


def test_the_list_costs_the_same_number_of_queries_for_many_learners(
    api_as, referent_a, centre_a, django_assert_max_num_queries
):
    client = api_as(referent_a)
    factories.LearnerFactory.create_batch(3, centre=centre_a)
    # 7 for the page itself, 3 for its audit entry and the hour's export budget it counts against
    with django_assert_max_num_queries(10) as few:
        client.get(URL)
    factories.LearnerFactory.create_batch(30, centre=centre_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == 33


def test_filter_by_the_information_systems_id(api_as, referent_a, world_a, centre_a):
    factories.LearnerFactory(centre=centre_a, national_id="INE999")
    response = api_as(referent_a).get(URL, {"national_id": "inea001"})
    assert _ids(response) == [world_a["learner"].pk]


def test_updated_since_returns_what_changed_after_the_last_sync(api_as, referent_a, centre_a, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC))
    factories.LearnerFactory(centre=centre_a)
    time_machine.move_to(datetime.datetime(2026, 1, 20, 12, tzinfo=datetime.UTC))
    recent = factories.LearnerFactory(centre=centre_a)
    response = api_as(referent_a).get(URL, {"updated_since": "2026-01-15T00:00:00Z"})
    assert _ids(response) == [recent.pk]


def test_updated_since_accepts_an_offset_whose_plus_became_a_space(api_as, referent_a, world_a):
    response = api_as(referent_a).get(URL + "?updated_since=2020-01-01T00:00:00 01:00")
    assert response.status_code == 200
    assert _ids(response) == [world_a["learner"].pk]


def test_filter_minors(api_as, referent_a, centre_a, world_a):
    today = timezone.localdate()
    minor = factories.LearnerFactory(
        centre=centre_a,
        date_of_birth=today.replace(year=today.year - 16),
        guardian_name="Marc Petit",
        guardian_email="marc.petit@famille.example",
    )
    assert _ids(api_as(referent_a).get(URL, {"is_minor": "true"})) == [minor.pk]
    assert _ids(api_as(referent_a).get(URL, {"is_minor": "false"})) == [world_a["learner"].pk]


def test_ordering_and_pagination(api_as, referent_a, centre_a):
    for name in ("Bernard", "Arnaud", "Chevalier"):
        factories.LearnerFactory(centre=centre_a, last_name=name)
    response = api_as(referent_a).get(URL, {"ordering": "-last_name", "page_size": 2})
    body = response.json()
    assert [r["last_name"] for r in body["results"]] == ["Chevalier", "Bernard"]
    assert body["count"] == 3 and "page=2" in body["next"]


def test_create_through_the_service_with_its_audit_entry(api_as, referent_a, centre_a):
    response = api_as(referent_a).post(
        URL,
        {"first_name": "Léa", "last_name": "Martin", "date_of_birth": "2004-05-17", "national_id": "ine123"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    learner = Learner.objects.get(pk=response.json()["id"])
    assert learner.centre == centre_a  # the only centre the referent manages
    assert learner.national_id == "INE123"  # the model's normalisation
    assert response["Location"] == f"/api/v1/learners/{learner.pk}/"
    entry = AuditEntry.objects.get(action="learner.create")
    assert (entry.actor, entry.target_id) == (referent_a, str(learner.pk))


def test_a_chamber_admin_must_say_which_centre(api_as, chamber_admin, centre_a2):
    client = api_as(chamber_admin)
    response = client.post(URL, {"first_name": "Léa", "last_name": "Martin"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "centre"
    response = client.post(
        URL, {"centre": centre_a2.pk, "first_name": "Léa", "last_name": "Martin"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["centre"] == centre_a2.pk


def test_a_duplicate_national_id_is_refused_on_the_field(api_as, referent_a, world_a):
    response = api_as(referent_a).post(
        URL, {"first_name": "Léa", "last_name": "Martin", "national_id": "INEA001"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "national_id"


def test_patch_changes_only_what_is_sent_and_audits_field_names(api_as, referent_a, world_a):
    learner = world_a["learner"]
    response = api_as(referent_a).patch(f"{URL}{learner.pk}/", {"trade": "Pâtisserie"}, format="json")
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.trade == "Pâtisserie" and learner.national_id == "INEA001"
    entry = AuditEntry.objects.get(action="learner.update")
    assert "trade" in str(entry.data["changes"])
    assert "Pâtisserie" not in str(entry.data)


def test_put_needs_the_required_fields(api_as, referent_a, world_a):
    response = api_as(referent_a).put(
        f"{URL}{world_a['learner'].pk}/", {"trade": "Pâtisserie"}, format="json"
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"first_name", "last_name"}


def test_the_centre_cannot_be_changed(api_as, referent_a, world_a, centre_a2):
    response = api_as(referent_a).patch(
        f"{URL}{world_a['learner'].pk}/", {"centre": centre_a2.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "read_only"


def test_read_only_staff_read_but_do_not_write(api_as, readonly_a, world_a):
    client = api_as(readonly_a)
    assert client.get(f"{URL}{world_a['learner'].pk}/").status_code == 200
    assert client.post(URL, {"first_name": "Léa", "last_name": "Martin"}, format="json").status_code == 403
    assert client.patch(f"{URL}{world_a['learner'].pk}/", {"trade": "x"}, format="json").status_code == 403


def test_an_outsider_cannot_reach_or_change_a_learner(api_as, referent_b, world_a):
    client = api_as(referent_b)
    assert client.get(f"{URL}{world_a['learner'].pk}/").status_code == 404
    assert client.patch(f"{URL}{world_a['learner'].pk}/", {"trade": "x"}, format="json").status_code == 404


def test_an_anonymised_learner_is_gone_from_the_api(api_as, referent_a, world_a):
    Learner.objects.filter(pk=world_a["learner"].pk).update(anonymised_at=timezone.now())
    client = api_as(referent_a)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{world_a['learner'].pk}/").status_code == 404
