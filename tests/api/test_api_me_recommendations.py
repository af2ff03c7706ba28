"""``me/`` (the profile page), ``recommendations/`` (the dashboard's "Recommended for you") and
``listings/similar/`` (the hint on the listing form) through the API."""

from datetime import UTC, datetime

import pytest

from exchange.models import User
from matching.models import Match, MatchDismissal
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing, make_request

pytestmark = pytest.mark.django_db

COMPUTED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# The requester's memberships with their organisations (authentication is forced).
ME_QUERIES = 1
# One query: matches with both listings and the target's organisation; visibility,
# memberships, "we need this too", co-ownership and dismissals are subqueries.
RECOMMENDATION_QUERIES = 1
# Candidate ids from the word index, the ranked ids, the listings with their organisations,
# then their tags and needs (prefetched by the visibility query), whatever the number found.
SIMILAR_QUERIES = 5


def _profile(user):
    user.refresh_from_db()
    return (user.email, user.full_name, user.job_title)


# --- me/ --------------------------------------------------------------------------------------


@pytest.fixture
def person(db):
    return UserFactory(email="ada@northshire.gov.uk", full_name="Ada Lovelace", job_title="")


def test_me_shows_your_profile_and_memberships(client_as, person):
    council = make_organisation(admin=person, name="Northshire County Council", kind="council")
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    add_member(supplier, person)

    response = client_as(person).get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "email": "ada@northshire.gov.uk",
        "full_name": "Ada Lovelace",
        "job_title": "",
        "name": "Ada Lovelace",
        "memberships": [
            {
                "organisation": {
                    "slug": supplier.slug,
                    "name": "Brightbin Ltd",
                    "kind": "supplier",
                },
                "role": "member",
                "joined_at": body["memberships"][0]["joined_at"],
            },
            {
                "organisation": {
                    "slug": council.slug,
                    "name": "Northshire County Council",
                    "kind": "council",
                },
                "role": "admin",
                "joined_at": body["memberships"][1]["joined_at"],
            },
        ],
    }


def test_me_has_an_etag_that_moves_when_the_profile_changes(client_as, person):
    client = client_as(person)
    first = client.get("/api/v1/me/")

    unchanged = client.get("/api/v1/me/", HTTP_IF_NONE_MATCH=first["ETag"])
    client.patch("/api/v1/me/", {"job_title": "Engineer"}, format="json")
    changed = client.get("/api/v1/me/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert (unchanged.status_code, changed.status_code) == (304, 200)


def test_me_patch_changes_name_and_job_title(client_as, person):
    response = client_as(person).patch(
        "/api/v1/me/",
        {"full_name": "  Ada   King ", "job_title": "Chief\nAnalyst"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["full_name"], response.json()["job_title"]) == (
        "Ada King",
        "Chief Analyst",
    )
    assert _profile(person) == ("ada@northshire.gov.uk", "Ada King", "Chief Analyst")


def test_me_patch_keeps_fields_not_sent(client_as, person):
    response = client_as(person).patch("/api/v1/me/", {"job_title": "Engineer"}, format="json")

    assert response.status_code == 200
    assert _profile(person) == ("ada@northshire.gov.uk", "Ada Lovelace", "Engineer")


def test_me_patch_ignores_the_email_address(client_as, person):
    response = client_as(person).patch(
        "/api/v1/me/", {"email": "eve@example.org", "full_name": "Ada"}, format="json"
    )

    assert (response.status_code, response.json()["email"]) == (200, "ada@northshire.gov.uk")
    assert _profile(person) == ("ada@northshire.gov.uk", "Ada", "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": None}, "full_name"),
        ({"full_name": "x" * 151}, "full_name"),
        ({"job_title": "x" * 151}, "job_title"),
        ({"job_title": ["Engineer"]}, "job_title"),
    ],
)
def test_me_patch_names_bad_fields(client_as, person, body, field):
    response = client_as(person).patch("/api/v1/me/", body, format="json")

    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, [field])
    assert _profile(person) == ("ada@northshire.gov.uk", "Ada Lovelace", "")


def test_me_patch_with_a_stale_if_match_is_412(client_as, person):
    response = client_as(person).patch(
        "/api/v1/me/", {"job_title": "Engineer"}, format="json", HTTP_IF_MATCH='W/"stale"'
    )

    assert response.status_code == 412
    assert _profile(person) == ("ada@northshire.gov.uk", "Ada Lovelace", "")


def test_me_needs_sign_in(api_client):
    answers = [
        api_client.get("/api/v1/me/").status_code,
        api_client.patch("/api/v1/me/", {"full_name": "Eve"}, format="json").status_code,
    ]

    assert answers == [401, 401]
    assert User.objects.filter(full_name="Eve").count() == 0


def test_me_does_not_take_put_or_delete(client_as, person):
    client = client_as(person)

    answers = [client.put("/api/v1/me/", {}).status_code, client.delete("/api/v1/me/").status_code]

    assert answers == [405, 405]
    assert User.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("n", [1, 3])
def test_me_query_count_is_constant(client_as, django_assert_num_queries, person, n):
    for _ in range(n):
        add_member(make_organisation(), person)
    client = client_as(person)

    with django_assert_num_queries(ME_QUERIES):
        response = client.get("/api/v1/me/")

    assert len(response.json()["memberships"]) == n


# --- recommendations/ -------------------------------------------------------------------------


@pytest.fixture
def recommending(council, supplier):
    """A council's request matched by three supplier offers (one shared away from it)."""
    request = make_request(organisation=council, title="Fewer overflowing bins")
    offers = [
        make_listing(organisation=supplier, title=title)
        for title in ("Smart bins", "Route planner", "Compactors")
    ]
    elsewhere = make_organisation(name="Elsewhere Ltd", kind="supplier")
    hidden = make_listing(
        organisation=supplier, title="Private", visibility="shared", shared_with=[elsewhere]
    )
    for target, score in zip([*offers, hidden], (0.71, 0.3, 0.45, 0.9), strict=True):
        Match.objects.create(
            source=request,
            target=target,
            score=score,
            reasons=[f"Both mention {target.title.lower()}."],
            computed_at=COMPUTED,
        )
    return request, offers


def _recommendation(listing, request, score, level):
    return {
        "listing": {
            "id": listing.pk,
            "url": f"http://testserver/api/v1/listings/{listing.pk}/",
            "title": listing.title,
            "kind": "product",
            "organisation": {
                "slug": listing.organisation.slug,
                "name": listing.organisation.name,
                "kind": "supplier",
            },
        },
        "score": score,
        "level": level,
        "reasons": [f"Both mention {listing.title.lower()}."],
        "computed_at": "2026-03-01T09:00:00Z",
        "because_of": {
            "id": request.pk,
            "url": f"http://testserver/api/v1/listings/{request.pk}/",
            "title": "Fewer overflowing bins",
            "kind": "request",
        },
    }


def test_recommendations_answer_your_organisations_listings_best_first(
    client_as, council, recommending
):
    request, (smart, planner, compactors) = recommending

    response = client_as(add_member(council)).get("/api/v1/recommendations/")

    assert response.status_code == 200
    assert response.json() == [
        _recommendation(smart, request, 0.71, "Strong"),
        _recommendation(compactors, request, 0.45, "Good"),
        _recommendation(planner, request, 0.3, "Possible"),
    ]


def test_recommendations_leave_out_dismissed_matches(client_as, council, recommending):
    request, (smart, _planner, _compactors) = recommending
    MatchDismissal.objects.create(source=request, target=smart)

    response = client_as(add_member(council)).get("/api/v1/recommendations/")

    assert [r["listing"]["title"] for r in response.json()] == ["Compactors", "Route planner"]


def test_recommendations_are_empty_outside_any_organisation(client_as, recommending):
    response = client_as(UserFactory()).get("/api/v1/recommendations/")

    assert (response.status_code, response.json()) == (200, [])


def test_recommendations_are_at_most_six(client_as, council, supplier):
    request = make_request(organisation=council, title="Fewer overflowing bins")
    for i in range(8):
        Match.objects.create(
            source=request,
            target=make_listing(organisation=supplier, title=f"Offer {i}"),
            score=0.5,
            reasons=[],
            computed_at=COMPUTED,
        )

    response = client_as(add_member(council)).get("/api/v1/recommendations/")

    assert [r["listing"]["title"] for r in response.json()] == [
        "Offer 7",
        "Offer 6",
        "Offer 5",
        "Offer 4",
        "Offer 3",
        "Offer 2",
    ]


def test_recommendations_need_sign_in(api_client):
    assert api_client.get("/api/v1/recommendations/").status_code == 401


@pytest.mark.parametrize("n", [1, 3])
def test_recommendation_query_count_is_constant(
    client_as, django_assert_num_queries, council, supplier, n
):
    request = make_request(organisation=council, title="Fewer overflowing bins")
    for i in range(n):
        Match.objects.create(
            source=request,
            target=make_listing(organisation=supplier, title=f"Offer {i}"),
            score=0.5,
            reasons=[],
            computed_at=COMPUTED,
        )
    client = client_as(add_member(council))

    with django_assert_num_queries(RECOMMENDATION_QUERIES):
        response = client.get("/api/v1/recommendations/")

    assert len(response.json()) == n


# --- listings/similar/ ------------------------------------------------------------------------


@pytest.fixture
def gritting(supplier):
    """Published gritting listings, one private to another organisation, and a draft."""
    titles = ["Gritting route planner", "Salt bin sensors for gritting", "Gritting lorries"]
    found = [
        make_listing(organisation=supplier, title=title, summary="Winter road gritting.")
        for title in titles
    ]
    elsewhere = make_organisation(name="Elsewhere Ltd", kind="supplier")
    make_listing(
        organisation=supplier,
        title="Private gritting",
        summary="Winter road gritting.",
        visibility="shared",
        shared_with=[elsewhere],
    )
    make_listing(
        organisation=supplier, title="Draft gritting", summary="Winter gritting.", publish=False
    )
    return found


def test_similar_listings_are_what_the_form_hint_shows(client_as, user, gritting):
    client = client_as(user)
    params = {"title": "Gritting", "summary": "Winter roads"}

    response = client.get("/api/v1/listings/similar/", params)
    client.force_login(user)
    hint = client.get("/listings/similar/", params).content.decode()

    assert response.status_code == 200
    titles = [item["title"] for item in response.json()]
    assert sorted(titles) == sorted(item.title for item in gritting)
    assert [title for title in titles if title in hint] == titles
    planner = next(item for item in response.json() if item["title"] == "Gritting route planner")
    assert planner == {
        "id": gritting[0].pk,
        "url": f"http://testserver/api/v1/listings/{gritting[0].pk}/",
        "title": "Gritting route planner",
        "kind": "product",
        "organisation": {"slug": "brightbin-ltd", "name": "Brightbin Ltd", "kind": "supplier"},
    }


def test_similar_listings_need_eight_characters(client_as, user, gritting):
    response = client_as(user).get("/api/v1/listings/similar/", {"title": "Grit"})

    assert (response.status_code, response.json()) == (200, [])


def test_similar_listings_without_parameters_are_empty(client_as, user, gritting):
    response = client_as(user).get("/api/v1/listings/similar/")

    assert (response.status_code, response.json()) == (200, [])


def test_similar_listings_are_at_most_five(client_as, user, supplier):
    for i in range(7):
        make_listing(organisation=supplier, title=f"Gritting depot {i}")

    response = client_as(user).get("/api/v1/listings/similar/", {"title": "Gritting depot"})

    assert len(response.json()) == 5


def test_similar_listings_need_sign_in(api_client, gritting):
    response = api_client.get("/api/v1/listings/similar/", {"title": "Gritting lorries"})

    assert response.status_code == 401


@pytest.mark.parametrize("n", [1, 3])
def test_similar_query_count_is_constant(client_as, django_assert_num_queries, user, supplier, n):
    for i in range(n):
        make_listing(organisation=supplier, title=f"Gritting depot {i}")
    client = client_as(user)

    with django_assert_num_queries(SIMILAR_QUERIES):
        response = client.get("/api/v1/listings/similar/", {"title": "Gritting depot"})

    assert len(response.json()) == n
