"""Bad input gets a 4xx with a precise message in one shape, in the caller's language; never a 500."""

import pytest

from mobility.learners.models import Learner
from mobility.mobilities.models import MobilityStatus
from partners.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _fields(response):
    return {error["field"] for error in response.json()["errors"]}


def _shape(response):
    body = response.json()
    assert set(body) == {"status", "code", "detail", "errors"}
    assert body["status"] == response.status_code
    return body


def test_malformed_json_is_a_400_saying_where(api_as, referent_a):
    response = api_as(referent_a).post(
        "/api/v1/learners/", '{"first_name": "Léa",', content_type="application/json"
    )
    assert response.status_code == 400
    body = _shape(response)
    assert body["code"] == "parse_error"
    assert (
        body["detail"]
        == "The body is not valid JSON: line 1, column 22 (Expecting property name enclosed in double quotes)."
    )


def test_a_malformed_body_is_explained_in_the_language_of_accept_language(api_as, referent_a):
    client = api_as(referent_a, HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post("/api/v1/learners/", '{"first_name": "Léa",', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "Le corps de la requête n'est pas du JSON valide : ligne 1, colonne 22"
    )


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"first_name": "L\xe9a"}', "The body is not valid UTF-8 text."),
        (
            b'{"training_year": NaN}',
            "The body is not valid JSON: Out of range float values are not JSON compliant: 'NaN'.",
        ),
    ],
)
def test_a_body_that_is_not_json_text_is_a_400_saying_why(api_as, referent_a, body, detail):
    response = api_as(referent_a).post("/api/v1/learners/", body, content_type="application/json")
    assert response.status_code == 400
    assert (_shape(response)["code"], response.json()["detail"]) == ("parse_error", detail)


def test_a_body_that_is_not_an_object_is_a_400(api_as, referent_a):
    response = api_as(referent_a).post("/api/v1/learners/", [1, 2], format="json")
    assert response.status_code == 400
    assert _shape(response)["errors"][0]["field"] is None


def test_wrong_types_name_each_field(api_as, referent_a):
    response = api_as(referent_a).post(
        "/api/v1/learners/",
        {
            "first_name": "Léa",
            "last_name": "Martin",
            "date_of_birth": "17/05/2004",
            "training_year": "second",
        },
        format="json",
    )
    assert response.status_code == 400
    assert _fields(response) == {"date_of_birth", "training_year"}


def test_unknown_fields_are_refused_not_ignored(api_as, referent_a):
    response = api_as(referent_a).post(
        "/api/v1/learners/",
        {"first_name": "Léa", "last_name": "Martin", "birthday": "2004-05-17"},
        format="json",
    )
    assert response.status_code == 400
    error = _shape(response)["errors"][0]
    assert (error["field"], error["code"]) == ("birthday", "unknown_field")
    assert "date_of_birth" in error["message"]
    assert not Learner.objects.exists()


def test_read_only_fields_are_refused_not_ignored(api_as, referent_a, world_a):
    response = api_as(referent_a).patch(
        f"/api/v1/mobilities/{world_a['mobility'].pk}/", {"status": "confirmed"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] in {"read_only", "unknown_field"}
    world_a["mobility"].refresh_from_db()
    assert world_a["mobility"].status == MobilityStatus.DRAFT


def test_another_centres_id_in_a_body_is_an_invalid_choice(api_as, referent_a, world_a, world_b):
    response = api_as(referent_a).post(
        "/api/v1/mobilities/",
        {
            "participant": world_b["learner"].pk,
            "activity_type": world_a["mobility"].activity_type_id,
            "planned_start": "2026-05-04",
            "planned_end": "2026-05-29",
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "participant" and error["code"] == "does_not_exist"


def test_another_centres_object_is_a_404(api_as, referent_a, world_b):
    for url in (
        f"/api/v1/mobilities/{world_b['mobility'].pk}/",
        f"/api/v1/learners/{world_b['learner'].pk}/",
        f"/api/v1/documents/{world_b['document'].pk}/download/",
        f"/api/v1/projects/{world_b['project'].pk}/",
    ):
        response = api_as(referent_a).get(url)
        assert response.status_code == 404, url
        assert _shape(response)["code"] == "not_found"


def test_a_huge_page_size_is_a_400_naming_the_limit(api_as, referent_a):
    response = api_as(referent_a).get("/api/v1/learners/", {"page_size": 100000})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "page_size" and "500" in error["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"status": "travelling"}, "status"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "0001-01-01T00:00:00+14:00"}, "updated_since"),
        ({"starts_after": "9999-12-31"}, "starts_after"),
        ({"centre": "abc"}, "centre"),
        ({"participant": "1.5"}, "participant"),
        ({"country": "Spain"}, "country"),
        ({"ordering": "participant__date_of_birth"}, "ordering"),
        ({"stauts": "planned"}, "stauts"),
        ({"search": ""}, "search"),
    ],
)
def test_invalid_filters_are_a_400_naming_the_parameter(api_as, referent_a, query, field):
    response = api_as(referent_a).get("/api/v1/mobilities/", query)
    assert response.status_code == 400, response.json()
    assert _fields(response) == {field}


def test_filtering_on_another_centre_is_an_invalid_choice(api_as, referent_a, centre_b):
    response = api_as(referent_a).get("/api/v1/mobilities/", {"centre": centre_b.pk})
    assert response.status_code == 400
    assert _fields(response) == {"centre"}


def test_a_page_past_the_end_is_a_404_that_names_the_last_page(api_as, referent_a, world_a):
    response = api_as(referent_a).get("/api/v1/mobilities/", {"page": 9})
    assert response.status_code == 404
    assert "last page is 1" in response.json()["detail"]


def test_out_of_range_dates_in_a_body_are_a_400(api_as, referent_a, world_a):
    response = api_as(referent_a).patch(
        f"/api/v1/mobilities/{world_a['mobility'].pk}/", {"planned_end": "9999-12-31"}, format="json"
    )
    assert response.status_code == 400
    assert _fields(response) == {"planned_end"}


def test_null_characters_in_json_are_a_400(api_as, referent_a, world_a):
    response = api_as(referent_a).patch(
        f"/api/v1/projects/{world_a['project'].pk}/", {"budget_lines": [{"label": "a\u0000b"}]}, format="json"
    )
    assert response.status_code == 400
    assert _fields(response) == {"budget_lines"}


def test_a_rule_of_a_service_becomes_a_field_error(api_as, referent_a, world_a):
    response = api_as(referent_a).patch(
        f"/api/v1/mobilities/{world_a['mobility'].pk}/", {"planned_end": "2026-02-01"}, format="json"
    )
    assert response.status_code == 400
    assert "planned_end" in _fields(response)


def test_a_refused_transition_lists_every_blocker(api_as, referent_a, world_a):
    client = api_as(referent_a)
    url = f"/api/v1/mobilities/{world_a['mobility'].pk}/transition/"
    assert client.post(url, {"status": "planned"}, format="json").status_code == 200
    response = client.post(url, {"status": "confirmed"}, format="json")
    assert response.status_code == 400
    body = _shape(response)
    assert body["code"] == "transition_not_allowed"
    assert len(body["errors"]) >= 1
    assert all(e["code"] == "transition_not_allowed" for e in body["errors"])
    assert any("learning agreement" in e["message"] for e in body["errors"])


def test_a_transition_the_workflow_forbids_says_so(api_as, referent_a, world_a):
    response = api_as(referent_a).post(
        f"/api/v1/mobilities/{world_a['mobility'].pk}/transition/", {"status": "certified"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot go from" in response.json()["detail"]


def test_cancelling_needs_a_reason_named_as_a_field(api_as, referent_a, world_a):
    response = api_as(referent_a).post(
        f"/api/v1/mobilities/{world_a['mobility'].pk}/transition/", {"status": "cancelled"}, format="json"
    )
    assert response.status_code == 400
    assert _fields(response) == {"reason"}


def test_a_read_only_role_gets_a_403_before_any_validation(api_as, readonly_a, world_a):
    response = api_as(readonly_a).patch(
        f"/api/v1/learners/{world_a['learner'].pk}/", "not json", content_type="application/json"
    )
    assert response.status_code == 403
    assert _shape(response)["code"] == "permission_denied"


def test_a_service_refusal_is_a_403_without_internal_details(api_as, referent_a, centre_a2):
    # referent_a manages centre A only; the project service refuses a chamber-level grant holder.
    from partners.directory.models import Organisation

    chamber = Organisation.objects.get(pk=centre_a2.parent_id)
    response = api_as(referent_a).post(
        "/api/v1/projects/",
        {"organisation": chamber.pk, "title": "X", "start_date": "2026-01-01", "end_date": "2026-12-31"},
        format="json",
    )
    assert response.status_code == 400  # not a choice the user may make
    assert _fields(response) == {"organisation"}


def test_form_encoded_bodies_are_a_415(api_as, referent_a):
    response = api_as(referent_a).post(
        "/api/v1/learners/", "first_name=L%C3%A9a", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert _shape(response)["code"] == "unsupported_media_type"


def test_a_method_that_is_not_offered_is_a_405(api_as, referent_a, world_a):
    response = api_as(referent_a).delete(f"/api/v1/learners/{world_a['learner'].pk}/")
    assert response.status_code == 405
    assert _shape(response)["code"] == "method_not_allowed"


def test_an_unknown_endpoint_is_a_json_404(api_as, referent_a, api_client):
    for client in (api_as(referent_a), api_client):
        response = client.get("/api/v1/mobilites/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert _shape(response)["code"] == "not_found"


def test_a_missing_trailing_slash_is_a_404_that_says_so(api_as, referent_a):
    response = api_as(referent_a).post("/api/v1/learners", {}, format="json")
    assert response.status_code == 404
    assert "/api/v1/learners/" in response.json()["detail"]


def test_errors_are_in_the_language_of_accept_language(api_as, referent_a):
    client = api_as(referent_a, HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post("/api/v1/learners/", {"first_name": "Léa"}, format="json")
    assert response.status_code == 400
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["last_name"] == "Ce champ est obligatoire."
    assert response["Content-Language"] == "fr"


def test_nothing_is_written_when_a_request_fails(api_as, referent_a, world_a):
    client = api_as(referent_a)
    before = AuditEntry.objects.count()
    client.patch(f"/api/v1/learners/{world_a['learner'].pk}/", {"email": "not-an-address"}, format="json")
    world_a["learner"].refresh_from_db()
    assert world_a["learner"].email != "not-an-address"
    assert AuditEntry.objects.count() == before
