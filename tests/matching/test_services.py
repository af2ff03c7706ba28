import pytest
from django.core.exceptions import PermissionDenied

from exchange.enums import NotificationKind
from exchange.exceptions import ValidationError
from exchange.models import Notification
from listings import services as listing_services
from matching import queries, services
from matching.models import Match, MatchDismissal, MatchNotice
from matching.ranking import CorpusIndex
from matching.scoring import Scorer
from tests.factories.exchange import add_member, make_organisation
from tests.factories.matching import archive, make_match_listing

pytestmark = pytest.mark.django_db

REQUEST_REASONS = [
    "Both about Adult social care › Reducing isolation",
    "Shared tags: befriending",
    "Similar wording: older, people, befriending, alone",
    "Free, within your budget",
    "Both in North West",
]


def _rows(**filters):
    return sorted(Match.objects.filter(**filters).values_list("source_id", "target_id", "score"))


def _author(listing):
    return listing.organisation.memberships.first().user


def test_refresh_listing_stores_matches_with_score_and_reasons(world):
    result = services.matches_refresh_listing(listing_id=world.request.pk)

    match = Match.objects.get(source=world.request)
    assert (result.matches, match.target, match.score) == (1, world.befriending, 0.7084)
    assert match.reasons == REQUEST_REASONS


def test_refresh_listing_never_matches_own_organisation_or_same_kind(world):
    services.matches_refresh_listing(listing_id=world.request.pk)

    targets = set(Match.objects.filter(source=world.request).values_list("target", flat=True))
    assert targets == {world.befriending.pk}
    assert world.own_offer.pk not in targets
    assert world.other_request.pk not in targets


def test_refresh_listing_stores_reverse_match_worded_for_the_other_owner(world):
    result = services.matches_refresh_listing(listing_id=world.request.pk)

    reverse = Match.objects.get(source=world.befriending, target=world.request)
    assert (result.reverse_added, reverse.score) == (1, 0.7084)
    assert reverse.reasons[3] == "Free, within their budget"


def test_refresh_listing_is_idempotent(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    first = sorted(Match.objects.values_list("source_id", "target_id", "score", "reasons"))

    services.matches_refresh_listing(listing_id=world.request.pk)

    assert sorted(Match.objects.values_list("source_id", "target_id", "score", "reasons")) == (
        first
    )


def test_refresh_listing_matches_a_new_offer_from_both_sides(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    newcomer = make_match_listing(
        make_organisation(kind="supplier"),
        kind="service",
        title="Befriending in rural villages",
        needs=[world.isolation],
        tags=["befriending", "rural"],
        region="north_west",
    )

    services.matches_refresh_listing(listing_id=newcomer.pk)

    # The older pair keeps its score until its own refresh (or the nightly batch).
    assert _rows(target=world.request) == [
        (world.befriending.pk, world.request.pk, 0.7084),
        (newcomer.pk, world.request.pk, 0.8435),
    ]
    assert list(
        Match.objects.filter(source=world.request)
        .order_by("-score")
        .values_list("target_id", flat=True)
    ) == [newcomer.pk, world.befriending.pk]


def test_refresh_listing_reverse_keeps_only_the_best_up_to_the_limit(world, settings):
    settings.MATCH_LIMIT = 1
    services.matches_refresh_listing(listing_id=world.request.pk)
    weaker = make_match_listing(
        make_organisation(kind="supplier"),
        kind="product",
        title="A product about isolation",
        needs=[world.isolation],
    )
    stronger = make_match_listing(
        make_organisation(kind="supplier"),
        kind="service",
        title="Befriending older people in rural villages",
        needs=[world.isolation],
        tags=["befriending", "rural"],
        region="north_west",
    )

    services.matches_refresh_listing(listing_id=weaker.pk)
    services.matches_refresh_listing(listing_id=stronger.pk)

    assert list(Match.objects.filter(source=world.request).values_list("target", flat=True)) == [
        stronger.pk
    ]


@pytest.mark.parametrize("change", ["archive", "close"])
def test_refresh_unpublished_listing_deletes_its_matches_both_ways(world, change):
    services.matches_refresh_listing(listing_id=world.request.pk)
    service = {"archive": listing_services.listing_archive, "close": listing_services.listing_close}
    service[change](actor=_author(world.request), listing=world.request)

    result = services.matches_refresh_listing(listing_id=world.request.pk)

    assert (result.deleted, Match.objects.count()) == (2, 0)


def test_refresh_deleted_listing_id_changes_nothing(world):
    services.matches_refresh_listing(listing_id=world.request.pk)

    result = services.matches_refresh_listing(listing_id=999_999)

    assert (result.deleted, Match.objects.count()) == (0, 2)


def test_refresh_after_update_removes_matches_no_longer_shared(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    listing_services.listing_update(
        actor=_author(world.befriending),
        listing=world.befriending,
        title="Pothole repairs",
        summary="Roads.",
        needs=[],
        tag_names=["potholes"],
    )

    result = services.matches_refresh_listing(listing_id=world.befriending.pk)

    assert (result.matches, result.reverse_removed, Match.objects.count()) == (0, 1, 0)


def test_refresh_listing_skips_targets_shared_with_other_organisations(world):
    listing_services.listing_share(
        actor=_author(world.befriending),
        listing=world.befriending,
        organisations=[world.other_council],
    )

    services.matches_refresh_listing(listing_id=world.request.pk)

    assert Match.objects.filter(source=world.request).count() == 0


def test_refresh_listing_from_the_shared_side_adds_no_reverse_match_it_cannot_see(world):
    listing_services.listing_share(
        actor=_author(world.befriending),
        listing=world.befriending,
        organisations=[world.other_council],
    )

    services.matches_refresh_listing(listing_id=world.befriending.pk)

    assert _rows(source=world.befriending, target=world.request) == [
        (world.befriending.pk, world.request.pk, 0.7084)
    ]
    assert _rows(source=world.request) == []


# --- Notifications ---------------------------------------------------------------------------


def test_strong_new_match_notifies_members_of_both_organisations(world):
    colleague = add_member(world.council)

    services.matches_refresh_listing(listing_id=world.request.pk)

    notified = sorted(
        Notification.objects.filter(kind=NotificationKind.MATCH).values_list(
            "recipient__email", "text", "link"
        )
    )
    request_text = (
        "“Reducing isolation among older people in rural villages” has a strong new match: "
        "“Telephone befriending for older people”."
    )
    offer_text = (
        "“Telephone befriending for older people” has a strong new match: "
        "“Reducing isolation among older people in rural villages”."
    )
    request_link = f"{world.request.get_absolute_url()}#matches"
    offer_link = f"{world.befriending.get_absolute_url()}#matches"
    assert notified == sorted(
        [
            (_author(world.request).email, request_text, request_link),
            (colleague.email, request_text, request_link),
            (_author(world.befriending).email, offer_text, offer_link),
        ]
    )


def test_strong_match_is_notified_once_across_refreshes_and_batches(world):
    services.matches_refresh_listing(listing_id=world.request.pk)

    services.matches_refresh_listing(listing_id=world.request.pk)
    services.matches_refresh_listing(listing_id=world.befriending.pk)
    services.matches_recompute_all()

    assert Notification.objects.filter(kind=NotificationKind.MATCH).count() == 2
    assert MatchNotice.objects.count() == 2


def test_match_deleted_and_found_again_is_not_notified_again(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    listing_services.listing_close(actor=_author(world.request), listing=world.request)
    services.matches_refresh_listing(listing_id=world.request.pk)
    listing_services.listing_publish(actor=_author(world.request), listing=world.request)

    services.matches_refresh_listing(listing_id=world.request.pk)

    assert (Match.objects.count(), Notification.objects.count()) == (2, 2)


def test_match_below_threshold_is_not_notified(world, settings):
    settings.MATCH_NOTIFY_THRESHOLD = 0.71

    services.matches_refresh_listing(listing_id=world.request.pk)

    assert (Match.objects.count(), Notification.objects.count()) == (2, 0)


def test_backfill_without_notify_records_pairs_so_they_are_never_announced(world):
    services.matches_recompute_all(notify=False)

    services.matches_refresh_listing(listing_id=world.request.pk)

    assert Notification.objects.count() == 0
    assert sorted(MatchNotice.objects.values_list("source_id", "target_id", "notified")) == [
        (world.request.pk, world.befriending.pk, False),
        (world.befriending.pk, world.request.pk, False),
    ]


# --- Dismissal -------------------------------------------------------------------------------


def test_dismiss_hides_match_and_records_who(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    officer = add_member(world.council)

    dismissal = services.match_dismiss(
        actor=officer, source=world.request, target_id=world.befriending.pk
    )

    assert (dismissal.source, dismissal.target, dismissal.dismissed_by) == (
        world.request,
        world.befriending,
        officer,
    )
    assert _rows() == [(world.befriending.pk, world.request.pk, 0.7084)]


def test_dismissed_match_stays_dismissed_after_refresh_and_batch(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    services.match_dismiss(
        actor=_author(world.request), source=world.request, target_id=world.befriending.pk
    )

    services.matches_refresh_listing(listing_id=world.request.pk)
    services.matches_refresh_listing(listing_id=world.befriending.pk)
    services.matches_recompute_all()

    assert _rows(source=world.request) == []
    assert _rows(target=world.request) == [(world.befriending.pk, world.request.pk, 0.7084)]


def test_dismiss_twice_keeps_the_first_record(world):
    first = services.match_dismiss(
        actor=_author(world.request), source=world.request, target_id=world.befriending.pk
    )

    again = services.match_dismiss(
        actor=add_member(world.council), source=world.request, target_id=world.befriending.pk
    )

    assert (again.pk, again.dismissed_by, MatchDismissal.objects.count()) == (
        first.pk,
        _author(world.request),
        1,
    )


def test_dismiss_by_someone_outside_the_organisation_is_denied_and_changes_nothing(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    before = _rows()

    with pytest.raises(PermissionDenied):
        services.match_dismiss(
            actor=_author(world.befriending), source=world.request, target_id=world.befriending.pk
        )

    assert (_rows(), MatchDismissal.objects.count()) == (before, 0)


def test_dismiss_of_unknown_target_is_refused_and_changes_nothing(world):
    with pytest.raises(ValidationError):
        services.match_dismiss(actor=_author(world.request), source=world.request, target_id=0)

    assert MatchDismissal.objects.count() == 0


# --- Batch -----------------------------------------------------------------------------------


def test_recompute_all_equals_refreshing_each_listing(world):
    ids = sorted(queries.listing_data())
    for listing_id in ids:
        services.matches_refresh_listing(listing_id=listing_id)
    one_by_one = _rows()
    Match.objects.all().delete()

    done = services.matches_recompute_all(batch_size=2)

    assert (done, _rows()) == (len(ids), one_by_one)


def test_recompute_all_with_two_worker_processes_equals_one(world):
    services.matches_recompute_all(batch_size=2)
    one = sorted(Match.objects.values_list("source_id", "target_id", "score", "reasons"))

    done = services.matches_recompute_all(batch_size=2, workers=2)

    two = sorted(Match.objects.values_list("source_id", "target_id", "score", "reasons"))
    assert (done, two) == (5, one)


def test_recompute_all_removes_matches_of_listings_no_longer_published(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    archive(world.befriending)

    services.matches_recompute_all()

    assert Match.objects.filter(source=world.befriending).count() == 0
    assert Match.objects.filter(target=world.befriending).count() == 0


def test_recompute_all_reports_progress_per_batch(world):
    seen = []

    services.matches_recompute_all(batch_size=2, progress=lambda done, total: seen.append(done))

    assert seen == [2, 4, 5]


def test_corpus_index_top_matches_equal_sql_path(world):
    data = queries.listing_data()
    index = CorpusIndex(data.values())
    scorer = Scorer(index.stats)
    source = data[world.request.pk]

    in_memory = index.top_matches(source, scorer, candidates=300, limit=20, min_score=0.2)
    from_sql = queries.top_matches(source, Scorer(queries.compute_corpus_stats()))

    assert in_memory == from_sql
