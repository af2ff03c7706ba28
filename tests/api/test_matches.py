"""``GET /api/v1/listings/{id}/matches/`` and ``POST …/matches/{target}/dismiss/``: the
owners' and co-owners' view of a listing's matches, as on the listing page."""

from datetime import UTC, datetime

import pytest

from listings import workflows
from matching.models import Match, MatchDismissal
from tests.factories.exchange import add_member, make_organisation
from tests.factories.listings import make_listing, make_request

pytestmark = pytest.mark.django_db

COMPUTED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# The same six queries whatever the number of matches: the listing itself (and what its
# visibility needs), the owner checks, then one query for the matches with their listings
# and organisations (visibility and dismissals are subqueries).
MATCH_QUERIES = 6


@pytest.fixture
def matched(council, supplier):
    request = make_request(organisation=council, title="Fewer overflowing bins")
    strong = make_listing(organisation=supplier, title="Smart bins")
    possible = make_listing(organisation=supplier, title="Route planner")
    elsewhere = make_organisation(name="Elsewhere Ltd", kind="supplier")
    hidden = make_listing(
        organisation=supplier, title="Private", visibility="shared", shared_with=[elsewhere]
    )
    for target, score in ((strong, 0.71), (possible, 0.3), (hidden, 0.9)):
        Match.objects.create(
            source=request,
            target=target,
            score=score,
            reasons=[f"Both mention {target.title.lower()}."],
            computed_at=COMPUTED,
        )
    return request, strong, possible, hidden


def _row(listing, supplier, score, level):
    return {
        "listing": {
            "id": listing.pk,
            "url": f"http://testserver/api/v1/listings/{listing.pk}/",
            "title": listing.title,
            "kind": "product",
            "organisation": {"slug": supplier.slug, "name": supplier.name, "kind": "supplier"},
        },
        "score": score,
        "level": level,
        "reasons": [f"Both mention {listing.title.lower()}."],
        "computed_at": "2026-03-01T09:00:00Z",
    }


def test_owner_sees_visible_matches_best_first(client_as, council, supplier, matched):
    request, strong, possible, _hidden = matched

    response = client_as(add_member(council)).get(f"/api/v1/listings/{request.pk}/matches/")

    assert response.status_code == 200
    assert response.json() == [
        _row(strong, supplier, 0.71, "Strong"),
        _row(possible, supplier, 0.3, "Possible"),
    ]


def test_co_owner_sees_matches_and_may_dismiss(client_as, council, supplier, matched):
    request, strong, possible, _hidden = matched
    partner = make_organisation(name="Riverside District Council", kind="council")
    partner_member = add_member(partner)
    workflows.interest_register(actor=partner_member, listing=request, organisation=partner)
    invitation = workflows.co_owner_invite(
        actor=council.memberships.get().user, listing=request, organisation=partner
    )
    workflows.co_owner_accept(actor=partner_member, co_owner=invitation)
    client = client_as(partner_member)

    listed = client.get(f"/api/v1/listings/{request.pk}/matches/")
    dismissed = client.post(f"/api/v1/listings/{request.pk}/matches/{possible.pk}/dismiss/")
    after = client.get(f"/api/v1/listings/{request.pk}/matches/")

    assert [row["listing"]["id"] for row in listed.json()] == [strong.pk, possible.pk]
    assert dismissed.status_code == 200
    assert dismissed.json()["listing"] == request.pk
    assert dismissed.json()["dismissed"] == possible.pk
    assert [row["listing"]["id"] for row in after.json()] == [strong.pk]


def test_outsider_is_refused_and_cannot_dismiss(client_as, council, supplier, matched):
    request, strong, _possible, _hidden = matched
    client = client_as(add_member(supplier))

    listed = client.get(f"/api/v1/listings/{request.pk}/matches/")
    dismissed = client.post(f"/api/v1/listings/{request.pk}/matches/{strong.pk}/dismiss/")

    assert (listed.status_code, dismissed.status_code) == (403, 403)
    assert listed.json()["error"]["code"] == "permission_denied"
    assert MatchDismissal.objects.count() == 0
    assert Match.objects.filter(source=request).count() == 3


def test_anonymous_is_401_and_hidden_listing_is_404(api_client, client_as, council, matched):
    request, *_ = matched
    draft = make_listing(organisation=council, publish=False)

    anonymous = api_client.get(f"/api/v1/listings/{request.pk}/matches/")
    hidden = client_as(add_member(make_organisation(name="Elsewhere"))).get(
        f"/api/v1/listings/{draft.pk}/matches/"
    )

    assert (anonymous.status_code, hidden.status_code) == (401, 404)


def test_dismissing_an_unknown_listing_is_400_and_changes_nothing(client_as, council, matched):
    request, *_ = matched

    response = client_as(add_member(council)).post(
        f"/api/v1/listings/{request.pk}/matches/999999/dismiss/"
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "There is no such match to dismiss."
    assert MatchDismissal.objects.count() == 0


@pytest.mark.parametrize("n", [1, 3])
def test_match_list_query_count_is_constant(
    client_as, django_assert_num_queries, council, supplier, n
):
    request = make_request(organisation=council)
    for i in range(n):
        target = make_listing(organisation=supplier, title=f"Offer {i}")
        Match.objects.create(
            source=request, target=target, score=0.5, reasons=[], computed_at=COMPUTED
        )
    client = client_as(add_member(council))

    with django_assert_num_queries(MATCH_QUERIES):
        response = client.get(f"/api/v1/listings/{request.pk}/matches/")

    assert len(response.json()) == n
