"""Personal API tokens: created and revoked by their owner, shown once, stored hashed."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partners.accounts.models import ApiToken
from partners.accounts.tokens import (
    ALL_SCOPES,
    MAX_ACTIVE_TOKENS,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from partners.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_token_has_256_random_bits_and_only_its_hash_is_stored(referent_a):
    token, raw = api_token_create(
        user=referent_a, name="SIS sync", expires_in_days=90, scopes=ALL_SCOPES, acting_user=referent_a
    )
    assert raw.startswith("mob_") and len(raw) >= 4 + 43  # 32 bytes in URL-safe base64
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.name, stored.prefix, stored.token_hash}
    assert stored.prefix == raw[:12]


def test_creating_a_token_is_audited_without_the_token(referent_a):
    token, raw = api_token_create(
        user=referent_a, name="SIS sync", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    entry = AuditEntry.objects.get(action="api_token.create")
    assert (entry.actor, entry.target_id) == (referent_a, str(token.pk))
    assert raw not in str(entry.data)


def test_two_tokens_never_share_a_value(referent_a):
    raws = {
        api_token_create(
            user=referent_a, name=f"t{i}", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
        )[1]
        for i in range(5)
    }
    assert len(raws) == 5


def test_a_token_is_created_by_its_owner_only(referent_a, chamber_admin):
    with pytest.raises(PermissionDenied):
        api_token_create(
            user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=chamber_admin
        )


@pytest.mark.parametrize(("name", "days", "field"), [("  ", 30, "name"), ("ok", 7, "expires_in_days")])
def test_a_token_needs_a_name_and_a_proposed_lifetime(referent_a, name, days, field):
    with pytest.raises(ValidationError) as caught:
        api_token_create(
            user=referent_a, name=name, expires_in_days=days, scopes=ALL_SCOPES, acting_user=referent_a
        )
    assert field in caught.value.message_dict


@pytest.mark.parametrize("scopes", [(), ("read", "admin")])
def test_a_token_needs_one_or_more_of_the_offered_scopes(referent_a, scopes):
    with pytest.raises(ValidationError) as caught:
        api_token_create(user=referent_a, name="x", expires_in_days=30, scopes=scopes, acting_user=referent_a)
    assert "scopes" in caught.value.message_dict


def test_the_scopes_chosen_are_kept_and_audited(referent_a):
    token, _raw = api_token_create(
        user=referent_a, name="x", expires_in_days=30, scopes=["documents", "read"], acting_user=referent_a
    )
    assert ApiToken.objects.get(pk=token.pk).scopes == ["read", "documents"]
    assert AuditEntry.objects.get(action="api_token.create").data["scopes"] == ["read", "documents"]


def test_active_tokens_are_limited(referent_a):
    for i in range(MAX_ACTIVE_TOKENS):
        api_token_create(
            user=referent_a, name=f"t{i}", expires_in_days=None, scopes=ALL_SCOPES, acting_user=referent_a
        )
    with pytest.raises(ValidationError):
        api_token_create(
            user=referent_a, name="one more", expires_in_days=None, scopes=ALL_SCOPES, acting_user=referent_a
        )


def test_staff_without_a_second_factor_cannot_create_a_token_when_it_is_required(referent_a, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    with pytest.raises(ValidationError) as caught:
        api_token_create(
            user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
        )
    assert "two-factor" in caught.value.messages[0]


def test_a_revoked_token_no_longer_authenticates(referent_a):
    token, raw = api_token_create(
        user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    assert api_token_authenticate(raw=raw) == token
    api_token_revoke(token=token, acting_user=referent_a)
    assert api_token_authenticate(raw=raw) is None
    assert AuditEntry.objects.filter(action="api_token.revoke", target_id=str(token.pk)).exists()


def test_an_expired_token_no_longer_authenticates(referent_a, time_machine):
    _token, raw = api_token_create(
        user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    time_machine.move_to(timezone.now() + timedelta(days=31))
    assert api_token_authenticate(raw=raw) is None


def test_a_deactivated_users_token_no_longer_authenticates(referent_a):
    _token, raw = api_token_create(
        user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    referent_a.is_active = False
    referent_a.save(update_fields=["is_active"])
    assert api_token_authenticate(raw=raw) is None


def test_only_the_owner_revokes_a_token(referent_a, referent_b):
    token, _raw = api_token_create(
        user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, acting_user=referent_b)


def test_use_records_the_date_and_address_at_most_once_a_minute(referent_a, time_machine):
    token, raw = api_token_create(
        user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    api_token_authenticate(raw=raw, ip="192.0.2.7")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and token.last_used_ip == "192.0.2.7"
    time_machine.move_to(timezone.now() + timedelta(seconds=20))
    api_token_authenticate(raw=raw, ip="192.0.2.7")
    token.refresh_from_db()
    assert token.last_used_at == first
    time_machine.move_to(timezone.now() + timedelta(seconds=61))
    api_token_authenticate(raw=raw, ip="192.0.2.7")
    token.refresh_from_db()
    assert token.last_used_at > first


# --- The settings page ------------------------------------------------------------------------
def test_the_settings_page_lists_the_users_tokens_by_prefix(client_of, referent_a, referent_b):
    mine, _ = api_token_create(
        user=referent_a, name="SIS sync", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    theirs, _ = api_token_create(
        user=referent_b, name="Their script", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_b
    )
    page = client_of(referent_a).get("/accounts/settings/").content.decode()
    assert "SIS sync" in page and mine.prefix in page
    assert "Their script" not in page and theirs.prefix not in page


def test_creating_a_token_on_the_settings_page_shows_it_once(client_of, referent_a):
    client = client_of(referent_a)
    response = client.post(
        "/accounts/settings/api-tokens/", {"name": "SIS sync", "expires_in_days": "90", "scopes": ["read"]}
    )
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.encode() in response.content
    assert api_token_authenticate(raw=raw).name == "SIS sync"
    assert raw.encode() not in client.get("/accounts/settings/").content


def test_the_scopes_are_chosen_on_the_settings_page(client_of, referent_a):
    response = client_of(referent_a).post(
        "/accounts/settings/api-tokens/",
        {"name": "SIS sync", "expires_in_days": "30", "scopes": ["read", "write"]},
    )
    assert response.status_code == 200
    assert api_token_authenticate(raw=response.context["new_token"]).scopes == ["read", "write"]
    page = client_of(referent_a).get("/accounts/settings/").content.decode()
    assert "Read data, Change data" in page  # the token's row says what it may do


def test_a_token_without_a_scope_is_refused_on_the_page(client_of, referent_a):
    response = client_of(referent_a).post(
        "/accounts/settings/api-tokens/", {"name": "SIS sync", "expires_in_days": "30"}
    )
    assert response.status_code == 400
    assert response.context["token_form"].errors["scopes"]
    assert not ApiToken.objects.exists()


def test_a_token_without_a_name_is_refused_on_the_page(client_of, referent_a):
    response = client_of(referent_a).post(
        "/accounts/settings/api-tokens/", {"name": "", "expires_in_days": "30", "scopes": ["read"]}
    )
    assert response.status_code == 400
    assert response.context["token_form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoking_on_the_settings_page(client_of, referent_a):
    token, raw = api_token_create(
        user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    response = client_of(referent_a).post(f"/accounts/settings/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_token_authenticate(raw=raw) is None


def test_someone_elses_token_cannot_be_revoked_from_the_page(client_of, referent_a, referent_b):
    token, raw = api_token_create(
        user=referent_a, name="x", expires_in_days=30, scopes=ALL_SCOPES, acting_user=referent_a
    )
    response = client_of(referent_b).post(f"/accounts/settings/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert api_token_authenticate(raw=raw) == token


def test_token_pages_refuse_get(client_of, referent_a):
    assert client_of(referent_a).get("/accounts/settings/api-tokens/").status_code == 405
