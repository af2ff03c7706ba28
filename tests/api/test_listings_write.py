import pytest

from exchange.models import Need
from listings.enums import ListingStatus, Visibility
from listings.models import Listing
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

NOT_ALLOWED = {
    "error": {
        "status": 403,
        "code": "permission_denied",
        "message": "You do not have permission to perform this action.",
    }
}
NOT_AUTHENTICATED = {
    "error": {
        "status": 401,
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
    }
}
NOT_FOUND = {"error": {"status": 404, "code": "not_found", "message": "Not found."}}


def _snapshot(listing):
    listing.refresh_from_db()
    return (
        listing.title,
        listing.summary,
        listing.status,
        listing.visibility,
        listing.updated_at,
        sorted(listing.shared_with.values_list("slug", flat=True)),
    )


# --- create ---------------------------------------------------------------------------------


def test_listing_create_by_member_makes_a_draft(client_as, council):
    member = add_member(council)
    need = Need.objects.order_by("slug").first()
    payload = {
        "organisation": council.slug,
        "kind": "request",
        "title": "  Fewer missed bin collections  ",
        "summary": "We want to know when bins are missed before residents call.",
        "body": "Our **crews** cover 40 rounds.",
        "tags": ["Waste", "waste ", "Smart Bins"],
        "needs": [need.slug],
        "budget_pence": 2_500_000,
        "region": "north_west",
    }

    response = client_as(member).post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 201
    listing = Listing.objects.get()
    body = response.json()
    assert body["id"] == listing.pk
    assert response["Location"] == f"http://testserver/api/v1/listings/{listing.pk}/"
    assert (body["status"], body["title"], body["slug"]) == (
        "draft",
        "Fewer missed bin collections",
        "fewer-missed-bin-collections",
    )
    assert body["organisation"] == {"slug": council.slug, "name": council.name, "kind": "council"}
    assert body["tags"] == ["smart-bins", "waste"]
    assert body["needs"] == [
        {
            "slug": need.slug,
            "name": need.name,
            "area": {"slug": need.area.slug, "name": need.area.name},
        }
    ]
    assert body["body_html"] == "<p>Our <strong>crews</strong> cover 40 rounds.</p>"
    assert (listing.organisation, listing.author, listing.budget_pence) == (
        council,
        member,
        2_500_000,
    )


def test_listing_create_by_non_member_is_403_and_creates_nothing(client_as, council):
    outsider = add_member(make_organisation(name="Someone Else Ltd", kind="supplier"))
    payload = {"organisation": council.slug, "kind": "idea", "title": "Sneaky", "summary": "No."}

    response = client_as(outsider).post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "permission_denied",
            "message": "You can only create listings for your own organisation.",
        }
    }
    assert Listing.objects.count() == 0


def test_listing_create_by_anonymous_is_401_and_creates_nothing(api_client, council):
    payload = {"organisation": council.slug, "kind": "idea", "title": "Anon", "summary": "No."}

    response = api_client.post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == NOT_AUTHENTICATED
    assert Listing.objects.count() == 0


def test_listing_create_with_unknown_slugs_is_400(client_as, council):
    member = add_member(council)
    payload = {
        "organisation": "no-such-org",
        "kind": "idea",
        "title": "T",
        "summary": "S",
        "needs": ["no-such-need"],
    }

    response = client_as(member).post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "organisation: Object with slug=no-such-org does not exist.",
            "fields": {
                "organisation": ["Object with slug=no-such-org does not exist."],
                "needs": ["Unknown need: no-such-need."],
            },
        }
    }
    assert Listing.objects.count() == 0


def test_listing_create_with_a_priced_model_needs_a_price(client_as, council):
    member = add_member(council)
    payload = {
        "organisation": council.slug,
        "kind": "product",
        "title": "Bins",
        "summary": "Smart.",
        "price_model": "fixed",
    }

    response = client_as(member).post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "price_pence: Enter the price for this price model.",
            "fields": {"price_pence": ["Enter the price for this price model."]},
        }
    }
    assert Listing.objects.count() == 0


def test_listing_create_shared_without_organisations_is_400_and_rolled_back(client_as, council):
    member = add_member(council)
    payload = {
        "organisation": council.slug,
        "kind": "idea",
        "title": "Secret",
        "summary": "Shh.",
        "visibility": "shared",
    }

    response = client_as(member).post("/api/v1/listings/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "shared_with": ["Name at least one organisation to share this listing with."]
    }
    assert Listing.objects.count() == 0


# --- update ---------------------------------------------------------------------------------


def test_listing_patch_by_owner_member_changes_it(client_as, council):
    listing = make_listing(organisation=council, tag_names=["old"])
    member = add_member(council)

    response = client_as(member).patch(
        f"/api/v1/listings/{listing.pk}/",
        {
            "title": "Smarter bins",
            "tags": ["sensors"],
            "price_model": "fixed",
            "price_pence": 120_000,
        },
        format="json",
    )

    assert response.status_code == 200
    listing.refresh_from_db()
    assert (listing.title, listing.slug, listing.price_model, listing.price_pence) == (
        "Smarter bins",
        "smarter-bins",
        "fixed",
        120_000,
    )
    assert list(listing.tags.values_list("slug", flat=True)) == ["sensors"]
    assert (response.json()["title"], response.json()["tags"]) == ("Smarter bins", ["sensors"])


def test_listing_put_replaces_the_content(client_as, council):
    listing = make_listing(organisation=council, title="Old title")
    member = add_member(council)
    payload = {"kind": "service", "title": "New title", "summary": "New summary."}

    response = client_as(member).put(f"/api/v1/listings/{listing.pk}/", payload, format="json")

    assert response.status_code == 200
    listing.refresh_from_db()
    assert (listing.kind, listing.title, listing.summary) == (
        "service",
        "New title",
        "New summary.",
    )


def test_listing_put_without_required_fields_is_400(client_as, council):
    listing = make_listing(organisation=council)
    before = _snapshot(listing)

    response = client_as(add_member(council)).put(
        f"/api/v1/listings/{listing.pk}/", {"title": "Only a title"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "kind": ["This field is required."],
        "summary": ["This field is required."],
    }
    assert _snapshot(listing) == before


@pytest.mark.parametrize(
    ("listing_name", "requester"),
    [("public", "other_member"), ("members", "other_member"), ("shared", "partner_member")],
)
def test_listing_patch_by_other_organisation_is_403_and_unchanged(
    client_as, world, listing_name, requester
):
    listing = world.listings[listing_name]
    before = _snapshot(listing)

    response = client_as(world.people[requester]).patch(
        f"/api/v1/listings/{listing.pk}/", {"title": "Hijacked"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == NOT_ALLOWED
    assert _snapshot(listing) == before


def test_listing_patch_to_shared_without_organisations_is_400_and_rolled_back(client_as, council):
    listing = make_listing(organisation=council, title="Original")
    before = _snapshot(listing)

    response = client_as(add_member(council)).patch(
        f"/api/v1/listings/{listing.pk}/",
        {"title": "Changed", "visibility": "shared"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "shared_with: Name at least one organisation to share this listing with.",
            "fields": {
                "shared_with": ["Name at least one organisation to share this listing with."]
            },
        }
    }
    assert _snapshot(listing) == before


def test_listing_patch_by_anonymous_is_401_and_unchanged(api_client, council):
    listing = make_listing(organisation=council)
    before = _snapshot(listing)

    response = api_client.patch(f"/api/v1/listings/{listing.pk}/", {"title": "X"}, format="json")

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert _snapshot(listing) == before


def test_listing_patch_of_a_draft_of_another_organisation_is_404(client_as, council, supplier):
    listing = make_listing(organisation=council, publish=False)
    before = _snapshot(listing)

    response = client_as(add_member(supplier)).patch(
        f"/api/v1/listings/{listing.pk}/", {"title": "X"}, format="json"
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert _snapshot(listing) == before


def test_listing_patch_of_an_archived_listing_is_409(client_as, world):
    listing = world.listings["archived"]
    before = _snapshot(listing)

    response = client_as(world.people["owner_member"]).patch(
        f"/api/v1/listings/{listing.pk}/", {"title": "Revived"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "status": 409,
            "code": "invalid_state",
            "message": "An archived listing cannot be edited.",
        }
    }
    assert _snapshot(listing) == before


# --- status transitions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        ("draft", "publish", "published"),
        ("closed", "publish", "published"),
        ("public", "close", "closed"),
        ("draft", "archive", "archived"),
        ("public", "archive", "archived"),
        ("closed", "archive", "archived"),
    ],
)
def test_listing_transition_allowed(client_as, world, start, action, end):
    listing = world.listings[start]

    response = client_as(world.people["owner_member"]).post(
        f"/api/v1/listings/{listing.pk}/{action}/"
    )

    assert response.status_code == 200
    listing.refresh_from_db()
    assert (listing.status, response.json()["status"]) == (end, end)


@pytest.mark.parametrize(
    ("start", "action", "message"),
    [
        ("public", "publish", "A published listing cannot be published."),
        ("draft", "close", "A draft listing cannot be closed."),
        ("closed", "close", "A closed listing cannot be closed."),
        ("archived", "publish", "An archived listing cannot be published."),
        ("archived", "close", "An archived listing cannot be closed."),
        ("archived", "archive", "An archived listing cannot be archived."),
    ],
)
def test_listing_transition_refused_is_409(client_as, world, start, action, message):
    listing = world.listings[start]
    before = _snapshot(listing)

    response = client_as(world.people["owner_member"]).post(
        f"/api/v1/listings/{listing.pk}/{action}/"
    )

    assert response.status_code == 409
    assert response.json() == {
        "error": {"status": 409, "code": "invalid_state", "message": message}
    }
    assert _snapshot(listing) == before


@pytest.mark.parametrize("action", ["publish", "close", "archive"])
def test_listing_transition_by_another_organisation_is_403(client_as, world, action):
    listing = world.listings["members"]
    before = _snapshot(listing)

    response = client_as(world.people["other_member"]).post(
        f"/api/v1/listings/{listing.pk}/{action}/"
    )

    assert response.status_code == 403
    assert response.json() == NOT_ALLOWED
    assert _snapshot(listing) == before


def test_listing_transition_by_anonymous_is_401(api_client, world):
    listing = world.listings["draft"]

    response = api_client.post(f"/api/v1/listings/{listing.pk}/publish/")

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.DRAFT


def test_listing_publish_of_an_invisible_draft_is_404(client_as, world):
    listing = world.listings["draft"]

    response = client_as(world.people["partner_member"]).post(
        f"/api/v1/listings/{listing.pk}/publish/"
    )

    assert response.status_code == 404
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.DRAFT


# --- share ----------------------------------------------------------------------------------


def test_listing_share_restricts_it_to_the_named_organisations(client_as, world):
    listing = world.listings["public"]

    response = client_as(world.people["owner_member"]).post(
        f"/api/v1/listings/{listing.pk}/share/",
        {"shared_with": [world.other.slug, world.partner.slug]},
        format="json",
    )

    assert response.status_code == 200
    listing.refresh_from_db()
    assert listing.visibility == Visibility.SHARED
    expected = sorted([world.other.slug, world.partner.slug])
    assert sorted(listing.shared_with.values_list("slug", flat=True)) == expected
    assert sorted(response.json()["shared_with"]) == expected


def test_listing_share_with_unknown_organisation_is_400_and_unchanged(client_as, world):
    listing = world.listings["public"]
    before = _snapshot(listing)

    response = client_as(world.people["owner_member"]).post(
        f"/api/v1/listings/{listing.pk}/share/", {"shared_with": ["nobody"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "shared_with: Unknown organisation: nobody.",
            "fields": {"shared_with": ["Unknown organisation: nobody."]},
        }
    }
    assert _snapshot(listing) == before


def test_listing_share_by_another_organisation_is_403_and_unchanged(client_as, world):
    listing = world.listings["public"]
    before = _snapshot(listing)

    response = client_as(world.people["other_member"]).post(
        f"/api/v1/listings/{listing.pk}/share/",
        {"shared_with": [world.other.slug]},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == NOT_ALLOWED
    assert _snapshot(listing) == before


def test_listing_write_by_staff_without_membership_is_allowed(client_as, world):
    staff = UserFactory(is_superuser=True, is_staff=True)
    listing = world.listings["public"]

    response = client_as(staff).post(f"/api/v1/listings/{listing.pk}/close/")

    assert response.status_code == 200
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.CLOSED
