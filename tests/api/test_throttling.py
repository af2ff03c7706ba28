import pytest

from exchange.services import api_token_create
from tests.factories.exchange import UserFactory


@pytest.mark.django_db
def test_anonymous_callers_are_limited_per_ip(api_client, settings):
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "token": "100/minute"}

    codes = [api_client.get("/api/v1/tags/").status_code for _ in range(4)]
    other_ip = api_client.get("/api/v1/tags/", REMOTE_ADDR="10.0.0.9")

    assert codes == [200, 200, 200, 429]
    assert other_ip.status_code == 200


@pytest.mark.django_db
def test_throttled_response_has_retry_after_and_error_shape(api_client, settings):
    settings.API_THROTTLE_RATES = {"anon": "1/minute", "token": "100/minute"}
    api_client.get("/api/v1/tags/")

    response = api_client.get("/api/v1/tags/")

    assert response.status_code == 429
    assert int(response["Retry-After"]) in range(1, 61)
    assert response.json()["error"]["status"] == 429
    assert response.json()["error"]["code"] == "throttled"


@pytest.mark.django_db
def test_tokens_have_their_own_buckets(api_client, settings):
    settings.API_THROTTLE_RATES = {"anon": "100/minute", "token": "2/minute"}
    user = UserFactory()
    _, first = api_token_create(actor=user, name="one")
    _, second = api_token_create(actor=user, name="two")

    codes_first = [
        api_client.get("/api/v1/tags/", HTTP_AUTHORIZATION=f"Token {first}").status_code
        for _ in range(3)
    ]
    codes_second = api_client.get("/api/v1/tags/", HTTP_AUTHORIZATION=f"Token {second}")

    assert codes_first == [200, 200, 429]
    assert codes_second.status_code == 200
