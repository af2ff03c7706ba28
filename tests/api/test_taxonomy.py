import pytest

from exchange.models import Need, NeedArea
from exchange.services import tag_merge
from tests.factories.exchange import NeedAreaFactory, NeedFactory, UserFactory, add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def test_tag_list_shows_tags_of_visible_listings_with_counts(api_client, council):
    make_listing(organisation=council, title="One", tag_names=["waste", "sensors"])
    make_listing(organisation=council, title="Two", tag_names=["waste"])
    make_listing(organisation=council, title="Draft", tag_names=["secret-draft"], publish=False)
    make_listing(organisation=council, title="Members", tag_names=["insider"], visibility="members")

    response = api_client.get("/api/v1/tags/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"slug": "sensors", "name": "sensors", "listing_count": 1},
        {"slug": "waste", "name": "waste", "listing_count": 2},
    ]


def test_tag_list_shows_draft_tags_to_owner_members(client_as, council):
    make_listing(organisation=council, title="Draft", tag_names=["secret-draft"], publish=False)

    response = client_as(add_member(council)).get("/api/v1/tags/")

    assert [tag["slug"] for tag in response.json()["results"]] == ["secret-draft"]


def test_tag_list_hides_merged_tags(api_client, council):
    listing = make_listing(organisation=council, tag_names=["bins", "waste"])
    staff = UserFactory(is_staff=True)
    tag_merge(
        actor=staff, source=listing.tags.get(slug="bins"), target=listing.tags.get(slug="waste")
    )

    response = api_client.get("/api/v1/tags/")

    assert response.json()["results"] == [{"slug": "waste", "name": "waste", "listing_count": 1}]


def test_tag_list_orders_by_listing_count(api_client, council):
    make_listing(organisation=council, title="One", tag_names=["alpha", "beta"])
    make_listing(organisation=council, title="Two", tag_names=["beta"])

    response = api_client.get("/api/v1/tags/?ordering=-listing_count")

    assert [tag["slug"] for tag in response.json()["results"]] == ["beta", "alpha"]


def test_tag_detail_of_a_private_tag_is_404(api_client, council):
    make_listing(organisation=council, tag_names=["secret-draft"], publish=False)

    response = api_client.get("/api/v1/tags/secret-draft/")

    assert response.status_code == 404


def test_need_detail_nests_its_area(api_client):
    area = NeedAreaFactory(name="Highways", slug="highways")
    need = NeedFactory(area=area, name="Potholes", slug="potholes", description="Fix them.")

    response = api_client.get(f"/api/v1/needs/{need.slug}/")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "potholes",
        "name": "Potholes",
        "description": "Fix them.",
        "area": {"slug": "highways", "name": "Highways"},
    }


def test_need_list_filters_by_area(api_client):
    area = NeedAreaFactory()
    first = NeedFactory(area=area, name="B need", position=1)
    second = NeedFactory(area=area, name="A need", position=2)

    response = api_client.get(f"/api/v1/needs/?area={area.slug}")

    assert [need["slug"] for need in response.json()["results"]] == [first.slug, second.slug]


def test_need_list_covers_the_shipped_vocabulary(api_client):
    response = api_client.get("/api/v1/needs/?page_size=1")

    assert response.json()["count"] == Need.objects.count()


def test_need_area_detail_lists_its_needs_in_order(api_client):
    area = NeedAreaFactory(name="Libraries", slug="libraries")
    NeedFactory(area=area, name="Late opening", slug="late-opening", position=2)
    NeedFactory(area=area, name="E-books", slug="e-books", position=1)

    response = api_client.get("/api/v1/need-areas/libraries/")

    assert response.json() == {
        "slug": "libraries",
        "name": "Libraries",
        "needs": [
            {"slug": "e-books", "name": "E-books", "description": ""},
            {"slug": "late-opening", "name": "Late opening", "description": ""},
        ],
    }


def test_need_area_list_covers_the_shipped_vocabulary(api_client):
    response = api_client.get("/api/v1/need-areas/")

    assert response.json()["count"] == NeedArea.objects.count()
