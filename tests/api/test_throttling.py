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
