"""What a token may do, chosen when it is created: read, write, download files (documents)."""

import pytest
from rest_framework.test import APIClient

from partners.accounts.models import ApiToken
from partners.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def client_with(user, *scopes):
    _token, raw = api_token_create(
        user=user, name="script", expires_in_days=30, scopes=scopes, acting_user=user
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_read_only_token_cannot_write_and_is_told_why(referent_a, centre_a):
    response = client_with(referent_a, "read").post(
        "/api/v1/learners/", {"first_name": "Léa", "last_name": "Martin"}, format="json"
    )
    assert response.status_code == 403
    assert "“write”" in response.json()["detail"]
    assert (
        client_with(referent_a, "read", "write")
        .post("/api/v1/learners/", {"first_name": "Léa", "last_name": "Martin"}, format="json")
        .status_code
        == 201
    )


def test_a_token_without_the_read_scope_cannot_list(referent_a, world_a):
    response = client_with(referent_a, "write").get("/api/v1/learners/")
    assert response.status_code == 403
    assert "“read”" in response.json()["detail"]


def test_downloading_a_file_needs_the_documents_scope(referent_a, world_a):
    url = f"/api/v1/documents/{world_a['document'].pk}/download/"
    refused = client_with(referent_a, "read", "write").get(url)
    assert refused.status_code == 403
    assert "“documents”" in refused.json()["detail"]
    assert client_with(referent_a, "documents").get(url).status_code == 200


def test_the_scope_message_is_in_the_language_of_the_request(referent_a, world_a):
    response = client_with(referent_a, "read").delete(
        f"/api/v1/documents/{world_a['document'].pk}/", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 403
    assert "lecture seule" in response.json()["detail"]


def test_me_tells_a_script_what_its_token_may_do(referent_a):
    data = client_with(referent_a, "read", "documents").get("/api/v1/me/").json()
    assert data["token"]["scopes"] == ["read", "documents"]


def test_the_browser_session_is_not_limited_by_scopes(client_of, referent_a, world_a):
    response = client_of(referent_a).get(f"/api/v1/documents/{world_a['document'].pk}/download/")
    assert response.status_code == 200


def test_tokens_made_before_scopes_existed_keep_everything_they_could_do(referent_a):
    from importlib import import_module

    from django.apps import apps

    token, _raw = api_token_create(
        user=referent_a, name="old", expires_in_days=None, scopes=["read"], acting_user=referent_a
    )
    ApiToken.objects.filter(pk=token.pk).update(scopes=[])  # as the new column left old rows
    import_module("partners.migrations.0008_api_token_scopes").grant_every_scope(apps, None)
    token.refresh_from_db()
    assert token.scopes == ["read", "write", "documents"]
