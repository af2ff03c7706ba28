"""List endpoints run a fixed number of queries whatever the page holds (no N+1).

Each endpoint is run with 1 and with 3 items against the same constant.
"""

import pytest

from exchange.enums import OrganisationKind
from tests.factories.exchange import NeedAreaFactory, NeedFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

# page, tags, needs, need areas (cursor pagination: no count)
LISTINGS_ANONYMOUS_QUERIES = 4
# + the requester's memberships, + shared_with (shown to owner members)
LISTINGS_MEMBER_QUERIES = 6
# page (cursor pagination: no count)
ORGANISATIONS_QUERIES = 1
TAGS_QUERIES = 2
# the ?area= choice, count, page (with areas joined)
NEEDS_QUERIES = 3
# count, page, needs
NEED_AREAS_QUERIES = 3


def _listings(organisation, n, *, shared):
    """``n`` listings, each with tags and a need; shared with a partner or public."""
    area = NeedAreaFactory()
    partner = make_organisation(name="Partner", kind=OrganisationKind.SUPPLIER)
    for i in range(n):
        make_listing(
            organisation=organisation,
            title=f"Listing {i}",
            tag_names=[f"tag {i}", "common"],
            needs=[NeedFactory(area=area)],
            visibility="shared" if shared else "public",
            shared_with=[partner] if shared else [],
        )


@pytest.mark.parametrize("n", [1, 3])
def test_listing_list_query_count_is_constant_for_anonymous(
    api_client, django_assert_num_queries, council, n
):
    _listings(council, n, shared=False)

    with django_assert_num_queries(LISTINGS_ANONYMOUS_QUERIES):
        response = api_client.get("/api/v1/listings/")

    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_listing_list_query_count_is_constant_for_members(
    client_as, django_assert_num_queries, council, n
):
    _listings(council, n, shared=True)
    client = client_as(add_member(council))

    with django_assert_num_queries(LISTINGS_MEMBER_QUERIES):
        response = client.get("/api/v1/listings/")

    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_organisation_list_query_count_is_constant(api_client, django_assert_num_queries, n):
    for i in range(n):
        make_organisation(name=f"Organisation {i}")

    with django_assert_num_queries(ORGANISATIONS_QUERIES):
        response = api_client.get("/api/v1/organisations/")

    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_tag_list_query_count_is_constant(api_client, django_assert_num_queries, council, n):
    make_listing(organisation=council, tag_names=[f"tag {i}" for i in range(n)])

    with django_assert_num_queries(TAGS_QUERIES):
        response = api_client.get("/api/v1/tags/")

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_need_list_query_count_is_constant(api_client, django_assert_num_queries, n):
    area = NeedAreaFactory()
    NeedFactory.create_batch(n, area=area)

    with django_assert_num_queries(NEEDS_QUERIES):
        response = api_client.get(f"/api/v1/needs/?area={area.slug}")

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_need_area_list_query_count_is_constant(api_client, django_assert_num_queries, n):
    with django_assert_num_queries(NEED_AREAS_QUERIES):
        response = api_client.get(f"/api/v1/need-areas/?page_size={n}")

    assert len(response.json()["results"]) == n
