"""DESIGN.md flow 1: publish → index in the same transaction → matches queued after commit."""

import pytest
from django.contrib.auth.models import AnonymousUser

from exchange.models import OutboxMessage
from listings import services
from listings.queries import SearchParams, listing_search
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def test_listing_publish_indexes_now_and_queues_matches_after_commit(
    supplier, django_capture_on_commit_callbacks
):
    listing = make_listing(organisation=supplier, title="Wombat counters", publish=False)
    author = supplier.memberships.get().user

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.listing_publish(actor=author, listing=listing)
        found = listing_search(AnonymousUser(), SearchParams(q="wombat "), with_facets=False)

    assert [x.title for x in found.listings] == ["Wombat counters"]  # before commit
    # The match recompute, and the outbox relay nudge (the listing.published webhook event).
    assert [getattr(c, "__name__", "") for c in callbacks] == ["<lambda>", "_nudge_relay"]
    assert OutboxMessage.objects.get(kind="domain_event").payload["type"] == "listing.published"
    assert callbacks[0].__closure__ is not None  # the queued task call
    task = next(
        c.cell_contents for c in callbacks[0].__closure__ if hasattr(c.cell_contents, "name")
    )
    assert task.name == "matching.tasks.listing_changed"
