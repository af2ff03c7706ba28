import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from api.idempotency import purge_expired
from api.models import IdempotencyRecord
from exchange.models import Organisation
from exchange.services import api_token_create
from listings.models import Listing
from tests.factories.exchange import make_organisation

URL = "/api/v1/listings/"


def _body(org_slug, title="Smart bins"):
    return {"organisation": org_slug, "kind": "product", "title": title, "summary": "Bins."}


@pytest.fixture
def author_client(db, api_client):
    org = make_organisation(kind="supplier", name="Brightbin")
    api_client.force_authenticate(org.memberships.get().user)
    return api_client, org


@pytest.mark.django_db
def test_idempotent_retry_replays_first_response_and_creates_once(author_client):
    client, org = author_client
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-bins-1"}

    first = client.post(URL, _body(org.slug), format="json", **headers)
    retry = client.post(URL, _body(org.slug), format="json", **headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Listing.objects.count() == 1


@pytest.mark.django_db
def test_idempotency_key_with_different_body_is_422_and_changes_nothing(author_client):
    client, org = author_client
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-bins-1"}
    client.post(URL, _body(org.slug), format="json", **headers)

    response = client.post(URL, _body(org.slug, title="Other"), format="json", **headers)

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "status": 422,
            "code": "idempotency_key_reused",
            "message": "This Idempotency-Key was already used with a different request.",
        }
    }
    assert list(Listing.objects.values_list("title", flat=True)) == ["Smart bins"]


@pytest.mark.django_db
def test_idempotency_keys_are_per_caller(author_client):
    client, org = author_client
    _, raw = api_token_create(actor=org.memberships.get().user, name="CRM")
    other = Client()

    client.post(URL, _body(org.slug), format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = other.post(
        URL,
        _body(org.slug),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
        HTTP_AUTHORIZATION=f"Token {raw}",
    )

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Listing.objects.count() == 2


@pytest.mark.django_db
def test_idempotency_errors_are_replayed_too(author_client):
    client, org = author_client
    headers = {"HTTP_IDEMPOTENCY_KEY": "bad-1"}
    body = {**_body(org.slug), "kind": "spaceship"}

    first = client.post(URL, body, format="json", **headers)
    retry = client.post(URL, body, format="json", **headers)

    assert (first.status_code, retry.status_code) == (400, 400)
    assert retry.json() == first.json()


@pytest.mark.django_db
def test_idempotency_key_must_be_printable_and_short(author_client):
    client, org = author_client

    response = client.post(URL, _body(org.slug), format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert Listing.objects.count() == 0


@pytest.mark.django_db
def test_expired_records_are_purged_and_key_reusable(author_client):
    client, org = author_client
    client.post(URL, _body(org.slug), format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = client.post(URL, _body(org.slug), format="json", HTTP_IDEMPOTENCY_KEY="old")

    assert again.status_code == 201
    assert Listing.objects.count() == 2
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_expired() == 1
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_execute_once():
    org = make_organisation(kind="supplier", name="Racebin")
    _, raw = api_token_create(actor=org.memberships.get().user, name="racer")
    barrier = threading.Barrier(4)
    codes = []

    def send():
        client = Client()
        barrier.wait()
        try:
            response = client.post(
                URL,
                _body(org.slug),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="race",
                HTTP_AUTHORIZATION=f"Token {raw}",
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Listing.objects.count() == 1
    assert codes.count(201) >= 1
    assert sorted(set(codes) - {201}) in ([], [409])
    assert Organisation.objects.filter(slug=org.slug).count() == 1
