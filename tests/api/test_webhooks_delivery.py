"""Outgoing webhooks end to end in one process: domain change → outbox → fan-out → signed
POST to a real HTTP server on 127.0.0.1 → log, retries, auto-disable, visibility."""

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import transaction

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import services
from api.webhooks.signing import verify
from events import services as event_services
from exchange.models import Notification, OutboxMessage
from exchange.outbox import outbox_relay
from listings import services as listing_services
from listings.enums import Visibility
from tests.factories.events import book, make_event, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing
from tests.webhook_receiver import receiving

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _local_receivers(settings):
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    settings.SITE_URL = "https://exchange.example"


def endpoint_for(organisation, url, *event_types, admin=None):
    admin = admin or organisation.memberships.order_by("pk").first().user
    endpoint, _secret = services.webhook_endpoint_create(
        actor=admin,
        organisation=organisation,
        url=url,
        event_types=list(event_types) or ["listing.published"],
    )
    return endpoint


def deliveries(endpoint):
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .order_by("pk")
        .values_list("event_type", "status", "attempts", "response_code")
    )


def test_published_listing_is_delivered_signed_with_a_small_payload(
    django_capture_on_commit_callbacks,
):
    partner = make_organisation(name="Partner council")
    with receiving() as receiver:
        endpoint = endpoint_for(partner, receiver.url, "listing.published")
        owner = make_organisation(name="Supplier")
        draft = make_listing(organisation=owner, publish=False)

        with django_capture_on_commit_callbacks(execute=True):
            listing_services.listing_publish(actor=owner.memberships.get().user, listing=draft)

    delivery = WebhookDelivery.objects.get()
    [request] = receiver.requests
    body = json.loads(request.body)
    assert body == {
        "id": str(delivery.delivery_id),
        "type": "listing.published",
        "created": body["created"],
        "data": {"id": draft.pk, "url": f"https://exchange.example/api/v1/listings/{draft.pk}/"},
    }
    assert request.headers["Exchange-Delivery"] == str(delivery.delivery_id)
    assert request.headers["Exchange-Event"] == "listing.published"
    assert request.headers["Content-Type"] == "application/json"
    assert verify(endpoint.secret, request.headers["Exchange-Signature"], request.body) is True
    assert verify("whsec_wrong", request.headers["Exchange-Signature"], request.body) is False
    assert deliveries(endpoint) == [("listing.published", "succeeded", 1, 200)]
    assert delivery.response_excerpt == "answered 200"
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_unsubscribed_and_switched_off_endpoints_get_nothing(django_capture_on_commit_callbacks):
    partner = make_organisation()
    with receiving() as receiver:
        updates_only = endpoint_for(partner, receiver.url, "listing.updated")
        switched_off = endpoint_for(partner, receiver.url, "listing.published")
        services.webhook_endpoint_update(
            actor=partner.memberships.get().user, endpoint=switched_off, is_active=False
        )
        with django_capture_on_commit_callbacks(execute=True):
            make_listing()

    assert receiver.requests == []
    assert WebhookDelivery.objects.filter(endpoint__in=[updates_only, switched_off]).count() == 0


def test_fan_out_twice_for_one_message_makes_one_delivery(django_capture_on_commit_callbacks):
    partner = make_organisation()
    with receiving() as receiver:
        endpoint = endpoint_for(partner, receiver.url, "listing.published")
        with django_capture_on_commit_callbacks(execute=True):
            make_listing()
        message = OutboxMessage.objects.get(kind="domain_event")

        again = services.domain_event_fan_out(message)
        outbox_relay()

    assert again == 0
    assert deliveries(endpoint) == [("listing.published", "succeeded", 1, 200)]
    assert len(receiver.requests) == 1


# --- Visibility ----------------------------------------------------------------------------------


def test_listing_events_reach_only_organisations_that_may_see_the_listing(
    django_capture_on_commit_callbacks,
):
    owner, named, other = (make_organisation(name=n) for n in ("Owner", "Named", "Other"))
    with receiving() as receiver:
        hooks = {
            org.name: endpoint_for(org, f"{receiver.url}/{org.name}", "listing.published")
            for org in (owner, named, other)
        }
        with django_capture_on_commit_callbacks(execute=True):
            shared = make_listing(
                organisation=owner, visibility=Visibility.SHARED, shared_with=[named]
            )
            members = make_listing(organisation=owner, visibility=Visibility.MEMBERS)

    sent = sorted(
        (d.endpoint.organisation.name, d.payload["data"]["id"])
        for d in WebhookDelivery.objects.select_related("endpoint__organisation")
    )
    assert sent == sorted(
        [
            ("Named", members.pk),
            ("Named", shared.pk),
            ("Other", members.pk),
            ("Owner", members.pk),
            ("Owner", shared.pk),
        ]
    )
    assert sorted(r.path for r in receiver.requests) == sorted(f"/hook/{name}" for name, _ in sent)
    assert set(hooks) == {"Owner", "Named", "Other"}


def test_draft_updates_reach_only_the_owner(django_capture_on_commit_callbacks):
    owner, other = make_organisation(name="Owner"), make_organisation(name="Other")
    draft = make_listing(organisation=owner, publish=False)
    with receiving() as receiver:
        mine = endpoint_for(owner, receiver.url, "listing.updated")
        theirs = endpoint_for(other, receiver.url, "listing.updated")
        with django_capture_on_commit_callbacks(execute=True):
            listing_services.listing_update(
                actor=owner.memberships.get().user, listing=draft, title="Renamed"
            )

    assert deliveries(mine) == [("listing.updated", "succeeded", 1, 200)]
    assert deliveries(theirs) == []


def test_booking_events_reach_the_booker_and_organiser_organisations_only(
    django_capture_on_commit_callbacks,
):
    organiser, booker_org, bystander = (
        make_organisation(name=n) for n in ("Organiser", "Booker org", "Bystander")
    )
    event = make_event(organisation=organiser)
    booker = add_member(booker_org, UserFactory(email="bea@example.org"))
    with receiving() as receiver:
        hooks = [
            endpoint_for(org, receiver.url, "booking.confirmed", "booking.cancelled")
            for org in (organiser, booker_org, bystander)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            booking = book(ticket(event), user=booker, organisation=booker_org)
        with django_capture_on_commit_callbacks(execute=True):
            event_services.booking_cancel(actor=booker, booking=booking)

    expected = [
        ("booking.confirmed", "succeeded", 1, 200),
        ("booking.cancelled", "succeeded", 1, 200),
    ]
    assert [deliveries(h) for h in hooks] == [expected, expected, []]
    urls = {json.loads(r.body)["data"]["url"] for r in receiver.requests}
    assert urls == {f"https://exchange.example/api/v1/bookings/{booking.reference}/"}


# --- Retries and failures ------------------------------------------------------------------------


def _pending_delivery(url):
    partner = make_organisation()
    endpoint = endpoint_for(partner, url, "listing.published")
    make_listing()  # on-commit work not run: the relay below does it
    OutboxMessage.objects.filter(kind="task").delete()  # notification emails: not our subject
    message = OutboxMessage.objects.get(kind="domain_event")
    with transaction.atomic():  # as in the relay
        services.domain_event_fan_out(message)
    return endpoint, WebhookDelivery.objects.get(endpoint=endpoint)


def test_retry_schedule_has_exact_times_and_gives_up_after_the_last(settings):
    settings.WEBHOOK_RETRY_SECONDS = [60, 300, 1800]
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 30
    with receiving(then=503) as receiver:
        endpoint, delivery = _pending_delivery(receiver.url)
        now, seen = NOW, []
        for attempt in range(1, 5):
            status = services.webhook_delivery_attempt(
                delivery_id=delivery.pk, attempt=attempt, now=now
            )
            delivery.refresh_from_db()
            seen.append((status, delivery.attempts, delivery.next_attempt_at))
            now = delivery.next_attempt_at or now

    assert seen == [
        ("pending", 1, NOW + timedelta(seconds=60)),
        ("pending", 2, NOW + timedelta(seconds=360)),
        ("pending", 3, NOW + timedelta(seconds=2160)),
        ("given_up", 4, None),
    ]
    retries = [
        m.available_at
        for m in OutboxMessage.objects.filter(kind="task")
        if m.payload["task"] == "api.webhooks.tasks.deliver_webhook" and m.available_at > NOW
    ]
    assert sorted(retries) == [
        NOW + timedelta(seconds=60),
        NOW + timedelta(seconds=360),
        NOW + timedelta(seconds=2160),
    ]
    assert len({r.headers["Exchange-Delivery"] for r in receiver.requests}) == 1
    assert len(receiver.requests) == 4
    endpoint.refresh_from_db()
    assert (endpoint.failure_streak, endpoint.failing_since, endpoint.is_active) == (1, NOW, True)


def test_default_schedule_spans_about_three_days(settings):
    waits = [services.retry_at(n, NOW) for n in range(1, 10)]

    assert waits[-1] is None
    assert waits[-2] - NOW == timedelta(hours=24)
    total = sum(settings.WEBHOOK_RETRY_SECONDS)
    assert (total, timedelta(seconds=total)) == (236_160, timedelta(days=2, hours=17, minutes=36))


def test_stale_or_repeated_attempts_are_skipped():
    with receiving() as receiver:
        _, delivery = _pending_delivery(receiver.url)
        first = services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)
        repeat = services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)
        ahead = services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=3, now=NOW)

    assert (first, repeat, ahead) == ("succeeded", "skipped", "skipped")
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("code", "status", "retried"),
    [
        (400, "failed", False),
        (404, "failed", False),
        (408, "pending", True),
        (429, "pending", True),
        (500, "pending", True),
        (302, "failed", False),
    ],
)
def test_which_answers_are_retried(code, status, retried):
    with receiving(then=code) as receiver:
        _, delivery = _pending_delivery(receiver.url)
        outcome = services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)

    delivery.refresh_from_db()
    assert (outcome, delivery.response_code, delivery.next_attempt_at is not None) == (
        status,
        code,
        retried,
    )


def test_network_error_is_recorded_and_retried():
    with receiving() as receiver:
        url = receiver.url
    _, delivery = _pending_delivery(url)  # nobody listens there any more

    outcome = services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)

    delivery.refresh_from_db()
    assert (outcome, delivery.response_code) == ("pending", None)
    assert delivery.error.startswith("URLError")
    assert delivery.next_attempt_at == NOW + timedelta(seconds=60)


def test_a_name_resolving_to_a_private_address_is_not_sent_and_retried_later(monkeypatch):
    # Registered while public, the name now points inside (DNS is the outside world here).
    _, delivery = _pending_delivery("https://hooks.partner.example/in")
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "hooks.partner.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    outcome = services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)

    delivery.refresh_from_db()
    assert (outcome, delivery.attempts, delivery.response_code) == ("pending", 1, None)
    assert delivery.error == "Not sent: the host name resolves to a private address."
    assert delivery.next_attempt_at == NOW + timedelta(seconds=60)


def test_endpoint_failing_n_deliveries_in_a_row_is_switched_off_and_admins_told_once(
    settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    partner = make_organisation(name="Partner")
    admin = partner.memberships.get().user
    second_admin = add_member(partner, role="admin")
    member = add_member(partner)
    with receiving(then=410) as receiver:
        endpoint = endpoint_for(partner, receiver.url, "listing.published")
        for n in range(5):
            with django_capture_on_commit_callbacks(execute=True):
                make_listing(title=f"Listing {n}")

    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.failure_streak) == (False, 3)
    assert endpoint.disabled_reason == "3 deliveries failed in a row."
    assert deliveries(endpoint) == [("listing.published", "failed", 1, 410)] * 3
    assert len(receiver.requests) == 3
    told = Notification.objects.filter(text__startswith="Webhook endpoint")
    assert sorted(n.recipient_id for n in told) == sorted([admin.pk, second_admin.pk])
    assert member.pk not in [n.recipient_id for n in told]
    assert sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Webhook")) == sorted(
        [admin.email, second_admin.email]
    )


def test_endpoint_failing_for_days_is_switched_off_on_the_next_failure(settings):
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 3
    with receiving(then=500) as receiver:
        endpoint, delivery = _pending_delivery(receiver.url)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=NOW - timedelta(days=3))
        services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)

    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (
        False,
        "No delivery succeeded for 3 days.",
    )
    assert Notification.objects.filter(text__startswith="Webhook endpoint").count() == 1


def test_a_success_clears_the_failure_record():
    with receiving(answers=[500], then=200) as receiver:
        endpoint, delivery = _pending_delivery(receiver.url)
        services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)
        endpoint.refresh_from_db()
        failing = (endpoint.failure_streak, endpoint.failing_since)
        services.webhook_delivery_attempt(
            delivery_id=delivery.pk, attempt=2, now=NOW + timedelta(minutes=1)
        )

    endpoint.refresh_from_db()
    assert failing == (0, NOW)
    assert (endpoint.failure_streak, endpoint.failing_since) == (0, None)
    assert deliveries(endpoint) == [("listing.published", "succeeded", 2, 200)]


def test_attempt_on_a_switched_off_endpoint_gives_up_without_sending():
    with receiving() as receiver:
        endpoint, delivery = _pending_delivery(receiver.url)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
        outcome = services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)

    assert (outcome, receiver.requests) == ("given_up", [])


def test_manual_redeliver_is_a_new_attempt_with_the_same_delivery_id(
    django_capture_on_commit_callbacks,
):
    with receiving(answers=[400], then=200) as receiver:
        endpoint, delivery = _pending_delivery(receiver.url)
        services.webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1, now=NOW)
        with django_capture_on_commit_callbacks(execute=True):
            services.webhook_delivery_redeliver(
                actor=endpoint.organisation.memberships.get().user, delivery=delivery
            )

    assert deliveries(endpoint) == [("listing.published", "succeeded", 2, 200)]
    assert [r.headers["Exchange-Delivery"] for r in receiver.requests] == [
        str(delivery.delivery_id)
    ] * 2
