"""Freshness: the task the listing services queue after commit, the batch and its command.

The listing services queue ``matching.tasks.listing_changed`` with the listing's id after
every create, update, publish, close, archive and share; Celery runs eagerly in tests, so the
task runs when the captured commit callbacks run.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from exchange.models import Notification
from listings import services as listing_services
from matching import tasks
from matching.models import Match
from tests.factories.exchange import make_organisation
from tests.factories.matching import make_match_listing

pytestmark = pytest.mark.django_db


def _author(listing):
    return listing.organisation.memberships.first().user


def _pairs():
    return sorted(Match.objects.values_list("source_id", "target_id"))


def test_listing_changed_runs_after_commit_of_publish(world, django_capture_on_commit_callbacks):
    offer = make_match_listing(
        make_organisation(kind="supplier"),
        kind="service",
        title="Befriending older people",
        needs=[world.isolation],
        tags=["befriending"],
        publish=False,
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        offer = listing_services.listing_publish(actor=_author(offer), listing=offer)
        assert Match.objects.count() == 0  # nothing before the commit

    # The match recompute, then the outbox relay nudges: the publish's (listing.published
    # webhook event) and the recompute's own (strong-match notifications, match.created).
    assert [getattr(c, "__name__", "") for c in callbacks] == [
        "<lambda>",
        "_nudge_relay",
        "_nudge_relay",
    ]
    assert (offer.pk, world.request.pk) in _pairs()
    assert (world.request.pk, offer.pk) in _pairs()


def test_listing_changed_after_update_recomputes(world, django_capture_on_commit_callbacks):
    tasks.listing_changed(world.request.pk)

    with django_capture_on_commit_callbacks(execute=True):
        listing_services.listing_update(
            actor=_author(world.befriending), listing=world.befriending, needs=[world.falls]
        )

    # Still about befriending (tags and wording), no longer about the same need.
    assert Match.objects.get(source=world.befriending, target=world.request).reasons[0] == (
        "Related needs in Adult social care"
    )


def test_listing_changed_after_archive_removes_matches(world, django_capture_on_commit_callbacks):
    tasks.listing_changed(world.request.pk)

    with django_capture_on_commit_callbacks(execute=True):
        listing_services.listing_archive(actor=_author(world.request), listing=world.request)

    assert _pairs() == []


def test_listing_changed_after_share_hides_match_from_those_left_out(
    world, django_capture_on_commit_callbacks
):
    tasks.listing_changed(world.request.pk)

    with django_capture_on_commit_callbacks(execute=True):
        listing_services.listing_share(
            actor=_author(world.befriending),
            listing=world.befriending,
            organisations=[world.other_council],
        )

    # The council can no longer see the service; the charity still sees the public request.
    assert (world.request.pk, world.befriending.pk) not in _pairs()
    assert (world.befriending.pk, world.request.pk) in _pairs()


def test_listing_changed_is_idempotent(world):
    first = tasks.listing_changed(world.request.pk)
    pairs = _pairs()

    second = tasks.listing_changed(world.request.pk)

    assert (first, second, _pairs()) == (1, 1, pairs)


def test_listing_changed_takes_the_id_through_celery_eagerly(world):
    result = tasks.listing_changed.delay(world.request.pk)

    assert (result.get(), _pairs()) == (
        1,
        [(world.request.pk, world.befriending.pk), (world.befriending.pk, world.request.pk)],
    )


def test_recompute_all_matches_task_recomputes_every_published_listing(world):
    assert tasks.recompute_all_matches.delay().get() == 5
    assert (world.request.pk, world.befriending.pk) in _pairs()


def test_beat_schedule_runs_the_batch_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-matches"]

    assert entry["task"] == "matching.tasks.recompute_all_matches"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})


def test_recompute_matches_command_shows_progress_and_total(world):
    out = StringIO()

    call_command("recompute_matches", "--batch-size=2", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split(" listings")[0] for line in lines[:3]] == [
        "[############..................] 2/5",
        "[########################......] 4/5",
        "[##############################] 5/5",
    ]
    assert lines[3].startswith("Recomputed matches of 5 listings in ")


def test_recompute_matches_command_no_notify_notifies_nobody(world):
    call_command("recompute_matches", "--no-notify", stdout=StringIO())

    assert (Notification.objects.count(), Match.objects.count()) == (0, 8)
