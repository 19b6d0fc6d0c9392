"""Each token has its own request budget; a runaway script does not block its neighbours."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "token": "3/minute",
        "anonymous": "2/minute",
    }


def test_a_token_past_its_budget_gets_a_429_with_retry_after(tight, api_as, referent_a):
    client = api_as(referent_a)
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/me/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_another_token_keeps_its_own_budget(tight, api_as, referent_a):
    busy, quiet = api_as(referent_a), api_as(referent_a)
    for _ in range(4):
        busy.get("/api/v1/me/")
    assert busy.get("/api/v1/me/").status_code == 429
    assert quiet.get("/api/v1/me/").status_code == 200


def test_anonymous_calls_are_throttled_by_address(tight, api_client):
    codes = [api_client.get("/api/v1/nothing-here/").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_anonymous_callers_behind_the_proxy_each_have_their_own_budget(tight, api_client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]

    def call(address):
        return api_client.get(
            "/api/v1/nothing-here/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address
        ).status_code

    assert [call("203.0.113.9") for _ in range(3)] == [404, 404, 429]
    assert call("198.51.100.20") == 404


def test_a_caller_cannot_buy_a_fresh_budget_with_a_forged_forwarded_header(tight, api_client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    codes = [
        api_client.get(
            "/api/v1/nothing-here/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(3)
    ]
    assert codes == [404, 404, 429]
