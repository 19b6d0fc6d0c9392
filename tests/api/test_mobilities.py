"""/api/v1/mobilities/: plan, change, move along the workflow, read the agreement and checklist."""

import datetime

import pytest

from mobility.agreements import services as agreements_services
from mobility.agreements.models import AgreementOutcome
from mobility.evaluations.models import (
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    OutcomeAssessment,
    OutcomeResult,
)
from mobility.mobilities import services
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.audit.models import AuditEntry

from .. import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/mobilities/"


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def _plan(world, **extra):
    return {
        "participant": world["learner"].pk,
        "activity_type": world["mobility"].activity_type_id,
        "host_organisation": world["host"].pk,
        "host_tutor": world["tutor"].pk,
        "planned_start": "2026-06-01",
        "planned_end": "2026-06-26",
        **extra,
    }


def test_create_plans_a_draft_with_its_checklist_like_the_form(api_as, referent_a, world_a):
    response = api_as(referent_a).post(URL, _plan(world_a), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    mobility = Mobility.objects.get(pk=body["id"])
    assert body["status"] == "draft" and body["reference"].startswith("MOB-2026-")
    assert body["host_city"] == world_a["host"].city  # derived from the host, as in the pages
    assert body["checklist"] and body["next_statuses"] == ["planned", "cancelled"]
    assert response["Location"] == f"/api/v1/mobilities/{mobility.pk}/"
    assert AuditEntry.objects.filter(action="mobility.create", target_id=str(mobility.pk)).exists()


def test_overlapping_dates_are_refused_on_the_field(api_as, referent_a, world_a):
    services.mobility_transition(mobility=world_a["mobility"], to_status="planned", acting_user=referent_a)
    response = api_as(referent_a).post(
        URL, _plan(world_a, planned_start="2026-03-10", planned_end="2026-04-03"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "planned_start"


def test_a_tutor_of_another_host_is_refused(api_as, referent_a, world_a):
    other = factories.ContactFactory()
    response = api_as(referent_a).post(URL, _plan(world_a, host_tutor=other.pk), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "host_tutor"


def test_the_list_is_scoped_and_filtered(api_as, referent_a, world_a, world_b, centre_a):
    learner = factories.LearnerFactory(centre=centre_a)
    italy = factories.MobilityFactory(participant=learner, host_country="IT", status=MobilityStatus.PLANNED)
    client = api_as(referent_a)
    assert set(_ids(client.get(URL))) == {world_a["mobility"].pk, italy.pk}
    assert _ids(client.get(URL, {"country": "IT"})) == [italy.pk]
    assert set(_ids(client.get(URL + "?status=planned&status=draft"))) == {world_a["mobility"].pk, italy.pk}
    assert _ids(client.get(URL, {"status": "planned"})) == [italy.pk]
    assert _ids(client.get(URL, {"participant": learner.pk})) == [italy.pk]
    assert _ids(client.get(URL, {"search": world_a["learner"].last_name})) == [world_a["mobility"].pk]
    assert _ids(client.get(URL, {"starts_after": "2026-03-03"})) == []


def test_updated_since_sees_a_status_change(api_as, referent_a, world_a, time_machine):
    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(hours=2)
    since = (later - datetime.timedelta(hours=1)).isoformat()
    time_machine.move_to(later)
    client = api_as(referent_a)
    assert _ids(client.get(URL, {"updated_since": since})) == []
    services.mobility_transition(mobility=world_a["mobility"], to_status="planned", acting_user=referent_a)
    assert _ids(client.get(URL, {"updated_since": since})) == [world_a["mobility"].pk]


def test_the_list_costs_the_same_number_of_queries_for_many_mobilities(
    api_as, referent_a, centre_a, django_assert_max_num_queries
):
    client = api_as(referent_a)
    factories.MobilityFactory.create_batch(2, participant__centre=centre_a)
    # 7 for the page itself, 3 for its audit entry and the hour's export budget it counts against
    with django_assert_max_num_queries(10) as few:
        client.get(URL)
    factories.MobilityFactory.create_batch(20, participant__centre=centre_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).json()["count"] == 22


def test_patch_goes_through_the_service(api_as, referent_a, world_a):
    mobility = world_a["mobility"]
    response = api_as(referent_a).patch(
        f"{URL}{mobility.pk}/", {"planned_end": "2026-03-20", "green_travel": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    mobility.refresh_from_db()
    assert (mobility.planned_end, mobility.green_travel) == (datetime.date(2026, 3, 20), True)
    entry = AuditEntry.objects.get(action="mobility.update")
    assert entry.data["changes"]  # the same entry as a change in the page


def test_the_detail_has_the_agreement_checklist_and_evaluation_summary(api_as, referent_a, world_a):
    mobility = world_a["mobility"]
    agreement = agreements_services.agreement_save(
        mobility=mobility,
        data={"objectives": "Bake bread in a Spanish bakery."},
        outcomes=[{"description": "Shapes baguettes"}, {"description": "Runs the oven"}],
        units=None,
        acting_user=referent_a,
    )
    evaluation = Evaluation.objects.create(
        mobility=mobility, kind=EvaluationKind.TUTOR, status=EvaluationStatus.SUBMITTED
    )
    first, second = AgreementOutcome.objects.filter(agreement=agreement).order_by("order")
    OutcomeAssessment.objects.create(evaluation=evaluation, outcome=first, result=OutcomeResult.ACHIEVED)
    OutcomeAssessment.objects.create(evaluation=evaluation, outcome=second, result=OutcomeResult.PARTLY)

    body = api_as(referent_a).get(f"{URL}{mobility.pk}/").json()
    assert body["learning_agreement"]["version"] == 1
    assert [o["description"] for o in body["learning_agreement"]["outcomes"]] == [
        "Shapes baguettes",
        "Runs the oven",
    ]
    assert "learner" in body["learning_agreement"]["missing_parties"]
    assert len(body["checklist"]) == mobility.checklist.count()
    assert body["evaluations"] == [
        {
            "kind": "tutor",
            "status": "submitted",
            "language": "",
            "attended_from": None,
            "attended_to": None,
            "absence_days": None,
            "submitted_at": None,
            "reviewed_at": None,
            "results": {"achieved": 1, "partly": 1, "not_achieved": 0, "not_assessed": 0},
        }
    ]


def test_the_learning_agreement_is_written_through_the_service(api_as, referent_a, world_a):
    mobility = world_a["mobility"]
    unit = factories.UnitFactory(qualification=world_a["learner"].qualification)
    client = api_as(referent_a)
    url = f"{URL}{mobility.pk}/learning-agreement/"
    assert client.get(url).status_code == 404
    response = client.put(
        url,
        {
            "objectives": "Work in a bakery",
            "units": [unit.pk],
            "outcomes": [{"unit": unit.pk, "category": "skills", "description": "Kneads dough"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = client.get(url).json()
    assert body["objectives"] == "Work in a bakery"
    assert [u["id"] for u in body["units"]] == [unit.pk]
    assert body["outcomes"][0]["unit"] == unit.pk
    assert (
        AuditEntry.objects.filter(action="agreement.update").exists()
        or AuditEntry.objects.filter(action="agreement.new_version").exists()
    )


def test_a_unit_of_another_qualification_is_refused(api_as, referent_a, world_a):
    foreign = factories.UnitFactory()
    response = api_as(referent_a).put(
        f"{URL}{world_a['mobility'].pk}/learning-agreement/", {"units": [foreign.pk]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "units"


def test_a_checklist_task_is_ticked_through_the_service(api_as, referent_a, world_a):
    item = world_a["mobility"].checklist.filter(done_at__isnull=True).first()
    client = api_as(referent_a)
    response = client.patch(
        f"{URL}{world_a['mobility'].pk}/checklist/{item.pk}/", {"done": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["done"] is True
    assert AuditEntry.objects.filter(action="checklist.done", target_id=str(item.pk)).exists()


def test_a_task_of_another_mobility_is_not_found(api_as, referent_a, world_a, world_b):
    item = world_b["mobility"].checklist.first()
    response = api_as(referent_a).patch(
        f"{URL}{world_a['mobility'].pk}/checklist/{item.pk}/", {"done": True}, format="json"
    )
    assert response.status_code == 404


def test_transition_moves_the_status_and_returns_the_mobility(api_as, referent_a, world_a):
    response = api_as(referent_a).post(
        f"{URL}{world_a['mobility'].pk}/transition/",
        {"status": "cancelled", "reason": "Host closed"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["status_reason"] == "Host closed"
    assert AuditEntry.objects.filter(action="mobility.transition").exists()


@pytest.mark.parametrize("method", ["post", "patch"])
def test_read_only_staff_cannot_write(api_as, readonly_a, world_a, method):
    client = api_as(readonly_a)
    if method == "post":
        response = client.post(URL, _plan(world_a), format="json")
    else:
        response = client.patch(f"{URL}{world_a['mobility'].pk}/", {"notes": "x"}, format="json")
    assert response.status_code == 403


def test_an_outsider_cannot_move_another_centres_mobility(api_as, referent_b, world_a):
    response = api_as(referent_b).post(
        f"{URL}{world_a['mobility'].pk}/transition/", {"status": "cancelled", "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    world_a["mobility"].refresh_from_db()
    assert world_a["mobility"].status == MobilityStatus.DRAFT
