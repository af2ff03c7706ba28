import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from exchange.models import ApiToken
from exchange.services import api_token_create, api_token_revoke
from listings.models import Listing
from tests.factories.exchange import add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

INVALID_TOKEN = {
    "error": {
        "status": 401,
        "code": "authentication_failed",
        "message": "Invalid or revoked token.",
    }
}


def test_token_authenticates_the_requester(api_client, council):
    member = add_member(council)
    draft = make_listing(organisation=council, publish=False)
    token, raw = api_token_create(actor=member, name="CRM sync")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    response = api_client.get("/api/v1/listings/")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [draft.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_accepts_the_bearer_keyword(api_client, council):
    member = add_member(council)
    _, raw = api_token_create(actor=member, name="CRM sync")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    payload = {"organisation": council.slug, "kind": "idea", "title": "By token", "summary": "S"}

    response = api_client.post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 201
    assert Listing.objects.get().author == member


def test_token_writes_need_no_csrf_token(council):
    member = add_member(council)
    _, raw = api_token_create(actor=member, name="CRM sync")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    payload = {"organisation": council.slug, "kind": "idea", "title": "By token", "summary": "S"}

    response = client.post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 201


def test_token_revoked_is_401(api_client, council):
    member = add_member(council)
    token, raw = api_token_create(actor=member, name="Old laptop")
    api_token_revoke(actor=member, token=token)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    response = api_client.get("/api/v1/listings/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == INVALID_TOKEN


def test_token_unknown_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token oix_not-a-real-token")

    response = api_client.get("/api/v1/organisations/")

    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN


def test_token_header_without_key_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token")

    response = api_client.get("/api/v1/organisations/")

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "status": 401,
            "code": "authentication_failed",
            "message": "Invalid token header: expected 'Token <key>'.",
        }
    }


def test_token_of_an_inactive_user_is_401(api_client, council):
    member = add_member(council)
    _, raw = api_token_create(actor=member, name="Leaver")
    member.is_active = False
    member.save(update_fields=["is_active"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    response = api_client.get("/api/v1/listings/")

    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN


def test_token_revoked_cannot_write(api_client, council):
    member = add_member(council)
    listing = make_listing(organisation=council)
    token, raw = api_token_create(actor=member, name="Old laptop")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    response = api_client.post(f"/api/v1/listings/{listing.pk}/close/")

    assert response.status_code == 401
    assert Listing.objects.get(pk=listing.pk).status == "published"
