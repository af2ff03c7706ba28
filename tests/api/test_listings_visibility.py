import pytest
from rest_framework.fields import DateTimeField

from tests.factories.exchange import NeedAreaFactory, NeedFactory, add_member
from tests.factories.listings import make_listing

EXPECTED_VISIBLE = {
    "anonymous": {"public", "closed"},
    "loner": {"public", "closed"},
    "owner_member": {"public", "members", "shared", "draft", "closed", "archived"},
    "partner_member": {"public", "members", "shared", "closed"},
    "other_member": {"public", "members", "closed"},
    "staff": {"public", "members", "shared", "draft", "closed", "archived"},
}
ALL_LISTINGS = ("public", "members", "shared", "draft", "closed", "archived")


@pytest.mark.parametrize("requester", sorted(EXPECTED_VISIBLE))
def test_listing_list_shows_exactly_what_the_requester_may_see(world, client_as, requester):
    client = client_as(world.people[requester])

    response = client.get("/api/v1/listings/")

    assert response.status_code == 200
    body = response.json()
    expected_ids = {world.listings[name].pk for name in EXPECTED_VISIBLE[requester]}
    assert sorted(item["id"] for item in body["results"]) == sorted(expected_ids)
    assert body["next"] is None  # one cursor page holds them all


VISIBLE_PAIRS = [
    (requester, listing)
    for requester in sorted(EXPECTED_VISIBLE)
    for listing in ALL_LISTINGS
    if listing in EXPECTED_VISIBLE[requester]
]
HIDDEN_PAIRS = [
    (requester, listing)
    for requester in sorted(EXPECTED_VISIBLE)
    for listing in ALL_LISTINGS
    if listing not in EXPECTED_VISIBLE[requester]
]


@pytest.mark.parametrize(("requester", "listing"), VISIBLE_PAIRS)
def test_listing_detail_within_visibility_is_200(world, client_as, requester, listing):
    client = client_as(world.people[requester])
    listing_id = world.listings[listing].pk

    response = client.get(f"/api/v1/listings/{listing_id}/")

    assert response.status_code == 200
    assert response.json()["id"] == listing_id


@pytest.mark.parametrize(("requester", "listing"), HIDDEN_PAIRS)
def test_listing_detail_outside_visibility_is_404(world, client_as, requester, listing):
    client = client_as(world.people[requester])

    response = client.get(f"/api/v1/listings/{world.listings[listing].pk}/")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Not found."}
    }


def test_listing_shared_with_is_shown_to_owner_members(world, client_as):
    client = client_as(world.people["owner_member"])

    response = client.get(f"/api/v1/listings/{world.listings['shared'].pk}/")

    assert response.json()["shared_with"] == [world.partner.slug]


@pytest.mark.parametrize("requester", ["partner_member", "anonymous"])
def test_listing_shared_with_is_empty_for_outsiders(world, client_as, requester):
    client = client_as(world.people[requester])
    listing = world.listings["shared" if requester == "partner_member" else "public"]

    response = client.get(f"/api/v1/listings/{listing.pk}/")

    assert response.json()["shared_with"] == []


def test_listing_detail_representation_is_complete(client_as, council, supplier):
    need = NeedFactory(
        name="Potholes", slug="potholes", area=NeedAreaFactory(name="Highways", slug="highways")
    )
    listing = make_listing(
        organisation=council,
        kind="request",
        title="Potholes reported by residents",
        summary="Find potholes before they grow.",
        body="See <script>x</script> [map](https://example.org)",
        tag_names=["Roads"],
        needs=[need],
        budget_pence=900_000,
        region="london",
        visibility="shared",
        shared_with=[supplier],
        video_url="https://video.example.org/1",
    )
    client = client_as(add_member(council))

    response = client.get(f"/api/v1/listings/{listing.pk}/")

    listing.refresh_from_db()
    as_json = DateTimeField().to_representation
    assert response.json() == {
        "id": listing.pk,
        "url": f"http://testserver/api/v1/listings/{listing.pk}/",
        "kind": "request",
        "title": "Potholes reported by residents",
        "slug": "potholes-reported-by-residents",
        "summary": "Find potholes before they grow.",
        "body": "See <script>x</script> [map](https://example.org)",
        "body_html": '<p>See  <a href="https://example.org" rel="nofollow noopener noreferrer">'
        "map</a></p>",
        "organisation": {"slug": council.slug, "name": council.name, "kind": "council"},
        "tags": ["roads"],
        "needs": [
            {
                "slug": "potholes",
                "name": "Potholes",
                "area": {"slug": "highways", "name": "Highways"},
            }
        ],
        "price_model": "free",
        "price_pence": None,
        "budget_pence": 900_000,
        "region": "london",
        "status": "published",
        "visibility": "shared",
        "shared_with": [supplier.slug],
        "video_url": "https://video.example.org/1",
        "website_url": "",
        "interest_count": 0,
        "created_at": as_json(listing.created_at),
        "updated_at": as_json(listing.updated_at),
        "published_at": as_json(listing.published_at),
    }


def test_listing_detail_shows_the_demand_count(api_client, council):
    from listings import workflows
    from tests.factories.exchange import make_organisation
    from tests.factories.listings import make_request

    request = make_request(organisation=council)
    for name in ("Eastshire Council", "Westshire Council"):
        other = make_organisation(name=name, kind="council")
        workflows.interest_register(
            actor=other.memberships.get().user, listing=request, organisation=other
        )

    response = api_client.get(f"/api/v1/listings/{request.pk}/")

    assert response.json()["interest_count"] == 2
