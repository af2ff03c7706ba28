import pytest
from django.contrib.auth.models import AnonymousUser

from listings import services as listing_services
from matching import queries, services
from matching.models import Match
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.matching import make_match_listing

pytestmark = pytest.mark.django_db


def _author(listing):
    return listing.organisation.memberships.first().user


@pytest.fixture
def matched(world):
    services.matches_recompute_all(notify=False)
    return world


def test_matches_for_listing_is_none_outside_the_owning_organisation(matched):
    outsiders = [AnonymousUser(), _author(matched.befriending), UserFactory(is_superuser=True)]

    assert [queries.matches_for_listing(u, matched.request) for u in outsiders] == [None] * 3


def test_matches_for_listing_best_first_for_owner_members(matched):
    matches = queries.matches_for_listing(_author(matched.other_request), matched.other_request)

    assert [(m.target.title, m.score) for m in matches] == [
        ("Befriending volunteers from Northshire", 0.5969),
        ("Telephone befriending for older people", 0.53),
        ("Falls sensors for extra care housing", 0.2411),
    ]


def test_matches_for_listing_leaves_out_dismissed_even_if_a_copy_was_stored(matched):
    owner = _author(matched.other_request)
    stale = Match.objects.get(source=matched.other_request, target=matched.tablets)
    services.match_dismiss(actor=owner, source=matched.other_request, target_id=stale.target_id)
    stale.pk = None
    stale.save()  # as if a recompute raced with the dismissal

    matches = queries.matches_for_listing(owner, matched.other_request)

    assert [m.target.title for m in matches] == [
        "Befriending volunteers from Northshire",
        "Telephone befriending for older people",
    ]


def test_matches_for_listing_hides_targets_shared_away_since(matched):
    owner = _author(matched.other_request)
    listing_services.listing_share(
        actor=_author(matched.tablets), listing=matched.tablets, organisations=[matched.charity]
    )

    matches = queries.matches_for_listing(owner, matched.other_request)

    assert [m.target.title for m in matches] == [
        "Befriending volunteers from Northshire",
        "Telephone befriending for older people",
    ]


def test_matches_for_listing_limit(matched):
    owner = _author(matched.other_request)

    matches = queries.matches_for_listing(owner, matched.other_request, limit=1)

    assert [m.target.title for m in matches] == ["Befriending volunteers from Northshire"]


def test_recommended_for_lists_targets_of_your_organisations_listings(matched):
    member = add_member(matched.charity)

    found = queries.recommended_for(member)

    assert [(r.listing.title, r.because_of.title, r.level) for r in found] == [
        (
            "Reducing isolation among older people in rural villages",
            "Telephone befriending for older people",
            "Strong",
        ),
        ("Isolation in Kingsmere", "Telephone befriending for older people", "Good"),
    ]


def test_recommended_for_shows_a_target_once_with_its_best_reason(matched):
    second_offer = make_match_listing(
        matched.charity,
        kind="service",
        title="Lunch clubs for older people in rural villages",
        needs=[matched.isolation],
        tags=["befriending", "rural"],
        region="north_west",
    )
    services.matches_refresh_listing(listing_id=second_offer.pk)

    found = queries.recommended_for(matched.charity.memberships.first().user)

    assert [(r.listing.title, r.because_of.title) for r in found] == [
        ("Reducing isolation among older people in rural villages", second_offer.title),
        ("Isolation in Kingsmere", second_offer.title),
    ]


def test_recommended_for_is_empty_for_anonymous_and_people_without_organisation(matched):
    assert (
        queries.recommended_for(AnonymousUser()),
        queries.recommended_for(UserFactory()),
    ) == ([], [])


def test_recommended_for_hides_targets_the_viewer_cannot_see(matched):
    listing_services.listing_share(
        actor=_author(matched.request),
        listing=matched.request,
        organisations=[make_organisation(kind="supplier")],
    )

    found = queries.recommended_for(matched.charity.memberships.first().user)

    assert [r.listing.title for r in found] == ["Isolation in Kingsmere"]


@pytest.mark.parametrize(
    ("score", "level"),
    [(1.0, "Strong"), (0.6, "Strong"), (0.5999, "Good"), (0.45, "Good"), (0.2, "Possible")],
)
def test_match_level_from_score(score, level):
    assert queries.match_level(score) == level


def test_compute_top_matches_stores_nothing_and_ignores_unpublished(world):
    draft = make_match_listing(world.council, kind="request", title="Draft", publish=False)

    computed = queries.compute_top_matches(world.request.pk)

    assert [(r.target_id, r.score.value) for r in computed] == [(world.befriending.pk, 0.7084)]
    assert (queries.compute_top_matches(draft.pk), Match.objects.count()) == ([], 0)


def test_recommended_for_includes_requests_your_organisation_needs_too(matched):
    from listings import workflows

    eastshire = make_organisation(name="Eastshire Council", kind="council")
    person = eastshire.memberships.get().user
    before = queries.recommended_for(person)
    workflows.interest_register(actor=person, listing=matched.request, organisation=eastshire)

    found = queries.recommended_for(person)

    assert before == []
    assert [(r.listing.title, r.because_of.title, r.level) for r in found] == [
        (
            "Telephone befriending for older people",
            "Reducing isolation among older people in rural villages",
            "Strong",
        ),
    ]


def test_recommended_for_ignores_interest_in_an_offer(matched):
    from listings import workflows

    eastshire = make_organisation(name="Eastshire Council", kind="council")
    person = eastshire.memberships.get().user
    workflows.interest_register(actor=person, listing=matched.befriending, organisation=eastshire)

    assert queries.recommended_for(person) == []
