import pytest

from tests.factories.exchange import NeedAreaFactory, NeedFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200
    return [item["id"] for item in response.json()["results"]]


def test_listing_filter_by_kind(api_client, council):
    request = make_listing(organisation=council, kind="request", title="Need")
    make_listing(organisation=council, kind="product", title="Offer")

    response = api_client.get("/api/v1/listings/?kind=request")

    assert _ids(response) == [request.pk]


def test_listing_filter_by_status(client_as, world):
    response = client_as(world.people["owner_member"]).get("/api/v1/listings/?status=draft")

    assert _ids(response) == [world.listings["draft"].pk]


def test_listing_filter_by_need_and_need_area_counts_each_listing_once(api_client, council):
    area = NeedAreaFactory()
    first_need, second_need = NeedFactory(area=area), NeedFactory(area=area)
    both = make_listing(organisation=council, title="Both", needs=[first_need, second_need])
    make_listing(organisation=council, title="None")

    by_need = api_client.get(f"/api/v1/listings/?need={second_need.slug}")
    by_area = api_client.get(f"/api/v1/listings/?need_area={area.slug}")

    assert _ids(by_need) == [both.pk]
    assert _ids(by_area) == [both.pk]
    assert len(by_area.json()["results"]) == 1


def test_listing_filter_by_tag(api_client, council):
    tagged = make_listing(organisation=council, title="Tagged", tag_names=["Smart Bins"])
    make_listing(organisation=council, title="Untagged")

    response = api_client.get("/api/v1/listings/?tag=smart-bins")

    assert _ids(response) == [tagged.pk]


def test_listing_filter_by_organisation_and_kind_of_organisation(api_client, council, supplier):
    ours = make_listing(organisation=council, title="Ours")
    theirs = make_listing(organisation=supplier, title="Theirs")

    by_slug = api_client.get(f"/api/v1/listings/?organisation={supplier.slug}")
    by_kind = api_client.get("/api/v1/listings/?organisation_kind=council")

    assert _ids(by_slug) == [theirs.pk]
    assert _ids(by_kind) == [ours.pk]


def test_listing_filter_by_region(api_client, council):
    london = make_listing(organisation=council, title="London", region="london")
    make_listing(organisation=council, title="Wales", region="wales")

    response = api_client.get("/api/v1/listings/?region=london")

    assert _ids(response) == [london.pk]


def test_listing_filter_by_price(api_client, council):
    free = make_listing(organisation=council, title="Free")
    paid = make_listing(organisation=council, title="Paid", price_model="fixed", price_pence=50_000)
    quote = make_listing(organisation=council, title="Quote", price_model="quote")

    free_response = api_client.get("/api/v1/listings/?price=free")
    paid_response = api_client.get("/api/v1/listings/?price=paid&ordering=id")

    assert _ids(free_response) == [free.pk]
    assert _ids(paid_response) == [paid.pk, quote.pk]


def test_listing_ordering_by_title(api_client, council):
    beta = make_listing(organisation=council, title="Beta")
    alpha = make_listing(organisation=council, title="Alpha")

    ascending = api_client.get("/api/v1/listings/?ordering=title")
    descending = api_client.get("/api/v1/listings/?ordering=-title")

    assert _ids(ascending) == [alpha.pk, beta.pk]
    assert _ids(descending) == [beta.pk, alpha.pk]


def test_listing_default_order_is_newest_published_first(api_client, council):
    older = make_listing(organisation=council, title="Older")
    newer = make_listing(organisation=council, title="Newer")

    response = api_client.get("/api/v1/listings/")

    assert _ids(response) == [newer.pk, older.pk]


def test_listing_filter_with_unknown_slug_is_400(api_client):
    response = api_client.get("/api/v1/listings/?need=no-such-need")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "need: Select a valid choice. That choice is not one of the available "
            "choices.",
            "fields": {
                "need": ["Select a valid choice. That choice is not one of the available choices."]
            },
        }
    }


def test_listing_filter_with_bad_choice_is_400(api_client):
    response = api_client.get("/api/v1/listings/?price=cheap")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "price": ["Select a valid choice. cheap is not one of the available choices."]
    }


def test_listing_filter_by_a_tag_only_on_private_listings_is_unknown_to_outsiders(
    client_as, council
):
    make_listing(organisation=council, title="Secret", tag_names=["project-x"], publish=False)
    outsider = add_member(make_organisation(name="Curious Ltd", kind="supplier"))

    outsider_response = client_as(outsider).get("/api/v1/listings/?tag=project-x")
    unknown_response = client_as(outsider).get("/api/v1/listings/?tag=never-existed")

    assert outsider_response.status_code == 400
    assert outsider_response.json() == unknown_response.json()


def test_listing_filter_by_a_tag_of_own_draft_works_for_members(client_as, council):
    draft = make_listing(
        organisation=council, title="Secret", tag_names=["project-x"], publish=False
    )

    response = client_as(add_member(council)).get("/api/v1/listings/?tag=project-x")

    assert _ids(response) == [draft.pk]
