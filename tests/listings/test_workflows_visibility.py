"""A private listing's interests, questions, responses and pilots are as private as the listing.

One private (shared) offer and one private request, each with every kind of workflow row;
each query is asked by each kind of person.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from listings import workflows
from listings.models import Listing, PilotRequest
from listings.queries import (
    co_owners_visible_to,
    interests_visible_to,
    pilots_visible_to,
    questions_visible_to,
    responses_visible_to,
)
from tests.factories.exchange import UserFactory, make_organisation
from tests.factories.listings import PILOT_DEFAULTS, make_listing, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def private():
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    council = make_organisation(name="Northshire County Council", kind="council")
    partner = make_organisation(name="Southshire Council", kind="council")
    supplier_person = supplier.memberships.get().user
    council_person = council.memberships.get().user
    partner_person = partner.memberships.get().user
    offer = make_listing(
        organisation=supplier, title="Private offer", visibility="shared", shared_with=[council]
    )
    request = make_request(
        organisation=council,
        title="Private request",
        visibility="shared",
        shared_with=[supplier, partner],
    )
    workflows.interest_register(actor=council_person, listing=offer, organisation=council)
    workflows.question_ask(actor=council_person, listing=offer, text="Private question?")
    workflows.pilot_request_create(
        actor=council_person, offer=offer, requester=council, **PILOT_DEFAULTS
    )
    workflows.interest_register(actor=partner_person, listing=request, organisation=partner)
    workflows.co_owner_invite(actor=council_person, listing=request, organisation=partner)
    workflows.response_create(
        actor=supplier_person,
        request=request,
        organisation=supplier,
        idea_title="Private idea",
        idea_summary="Summary",
        pitch="Pitch",
    )
    return {
        "supplier": supplier_person,
        "council": council_person,
        "partner": partner_person,
        "stranger": make_organisation(kind="council").memberships.get().user,
        "loner": UserFactory(),
        "anonymous": AnonymousUser(),
    }


QUERIES = {
    "interests": interests_visible_to,
    "questions": questions_visible_to,
    "pilots": pilots_visible_to,
    "responses": responses_visible_to,
    "co_owners": co_owners_visible_to,
}

# (rows seen) per person per query.
EXPECTED = {
    "supplier": {"interests": 2, "questions": 1, "pilots": 1, "responses": 1, "co_owners": 0},
    "council": {"interests": 2, "questions": 1, "pilots": 1, "responses": 1, "co_owners": 1},
    "partner": {"interests": 1, "questions": 0, "pilots": 0, "responses": 0, "co_owners": 1},
    "stranger": {"interests": 0, "questions": 0, "pilots": 0, "responses": 0, "co_owners": 0},
    "loner": {"interests": 0, "questions": 0, "pilots": 0, "responses": 0, "co_owners": 0},
    "anonymous": {"interests": 0, "questions": 0, "pilots": 0, "responses": 0, "co_owners": 0},
}


@pytest.mark.parametrize("person", list(EXPECTED))
def test_workflow_rows_of_private_listings_per_person(private, person):
    user = private[person]

    seen = {name: query(user).count() for name, query in QUERIES.items()}

    assert seen == EXPECTED[person]


@pytest.mark.parametrize("person", ["stranger", "loner", "anonymous"])
def test_private_listing_pages_and_api_are_404_for_outsiders(client, private, person):
    user = private[person]
    if user.is_authenticated:
        client.force_login(user)
    offer = Listing.objects.get(title="Private offer")
    pilot = PilotRequest.objects.get()

    pages = [
        client.get(offer.get_absolute_url()).status_code,
        client.get(pilot.get_absolute_url()).status_code,
        client.get(f"/api/v1/pilots/{pilot.pk}/").status_code,
    ]
    api_counts = [
        client.get(f"/api/v1/{name}/").json()["count"]
        for name in ("interests", "questions", "responses", "co-owners")
    ]

    assert pages == [404, 404 if user.is_authenticated else 302, 404]
    assert api_counts == [0, 0, 0, 0]
