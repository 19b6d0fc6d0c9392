"""Who may call the API, and how far a token reaches: exactly as far as its user in the browser."""

import pytest
from django.urls import get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from mobility.api.docs import PUBLIC_API_VIEWS
from partners.accounts.models import ApiToken, Membership
from partners.accounts.tokens import api_token_revoke

from .conftest import token_for

pytestmark = pytest.mark.django_db


def test_a_call_without_credentials_is_a_401_asking_for_a_bearer_token(api_client):
    response = api_client.get("/api/v1/mobilities/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_token_is_a_401(api_client, referent_a):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer mob_" + "x" * 43)
    response = api_client.get("/api/v1/mobilities/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_malformed_authorization_header_is_a_401_that_says_how(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer two words")
    response = api_client.get("/api/v1/mobilities/")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_revoked_token_is_a_401(api_client, referent_a):
    raw = token_for(referent_a)
    api_token_revoke(token=ApiToken.objects.get(), acting_user=referent_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api_client.get("/api/v1/me/").status_code == 401


def test_a_token_acts_as_its_user(api_as, referent_a, centre_a):
    data = api_as(referent_a).get("/api/v1/me/").json()
    assert data["email"] == referent_a.email
    assert data["authentication"] == "token"
    assert [o["id"] for o in data["organisations"]] == [centre_a.pk]
    assert "manage_learners" in data["organisations"][0]["capabilities"]


def test_a_token_sees_what_its_user_sees_in_the_browser(api_as, client_of, referent_a, world_a, world_b):
    by_token = {m["id"] for m in api_as(referent_a).get("/api/v1/mobilities/").json()["results"]}
    by_session = {m["id"] for m in client_of(referent_a).get("/api/v1/mobilities/").json()["results"]}
    assert by_token == by_session == {world_a["mobility"].pk}


def test_a_token_loses_what_its_user_loses(api_as, referent_a, world_a):
    client = api_as(referent_a)
    assert client.get(f"/api/v1/mobilities/{world_a['mobility'].pk}/").status_code == 200
    Membership.objects.filter(user=referent_a).update(is_active=False)
    assert client.get(f"/api/v1/mobilities/{world_a['mobility'].pk}/").status_code == 403


def test_an_account_without_membership_gets_a_403(api_as, operator):
    response = api_as(operator).get("/api/v1/learners/")
    assert response.status_code == 403
    assert "member" in response.json()["detail"]


def test_the_session_works_for_the_platforms_own_pages(client_of, referent_a):
    response = client_of(referent_a).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["authentication"] == "session"


def test_a_session_write_needs_the_csrf_token(referent_a, world_a):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(referent_a)
    response = client.patch(
        f"/api/v1/learners/{world_a['learner'].pk}/", {"trade": "Pâtisserie"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_session_without_the_required_second_factor_is_refused(client_of, referent_a, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = client_of(referent_a).get("/api/v1/me/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_no_api_view_allows_anyone_outside_the_allow_list():
    """Walks every route under /api/: AllowAny only on the schema, its docs and the JSON 404."""
    offenders = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route, pattern

    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("api/"):
            continue
        view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        assert view is not None, f"{route} is not a REST framework view"
        permissions = list(getattr(view, "permission_classes", []))
        if AllowAny in permissions and view not in PUBLIC_API_VIEWS:
            offenders.append(route)
        assert permissions, f"{route} has no permission class"
    assert not offenders, "AllowAny outside the allow-list: " + ", ".join(offenders)


def test_the_default_permission_is_scoped_not_allow_any():
    from rest_framework.settings import api_settings

    from mobility.api.permissions import ScopedMember

    assert [ScopedMember] == api_settings.DEFAULT_PERMISSION_CLASSES
