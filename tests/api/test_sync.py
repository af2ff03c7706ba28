"""Incremental sync: ``modified_since`` on collections, cursor pages, ETag / If-None-Match,
Last-Modified and If-Match on detail endpoints."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.http import http_date

from exchange.models import Organisation
from listings.models import Listing
from tests.factories.exchange import add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

OLD = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
NEW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _age(listing, when):
    Listing.objects.filter(pk=listing.pk).update(updated_at=when)


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- modified_since --------------------------------------------------------------------------


def test_modified_since_returns_only_rows_changed_at_or_after_it(api_client, council):
    old, edge, new = (make_listing(organisation=council, title=t) for t in ("Old", "Edge", "New"))
    _age(old, OLD)
    _age(edge, NEW)
    _age(new, NEW + timedelta(days=1))

    response = api_client.get("/api/v1/listings/", {"modified_since": "2026-03-01T09:00:00Z"})

    assert sorted(_ids(response)) == sorted([edge.pk, new.pk])


def test_modified_since_without_offset_means_utc_and_accepts_an_offset(api_client, council):
    listing = make_listing(organisation=council)
    _age(listing, NEW)

    naive = api_client.get("/api/v1/listings/", {"modified_since": "2026-03-01T09:00:01"})
    offset = api_client.get("/api/v1/listings/", {"modified_since": "2026-03-01T10:00:00+01:00"})

    assert (_ids(naive), _ids(offset)) == ([], [listing.pk])


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", "", "1"])
def test_modified_since_invalid_is_400_naming_the_parameter(api_client, council, value):
    make_listing(organisation=council)

    response = api_client.get("/api/v1/listings/", {"modified_since": value})

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "modified_since: Enter an ISO 8601 date and time, e.g. "
            "2026-01-31T09:00:00Z (without an offset, UTC is assumed).",
            "fields": {
                "modified_since": [
                    "Enter an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z "
                    "(without an offset, UTC is assumed)."
                ]
            },
        }
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [("9419-12-06T01:08:17+20:45", []), ("0001-01-01T00:00:00+01:00", None)],
)
def test_modified_since_extreme_offsets_are_utc_or_400(api_client, council, value, expected):
    make_listing(organisation=council)

    response = api_client.get("/api/v1/listings/", {"modified_since": value})

    if expected is None:
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "modified_since": ["This date and time is out of range."]
        }
    else:
        assert _ids(response) == expected


def test_modified_since_with_search_is_400(api_client, council):
    make_listing(organisation=council, title="Smart bins")

    response = api_client.get("/api/v1/listings/", {"q": "bins", "modified_since": "2026-01-01"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "modified_since": ["Not with q: sync through the plain list (without q)."]
    }


def test_modified_since_is_ignored_on_a_detail_url(api_client, council):
    listing = make_listing(organisation=council)
    _age(listing, OLD)

    response = api_client.get(f"/api/v1/listings/{listing.pk}/", {"modified_since": "2026-06-01"})

    assert response.status_code == 200


def test_modified_since_on_questions_counts_a_later_answer(client_as, council, supplier):
    from listings import workflows
    from listings.models import Answer, Question

    listing = make_listing(organisation=council)
    asker = add_member(supplier)
    question = workflows.question_ask(actor=asker, listing=listing, text="Does it scale?")
    Question.objects.filter(pk=question.pk).update(created_at=OLD)
    workflows.question_answer(actor=council.memberships.get().user, question=question, body="Yes.")
    Question.objects.filter(pk=question.pk).update(closed_at=OLD)
    Answer.objects.filter(question=question).update(created_at=NEW)

    before = client_as(asker).get("/api/v1/questions/", {"modified_since": "2026-02-01T00:00Z"})
    after = client_as(asker).get("/api/v1/questions/", {"modified_since": "2026-04-01T00:00Z"})

    assert (_ids(before), _ids(after)) == ([question.pk], [])


def test_every_collection_documents_modified_since(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    def paginated(operation):
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"].get("$ref")
        return bool(ref) and ref.split("/")[-1].startswith("Paginated")

    lists = {
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path and paginated(operations["get"])
    }
    documented = {
        path
        for path in lists
        if any(p["name"] == "modified_since" for p in schema["paths"][path]["get"]["parameters"])
    }
    assert sorted(lists - documented) == []
    assert "/api/v1/listings/" in documented


# --- cursor pagination -----------------------------------------------------------------------


def test_cursor_pages_cover_every_listing_exactly_once(api_client, council):
    made = [make_listing(organisation=council, title=f"Listing {i}") for i in range(7)]
    # Ties on the ordering column must not lose or repeat rows.
    Listing.objects.filter(pk__in=[made[2].pk, made[3].pk, made[4].pk]).update(published_at=NEW)

    seen, url, pages = [], "/api/v1/listings/?page_size=3", 0
    while url:
        body = api_client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1

    assert pages == 3
    assert sorted(seen) == sorted(listing.pk for listing in made)
    assert len(seen) == len(set(seen))


def test_cursor_pages_with_drafts_ordered_by_published_at(client_as, council):
    published = [make_listing(organisation=council, title=f"P{i}") for i in range(3)]
    drafts = [make_listing(organisation=council, title=f"D{i}", publish=False) for i in range(2)]
    client = client_as(add_member(council))

    seen, url = [], "/api/v1/listings/?page_size=2&ordering=published_at"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    assert sorted(seen) == sorted(listing.pk for listing in published + drafts)


def test_cursor_previous_link_returns_the_first_page(api_client):
    for i in range(5):
        make_organisation(name=f"Organisation {i}")

    first = api_client.get("/api/v1/organisations/?page_size=2").json()
    second = api_client.get(first["next"]).json()
    back = api_client.get(second["previous"]).json()

    assert [o["slug"] for o in back["results"]] == [o["slug"] for o in first["results"]]
    assert [o["name"] for o in first["results"] + second["results"]] == [
        "Organisation 0",
        "Organisation 1",
        "Organisation 2",
        "Organisation 3",
    ]
    assert sorted(first) == ["next", "previous", "results"]


def test_cursor_collection_refuses_page_numbers(api_client):
    response = api_client.get("/api/v1/organisations/?page=2")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "page": ["This collection uses cursor pagination: follow the 'next' link."]
    }


@pytest.mark.parametrize(
    ("ordering", "cursor"),
    [("", "not-base64!"), ("", "cD1ub3QtYS1kYXRl"), ("id", "cD1hYmM=")],
)
def test_cursor_hand_made_is_404_in_the_error_shape(api_client, council, ordering, cursor):
    # "cD1ub3QtYS1kYXRl" is p=not-a-date; "cD1hYmM=" is p=abc against the integer id.
    make_listing(organisation=council)

    response = api_client.get("/api/v1/listings/", {"cursor": cursor, "ordering": ordering})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_search_keeps_page_numbers(api_client, council):
    make_listing(organisation=council, title="Smart bins")

    body = api_client.get("/api/v1/listings/", {"q": "bins", "page": 1}).json()

    assert (body["count"], body["next"], body["previous"]) == (1, None, None)


# --- ETag, Last-Modified, If-None-Match, If-Match ----------------------------------------------


def test_detail_carries_etag_and_last_modified(api_client, council):
    listing = make_listing(organisation=council)
    _age(listing, NEW)

    response = api_client.get(f"/api/v1/listings/{listing.pk}/")

    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert len(response["ETag"]) == 36
    assert response["Last-Modified"] == "Sun, 01 Mar 2026 09:00:00 GMT"


def test_if_none_match_with_the_current_etag_is_304(api_client, council):
    listing = make_listing(organisation=council)
    etag = api_client.get(f"/api/v1/listings/{listing.pk}/")["ETag"]

    response = api_client.get(f"/api/v1/listings/{listing.pk}/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_none_match_with_a_stale_etag_is_200(api_client, council):
    listing = make_listing(organisation=council, title="Before")
    stale = api_client.get(f"/api/v1/listings/{listing.pk}/")["ETag"]
    Listing.objects.filter(pk=listing.pk).update(title="After")

    response = api_client.get(f"/api/v1/listings/{listing.pk}/", HTTP_IF_NONE_MATCH=stale)

    assert response.status_code == 200
    assert response.json()["title"] == "After"
    assert response["ETag"] != stale


def test_if_modified_since_is_304_when_unchanged_and_200_after(api_client, council):
    listing = make_listing(organisation=council)
    _age(listing, NEW)
    url = f"/api/v1/listings/{listing.pk}/"

    same = api_client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(NEW.timestamp()))
    earlier = api_client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(OLD.timestamp()))

    assert (same.status_code, earlier.status_code) == (304, 200)


def test_etag_differs_between_people_who_see_different_fields(client_as, council, supplier):
    listing = make_listing(organisation=council, visibility="shared", shared_with=[supplier])
    url = f"/api/v1/listings/{listing.pk}/"

    owner = client_as(add_member(council)).get(url)
    partner = client_as(add_member(supplier)).get(url)

    assert (owner.json()["shared_with"], partner.json()["shared_with"]) == ([supplier.slug], [])
    assert owner["ETag"] != partner["ETag"]


def test_if_match_stale_write_is_412_and_changes_nothing(client_as, council):
    listing = make_listing(organisation=council, title="Before", publish=False)
    client = client_as(add_member(council))
    stale = client.get(f"/api/v1/listings/{listing.pk}/")["ETag"]
    Listing.objects.filter(pk=listing.pk).update(summary="Someone else's edit")

    response = client.patch(
        f"/api/v1/listings/{listing.pk}/", {"title": "Mine"}, HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert response.json() == {
        "error": {
            "status": 412,
            "code": "precondition_failed",
            "message": "The object has changed since you read it (If-Match did not match).",
        }
    }
    assert Listing.objects.get(pk=listing.pk).title == "Before"


def test_if_match_current_write_succeeds(client_as, council):
    listing = make_listing(organisation=council, title="Before", publish=False)
    client = client_as(add_member(council))
    current = client.get(f"/api/v1/listings/{listing.pk}/")["ETag"]

    response = client.patch(
        f"/api/v1/listings/{listing.pk}/", {"title": "Mine"}, HTTP_IF_MATCH=current
    )

    assert response.status_code == 200
    assert Listing.objects.get(pk=listing.pk).title == "Mine"


def test_organisation_detail_304_and_event_detail_etag(api_client, council):
    from tests.factories.events import make_event

    event = make_event(organisation=council)
    org_url = f"/api/v1/organisations/{council.slug}/"
    Organisation.objects.filter(pk=council.pk).update(updated_at=NEW)
    org_tag = api_client.get(org_url)["ETag"]
    event_first = api_client.get(f"/api/v1/events/{event.pk}/")

    assert api_client.get(org_url, HTTP_IF_NONE_MATCH=org_tag).status_code == 304
    assert api_client.get(org_url)["Last-Modified"] == "Sun, 01 Mar 2026 09:00:00 GMT"
    assert (
        api_client.get(
            f"/api/v1/events/{event.pk}/", HTTP_IF_NONE_MATCH=event_first["ETag"]
        ).status_code
        == 304
    )
