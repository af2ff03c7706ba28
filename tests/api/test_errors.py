"""Every 4xx of the API has the one JSON shape of ``api.errors``, never HTML, never a 500."""

import pytest
from rest_framework.test import APIClient

from listings.models import Listing
from tests.factories.exchange import add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

NOT_FOUND = {"error": {"status": 404, "code": "not_found", "message": "Not found."}}


def test_error_400_for_malformed_json(client_as, council):
    member = add_member(council)

    response = client_as(member).post(
        "/api/v1/listings/", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "parse_error",
            "message": "JSON parse error - Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        }
    }
    assert Listing.objects.count() == 0


def test_error_400_for_bad_field_values(client_as, council):
    member = add_member(council)
    payload = {
        "organisation": council.slug,
        "kind": "banana",
        "title": "x" * 161,
        "summary": "",
        "price_pence": -1,
        "tags": "not-a-list",
    }

    response = client_as(member).post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": 'kind: "banana" is not a valid choice.',
            "fields": {
                "kind": ['"banana" is not a valid choice.'],
                "title": ["Ensure this field has no more than 160 characters."],
                "summary": ["This field may not be blank."],
                "tags": ['Expected a list of items but got type "str".'],
                "price_pence": ["Ensure this value is greater than or equal to 0."],
            },
        }
    }


def test_error_400_for_a_body_that_is_not_an_object(client_as, council):
    response = client_as(add_member(council)).post("/api/v1/listings/", [1, 2], format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "Invalid data. Expected a dictionary, but got list.",
            "non_field_errors": ["Invalid data. Expected a dictionary, but got list."],
        }
    }


def test_error_401_for_anonymous_write(api_client):
    response = api_client.post("/api/v1/listings/", {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "error": {
            "status": 401,
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
        }
    }


def test_error_403_for_session_write_without_csrf_token(council):
    member = add_member(council)
    listing = make_listing(organisation=council)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(f"/api/v1/listings/{listing.pk}/close/")

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "permission_denied",
            "message": "CSRF Failed: CSRF cookie not set.",
        }
    }
    assert Listing.objects.get(pk=listing.pk).status == "published"


def test_error_404_for_an_unknown_listing(api_client):
    response = api_client.get("/api/v1/listings/999999/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_error_404_for_a_non_numeric_listing_id(api_client):
    response = api_client.get("/api/v1/listings/abc/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_error_404_for_an_unknown_api_path(api_client, method):
    response = getattr(api_client, method)("/api/v1/widgets/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_error_404_for_a_missing_trailing_slash_names_the_right_path(api_client):
    response = api_client.get("/api/v1/listings")

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": "Not found. Did you mean /api/v1/listings/ ?",
        }
    }


def test_error_404_for_a_page_past_the_end(api_client):
    # Questions are page-numbered; listings use cursors (tests/api/test_sync.py).
    response = api_client.get("/api/v1/questions/?page=9")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Invalid page."}
    }


def test_error_405_for_delete_of_a_listing(client_as, council):
    member = add_member(council)
    listing = make_listing(organisation=council)

    response = client_as(member).delete(f"/api/v1/listings/{listing.pk}/")

    assert response.status_code == 405
    assert response.json() == {
        "error": {
            "status": 405,
            "code": "method_not_allowed",
            "message": 'Method "DELETE" not allowed.',
        }
    }
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_error_405_for_write_to_a_read_only_resource(client_as, council):
    response = client_as(add_member(council)).post("/api/v1/tags/", {"name": "x"}, format="json")

    assert response.status_code == 405
    assert response.json() == {
        "error": {
            "status": 405,
            "code": "method_not_allowed",
            "message": 'Method "POST" not allowed.',
        }
    }


def test_error_409_for_an_illegal_transition(client_as, council):
    member = add_member(council)
    listing = make_listing(organisation=council, publish=False)

    response = client_as(member).post(f"/api/v1/listings/{listing.pk}/close/")

    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "status": 409,
            "code": "invalid_state",
            "message": "A draft listing cannot be closed.",
        }
    }
    assert Listing.objects.get(pk=listing.pk).status == "draft"


def test_error_415_for_an_unsupported_media_type(client_as, council):
    response = client_as(add_member(council)).post(
        "/api/v1/listings/", data="title=x", content_type="text/plain"
    )

    assert response.status_code == 415
    assert response.json() == {
        "error": {
            "status": 415,
            "code": "unsupported_media_type",
            "message": 'Unsupported media type "text/plain" in request.',
        }
    }


def test_error_400_for_nul_characters_in_a_body_or_a_query(client_as, council):
    client = client_as(add_member(council))

    body = client.post("/api/v1/listings/", {"organisation": "a\x00b", "title": "T"})
    query = client.get("/api/v1/listings/", {"tag": "bins\x00"})

    assert (body.status_code, query.status_code) == (400, 400)
    assert body.json()["error"]["fields"] == {"organisation": ["Null characters are not allowed."]}
    assert query.json()["error"]["fields"] == {"tag": ["Null characters are not allowed."]}
