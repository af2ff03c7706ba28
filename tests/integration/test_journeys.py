"""Journeys through real processes: this process writes through the services, a separate
Celery worker (and beat) against PostgreSQL and Redis does the background work, and a real
SMTP server on 127.0.0.1 receives the mail.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from exchange.models import Notification
from listings import services as listing_services
from listings.enums import AlertFrequency
from listings.models import SavedSearch
from listings.queries import SearchParams
from tests.factories.exchange import UserFactory, make_organisation
from tests.factories.listings import make_listing
from tests.integration.processes import ROOT, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _source_mentions(package: str, text: str) -> bool:
    return any(text in path.read_text() for path in (ROOT / package).rglob("*.py"))


def test_booking_confirmation_is_emailed_once_by_the_worker(stack):
    events = pytest.importorskip("events.services", reason="events are not in the tree yet")
    from events.models import Booking  # needs the events app
    from tests.factories.events import make_event, ticket

    worker = stack.worker()
    booker = UserFactory(full_name="Bea Booker", email="bea@example.org")
    event = make_event(title="Digital breakfast", capacity=10)

    booking = events.booking_create(
        actor=booker,
        ticket_type=ticket(event),
        attendees=[events.AttendeeData(name="Bea Booker", email="bea@example.org")],
    )

    wait_until(
        lambda: Booking.objects.filter(pk=booking.pk, confirmation_sent_at__isnull=False).exists(),
        timeout=45,
        what="the worker to send the confirmation and record it",
    )
    time.sleep(2)  # a duplicate would arrive now
    [received] = stack.smtp.messages
    assert received.rcpt_tos == ("bea@example.org",)
    assert received.subject == f"Booking confirmed: Digital breakfast ({booking.reference})"
    assert received.attachments() == [(f"{event.slug}.ics", "text/calendar")]
    assert "events.tasks.send_booking_confirmation" in worker.log()


def test_saved_search_digest_goes_out_once_on_the_beat_schedule(stack):
    worker = stack.worker()
    reader = UserFactory(email="officer@northshire.example")
    saved = listing_services.saved_search_create(
        actor=reader,
        name="Bins",
        params=SearchParams(q="bins"),
        frequency=AlertFrequency.DAILY,
    )
    # The last digest went out two days ago; one listing matched since.
    SavedSearch.objects.filter(pk=saved.pk).update(last_sent_at=timezone.now() - timedelta(days=2))
    make_listing(title="Smart bins for town centres")
    make_listing(title="Potholes reported by photo", summary="Residents send a photo.")

    beat = stack.beat("listings.tasks.send_saved_search_alerts=1")

    wait_until(lambda: stack.smtp.messages, timeout=45, what="the saved-search digest")
    sent_before = beat.log().count("Sending due task")
    beat.wait_for_log("Sending due task", count=sent_before + 3, timeout=30)
    time.sleep(1)  # the last run reaches the worker
    [received] = stack.smtp.messages
    assert received.rcpt_tos == ("officer@northshire.example",)
    assert received.subject == "1 new listing match your saved searches"
    assert "Smart bins for town centres" in received.message.get_body(("plain",)).get_content()
    assert worker.log().count("listings.tasks.send_saved_search_alerts") >= 4


def test_publishing_a_listing_makes_the_worker_store_matches_and_notify(stack):
    if not _source_mentions("listings", "matching.tasks.listing_changed"):
        pytest.skip(
            "listing services do not queue matching.tasks.listing_changed yet "
            "(matching is not wired to publishing)"
        )
    from matching.models import Match  # the matching app exists once it is wired
    from tests.factories.matching import make_match_listing, make_needs

    stack.worker()
    [isolation] = make_needs("Reducing isolation")
    council = make_organisation(name="Northshire County Council", kind="council")
    charity = make_organisation(name="Silver Threads", kind="third_sector")
    request = make_match_listing(
        council,
        kind="request",
        title="Reducing isolation among older people in rural villages",
        summary="Connect older people living alone with befriending and community groups.",
        needs=[isolation],
        tags=["befriending", "rural"],
        region="north_west",
    )
    offer = make_match_listing(
        charity,
        kind="service",
        title="Telephone befriending for older people",
        summary="Volunteers call older people who live alone every week.",
        needs=[isolation],
        tags=["befriending", "volunteers"],
        region="north_west",
    )

    wait_until(
        lambda: Notification.objects.filter(kind="match").count() == 2,
        timeout=60,
        what="the worker to store the matches and notify both organisations",
    )
    time.sleep(2)  # a duplicate notification would arrive now
    pairs = sorted(Match.objects.values_list("source_id", "target_id"))
    assert pairs == sorted([(offer.pk, request.pk), (request.pk, offer.pk)])
    notified = sorted(
        Notification.objects.filter(kind="match").values_list("recipient_id", "target_id")
    )
    assert notified == sorted(
        [
            (council.memberships.get().user_id, str(request.pk)),
            (charity.memberships.get().user_id, str(offer.pk)),
        ]
    )


def test_failed_webhook_delivery_is_retried_then_succeeds(stack, settings):
    from api.models import WebhookDelivery
    from api.webhooks import services as webhook_services
    from api.webhooks.signing import verify
    from tests.webhook_receiver import receiving

    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    # The first retry after one second (instead of a minute), relayed by beat every second.
    # The worker checks the receiver's address before each send: it needs the allow list too.
    stack.worker(WEBHOOK_FIRST_RETRY_SECONDS="1", WEBHOOK_ALLOW_HTTP_HOSTS="127.0.0.1")
    stack.beat("exchange.tasks.outbox_relay=1", WEBHOOK_FIRST_RETRY_SECONDS="1")
    partner = make_organisation(name="Partner council")
    with receiving(answers=[500], then=200) as receiver:
        endpoint, secret = webhook_services.webhook_endpoint_create(
            actor=partner.memberships.get().user,
            organisation=partner,
            url=receiver.url,
            event_types=["listing.published"],
        )
        listing = make_listing(title="Smart bins for town centres")

        wait_until(
            lambda: WebhookDelivery.objects.filter(status="succeeded").exists(),
            timeout=60,
            what="the worker to deliver, fail, retry and succeed",
        )
        time.sleep(2)  # a duplicate attempt would arrive now
        requests = list(receiver.requests)

    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.endpoint_id, delivery.status, delivery.attempts) == (
        endpoint.pk,
        "succeeded",
        2,
    )
    assert delivery.response_code == 200
    assert len(requests) == 2
    assert [r.headers["Exchange-Delivery"] for r in requests] == [str(delivery.delivery_id)] * 2
    assert [r.headers["Exchange-Event"] for r in requests] == ["listing.published"] * 2
    assert all(verify(secret, r.headers["Exchange-Signature"], r.body) for r in requests)
    assert delivery.payload["data"] == {
        "id": listing.pk,
        "url": f"https://exchange.test/api/v1/listings/{listing.pk}/",
    }
