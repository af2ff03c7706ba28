from types import SimpleNamespace

import pytest

from listings import services as listing_services
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing


@pytest.fixture
def world(db):
    """One owner organisation with a listing of every visibility and status, and people.

    ``partner`` is the organisation the "shared" listing is shared with; ``other`` is an
    unrelated organisation; ``loner`` is signed in but belongs to no organisation; ``staff`` is
    a superuser.
    """
    owner = make_organisation(name="Northshire County Council", kind="council")
    partner = make_organisation(name="Brightbin Ltd", kind="supplier")
    other = make_organisation(name="Riverside Trust", kind="third_sector")
    author = owner.memberships.get().user
    listings = {
        "public": make_listing(organisation=owner, title="Public listing"),
        "members": make_listing(organisation=owner, title="Members listing", visibility="members"),
        "shared": make_listing(
            organisation=owner, title="Shared listing", visibility="shared", shared_with=[partner]
        ),
        "draft": make_listing(organisation=owner, title="Draft listing", publish=False),
        "closed": make_listing(organisation=owner, title="Closed listing"),
        "archived": make_listing(organisation=owner, title="Archived listing"),
    }
    listings["closed"] = listing_services.listing_close(actor=author, listing=listings["closed"])
    listings["archived"] = listing_services.listing_archive(
        actor=author, listing=listings["archived"]
    )
    people = {
        "anonymous": None,
        "owner_member": add_member(owner),
        "partner_member": add_member(partner),
        "other_member": add_member(other),
        "loner": UserFactory(),
        "staff": UserFactory(is_staff=True, is_superuser=True),
    }
    return SimpleNamespace(
        owner=owner,
        partner=partner,
        other=other,
        author=author,
        listings=listings,
        people=people,
    )


@pytest.fixture
def client_as(api_client):
    """``client_as(user)``: the API client authenticated as ``user`` (None: anonymous)."""

    def authenticate(user):
        api_client.force_authenticate(user)
        return api_client

    return authenticate
