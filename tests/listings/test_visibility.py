"""The visibility matrix: listing visibility × who is asking, for the query and the pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from listings.enums import Visibility
from listings.queries import listings_visible_to
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner = make_organisation(name="Owner Ltd", kind="supplier")
    partner = make_organisation(name="Partner Council", kind="council")
    other = make_organisation(name="Other Council", kind="council")
    listings = {
        "public": make_listing(organisation=owner, title="Public offer"),
        "members": make_listing(
            organisation=owner, title="Members offer", visibility=Visibility.MEMBERS
        ),
        "shared": make_listing(
            organisation=owner,
            title="Shared offer",
            visibility=Visibility.SHARED,
            shared_with=[partner],
        ),
        "draft": make_listing(organisation=owner, title="Draft offer", publish=False),
    }
    people = {
        "anonymous": None,
        "owner member": add_member(owner),
        "shared member": add_member(partner),
        "other member": add_member(other),
        "no organisation": UserFactory(),
    }
    return listings, people


EXPECTED = {
    "anonymous": {"public"},
    "no organisation": {"public"},
    "owner member": {"public", "members", "shared", "draft"},
    "shared member": {"public", "members", "shared"},
    "other member": {"public", "members"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_listings_visible_to_matrix(world, who):
    listings, people = world
    user = people[who] or AnonymousUser()

    visible = set(listings_visible_to(user).values_list("title", flat=True))

    assert visible == {listings[k].title for k in EXPECTED[who]}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_listing_detail_page_matrix(world, who, client):
    listings, people = world
    if people[who]:
        client.force_login(people[who])

    codes = {key: client.get(obj.get_absolute_url()).status_code for key, obj in listings.items()}

    assert codes == {key: 200 if key in EXPECTED[who] else 404 for key in listings}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_browse_page_matrix(world, who, client):
    listings, people = world
    if people[who]:
        client.force_login(people[who])

    response = client.get(reverse("listing-browse"))

    shown = {item.title for item in response.context["result"].listings}
    # Browse shows published listings only, drafts stay on the dashboard.
    assert shown == {listings[k].title for k in EXPECTED[who] - {"draft"}}


def test_shared_listing_not_duplicated_for_member_of_two_shared_organisations():
    a = make_organisation(kind="council")
    b = make_organisation(kind="council")
    person = add_member(a)
    add_member(b, person)
    listing = make_listing(title="Twice shared", visibility=Visibility.SHARED, shared_with=[a, b])

    titles = list(listings_visible_to(person).filter(pk=listing.pk).values_list("title", flat=True))

    assert titles == ["Twice shared"]


def test_superuser_sees_everything(world):
    listings, _ = world
    staff = UserFactory(is_staff=True, is_superuser=True)

    assert listings_visible_to(staff).count() == len(listings)


def test_organisation_page_shows_only_visible_listings(world, client):
    listings, people = world
    client.force_login(people["other member"])
    owner = listings["public"].organisation

    response = client.get(reverse("organisation-detail", kwargs={"slug": owner.slug}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Public offer" in content
    assert "Members offer" in content
    assert "Shared offer" not in content
    assert "Draft offer" not in content
