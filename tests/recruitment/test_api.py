"""Calls and applications in the API: read-only, scoped like the pages, with a personal token."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.api.conftest import token_for

from .test_rules import _candidate


def _client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


def test_the_api_lists_the_centre_s_calls_and_applications(
    call, centre_a, referent_a, django_assert_max_num_queries
):
    application = _candidate(call, centre_a, 1)
    client = _client(referent_a)
    calls = client.get("/api/v1/calls/").json()
    assert [c["id"] for c in calls["results"]] == [call.pk]
    assert len(calls["results"][0]["places"]) == 2
    with django_assert_max_num_queries(12):
        applications = client.get("/api/v1/applications/").json()
    assert [a["id"] for a in applications["results"]] == [application.pk]
    assert client.get(f"/api/v1/applications/{application.pk}/").json()["status"] == "submitted"


def test_another_centre_sees_nothing_and_nobody_writes(call, centre_a, referent_a, referent_b):
    application = _candidate(call, centre_a, 1)
    outsider = _client(referent_b)
    assert outsider.get("/api/v1/calls/").json()["results"] == []
    assert outsider.get(f"/api/v1/calls/{call.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert _client(referent_a).post("/api/v1/calls/", {"title": "x"}).status_code == 405
