import pytest

from tests.factories.exchange import add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def test_browsable_api_renders_listing_pages_with_forms(client_as, council):
    listing = make_listing(organisation=council, tag_names=["waste"], visibility="members")
    client = client_as(add_member(council))

    list_page = client.get("/api/v1/listings/", HTTP_ACCEPT="text/html")
    detail_page = client.get(f"/api/v1/listings/{listing.pk}/", HTTP_ACCEPT="text/html")

    assert (list_page.status_code, detail_page.status_code) == (200, 200)
    assert 'name="organisation"' in list_page.content.decode()
    assert 'data-method="PUT"' in detail_page.content.decode()


def test_browsable_api_renders_organisation_page(client_as, council):
    admin = council.memberships.get().user

    response = client_as(admin).get(
        f"/api/v1/organisations/{council.slug}/", HTTP_ACCEPT="text/html"
    )

    assert response.status_code == 200
    assert 'data-method="PATCH"' in response.content.decode()


def test_options_describes_the_create_input(client_as, council):
    response = client_as(add_member(council)).options("/api/v1/listings/")

    assert response.status_code == 200
    assert list(response.json()["actions"]["POST"]) == [
        "organisation",
        "kind",
        "title",
        "summary",
        "body",
        "tags",
        "needs",
        "price_model",
        "price_pence",
        "budget_pence",
        "region",
        "visibility",
        "shared_with",
        "video_url",
        "website_url",
    ]


def test_api_root_lists_the_resources(api_client):
    response = api_client.get("/api/v1/")

    assert response.json() == {
        "organisations": "http://testserver/api/v1/organisations/",
        "listings": "http://testserver/api/v1/listings/",
        "tags": "http://testserver/api/v1/tags/",
        "needs": "http://testserver/api/v1/needs/",
        "need-areas": "http://testserver/api/v1/need-areas/",
        "saved-searches": "http://testserver/api/v1/saved-searches/",
        "events": "http://testserver/api/v1/events/",
        "bookings": "http://testserver/api/v1/bookings/",
        "waitlist": "http://testserver/api/v1/waitlist/",
        "notifications": "http://testserver/api/v1/notifications/",
        "session-rooms": "http://testserver/api/v1/session-rooms/",
        "session-slots": "http://testserver/api/v1/session-slots/",
        "sessions": "http://testserver/api/v1/sessions/",
        "interests": "http://testserver/api/v1/interests/",
        "co-owners": "http://testserver/api/v1/co-owners/",
        "responses": "http://testserver/api/v1/responses/",
        "questions": "http://testserver/api/v1/questions/",
        "follows": "http://testserver/api/v1/follows/",
        "shortlists": "http://testserver/api/v1/shortlists/",
        "pilots": "http://testserver/api/v1/pilots/",
        "case-studies": "http://testserver/api/v1/case-studies/",
        "trends": "http://testserver/api/v1/trends/",
        "calendar-feed": "http://testserver/api/v1/calendar-feed/",
        "pitch-applications": "http://testserver/api/v1/pitch-applications/",
        "meeting-slots": "http://testserver/api/v1/meeting-slots/",
        "meeting-requests": "http://testserver/api/v1/meeting-requests/",
        "webhooks": "http://testserver/api/v1/webhooks/",
        "recommendations": "http://testserver/api/v1/recommendations/",
    }
