"""Card payments end to end with the real stripe library: Checkout and refunds against a
local stub server, webhooks signed offline with Stripe's HMAC scheme and posted to our
endpoint. Bad signatures change nothing; replays have no second effect; events delivered
out of order still end in the right state."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import payments, services
from events.enums import PaymentMethod
from events.models import Booking, Payment, Refund, StripeEvent, WaitlistEntry
from exchange.exceptions import InvalidTransition, PermissionDenied
from exchange.models import Notification
from tests.events.stripe_stub import event_payload, sign
from tests.factories.events import book, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db

WEBHOOK = reverse("stripe-webhook")
SECRET = "whsec_test_oix"


@pytest.fixture
def paid_event():
    return make_event(capacity=2, tickets=[{"name": "Delegate", "price_pence": 2500}])


def card_booking(event, user=None, quantity=1):
    return book(ticket(event), user=user, quantity=quantity, payment_method=PaymentMethod.CARD)


def checkout(booking):
    url = services.booking_checkout_start(actor=booking.booker, booking=booking)
    return url, Payment.objects.get(booking=booking)


def post_event(client, event_id, event_type, obj, *, secret=SECRET, timestamp=None):
    payload = event_payload(event_id, event_type, obj)
    return client.post(
        WEBHOOK,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret, timestamp),
    )


def completed(payment, *, payment_status="paid", intent="pi_test_1"):
    return {
        "id": payment.checkout_session_id,
        "object": "checkout.session",
        "payment_status": payment_status,
        "status": "complete",
        "payment_intent": intent,
        "amount_total": payment.amount_pence,
        "metadata": {"booking": payment.booking.reference},
        "client_reference_id": payment.booking.reference,
    }


def expired(payment):
    return {
        "id": payment.checkout_session_id,
        "object": "checkout.session",
        "payment_status": "unpaid",
        "status": "expired",
        "payment_intent": None,
        "metadata": {"booking": payment.booking.reference},
    }


def state(booking):
    booking.refresh_from_db()
    return (
        booking.status,
        list(booking.payments.values_list("status", flat=True)),
        list(Refund.objects.filter(booking=booking).values_list("status", flat=True)),
        StripeEvent.objects.count(),
    )


# --- Checkout ---------------------------------------------------------------------------------


def test_checkout_start_creates_one_session_with_idempotency_key(stripe_stub, paid_event):
    booking = card_booking(paid_event, quantity=2)

    url, payment = checkout(booking)
    again = services.booking_checkout_start(actor=booking.booker, booking=booking)

    assert url == again == "https://checkout.stripe.test/c/pay/cs_test_1"
    calls = stripe_stub.calls("/v1/checkout/sessions")
    assert len(calls) == 1
    request = calls[0]
    assert request["headers"]["Authorization"] == "Bearer sk_test_oix"
    assert request["headers"]["Idempotency-Key"].startswith(
        f"oix-booking-{booking.reference}-checkout-"
    )
    params = request["params"]
    assert params["line_items"]["0"]["quantity"] == "2"
    assert params["line_items"]["0"]["price_data"] == {
        "currency": "gbp",
        "unit_amount": "2500",
        "product_data": {"name": "Digital breakfast – Delegate"},
    }
    assert (params["mode"], params["client_reference_id"], params["metadata"]) == (
        "payment",
        booking.reference,
        {"booking": booking.reference},
    )
    assert params["success_url"] == f"http://testserver/bookings/{booking.reference}/?paid=1"
    assert (payment.checkout_session_id, payment.amount_pence, payment.status) == (
        "cs_test_1",
        5000,
        "open",
    )
    booking.refresh_from_db()
    assert booking.status == "pending"  # only the webhook confirms


def test_checkout_start_refused_for_someone_else_and_after_hold(stripe_stub, paid_event):
    booking = card_booking(paid_event)

    with pytest.raises(PermissionDenied):
        services.booking_checkout_start(actor=UserFactory(), booking=booking)
    with pytest.raises(InvalidTransition, match="no longer held"):
        services.booking_checkout_start(
            actor=booking.booker, booking=booking, now=booking.hold_expires_at
        )

    assert stripe_stub.requests == []


def test_payments_fail_loudly_without_keys(settings, paid_event):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""

    with pytest.raises(payments.PaymentsDisabled):
        payments.expire_checkout_session("cs_x")
    with pytest.raises(payments.PaymentsDisabled):
        payments.verify_webhook(b"{}", "t=1,v1=x")


def test_webhook_completed_confirms_and_sends_tickets_once(
    client, stripe_stub, paid_event, django_capture_on_commit_callbacks
):
    booking = card_booking(paid_event)
    _, payment = checkout(booking)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, "evt_1", "checkout.session.completed", completed(payment))
    with django_capture_on_commit_callbacks(execute=True):
        replay = post_event(client, "evt_1", "checkout.session.completed", completed(payment))

    assert (response.status_code, response.json()) == (
        200,
        {"received": True, "outcome": "confirmed"},
    )
    assert replay.json() == {"received": True, "outcome": "duplicate"}
    payment.refresh_from_db()
    assert (payment.status, payment.payment_intent_id) == ("paid", "pi_test_1")
    assert state(booking) == ("confirmed", ["paid"], [], 1)
    assert Notification.objects.filter(recipient=booking.booker).count() == 1
    assert [m.subject for m in mail.outbox] == [
        f"Booking confirmed: Digital breakfast ({booking.reference})",
        "Your ticket for Digital breakfast",
    ]


def test_webhook_same_payment_under_new_event_id_has_no_second_effect(
    client, stripe_stub, paid_event
):
    booking = card_booking(paid_event)
    _, payment = checkout(booking)
    post_event(client, "evt_1", "checkout.session.completed", completed(payment))

    response = post_event(client, "evt_2", "checkout.session.completed", completed(payment))

    assert response.json()["outcome"] == "already paid"
    assert state(booking) == ("confirmed", ["paid"], [], 2)
    assert Notification.objects.filter(recipient=booking.booker).count() == 1


@pytest.mark.parametrize(
    "tamper",
    ["wrong secret", "changed body", "stale timestamp", "no header", "not json"],
)
def test_webhook_bad_signature_is_400_and_changes_nothing(client, stripe_stub, paid_event, tamper):
    booking = card_booking(paid_event)
    _, payment = checkout(booking)
    payload = event_payload("evt_bad", "checkout.session.completed", completed(payment))
    header = sign(payload, SECRET)
    if tamper == "wrong secret":
        header = sign(payload, "whsec_someone_else")
    elif tamper == "changed body":
        payload = payload.replace('"paid"', '"paid" ')
    elif tamper == "stale timestamp":
        header = sign(payload, SECRET, timestamp=int(time.time()) - 3600)
    elif tamper == "no header":
        header = ""
    elif tamper == "not json":
        payload = "not json"
        header = sign(payload, SECRET)
    before = state(booking)

    response = client.post(
        WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )

    assert (response.status_code, response.json()) == (400, {"error": "invalid signature"})
    assert state(booking) == before == ("pending", ["open"], [], 0)


def test_webhook_without_secret_configured_is_503(client, settings, paid_event):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_event(client, "evt_1", "checkout.session.completed", {"id": "cs"})

    assert response.status_code == 503
    assert StripeEvent.objects.count() == 0


def test_webhook_get_not_allowed(client):
    assert client.get(WEBHOOK).status_code == 405


# --- Out of order -----------------------------------------------------------------------------


def test_expired_after_completed_leaves_paid_booking_confirmed(client, stripe_stub, paid_event):
    booking = card_booking(paid_event)
    _, payment = checkout(booking)
    post_event(client, "evt_1", "checkout.session.completed", completed(payment))

    response = post_event(client, "evt_2", "checkout.session.expired", expired(payment))

    assert response.json()["outcome"] == "ignored: booking confirmed"
    assert state(booking) == ("confirmed", ["paid"], [], 2)


def test_expired_releases_hold_and_offers_seats_to_waitlist(client, stripe_stub, paid_event):
    booking = card_booking(paid_event, quantity=2)
    _, payment = checkout(booking)
    waiter = UserFactory()
    entry = services.waitlist_join(actor=waiter, ticket_type=ticket(paid_event), quantity=1)

    response = post_event(client, "evt_1", "checkout.session.expired", expired(payment))

    entry.refresh_from_db()
    assert response.json()["outcome"] == "hold released"
    assert state(booking) == ("expired", ["expired"], [], 1)
    assert entry.status == "offered"


def test_completed_after_hold_released_reconfirms_when_seats_are_free(
    client, stripe_stub, paid_event
):
    booking = card_booking(paid_event)
    _, payment = checkout(booking)
    post_event(client, "evt_1", "checkout.session.expired", expired(payment))

    response = post_event(client, "evt_2", "checkout.session.completed", completed(payment))

    assert response.json()["outcome"] == "confirmed after the hold lapsed"
    assert state(booking) == ("confirmed", ["paid"], [], 2)


def test_completed_after_seats_went_is_refunded(
    client, stripe_stub, paid_event, django_capture_on_commit_callbacks
):
    booking = card_booking(paid_event, quantity=2)
    _, payment = checkout(booking)
    services.holds_release_expired(now=booking.hold_expires_at + timedelta(minutes=10))
    stripe_stub.refund_status = "succeeded"
    book(ticket(paid_event), payment_method=PaymentMethod.CARD, quantity=2)  # seats re-sold

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, "evt_1", "checkout.session.completed", completed(payment))

    assert response.json()["outcome"] == "refunding: paid after the seats were released"
    refund_call = stripe_stub.calls("/v1/refunds")[0]
    assert refund_call["params"]["payment_intent"] == "pi_test_1"
    assert refund_call["params"]["amount"] == "5000"
    assert state(booking) == ("refunded", ["refunded"], ["succeeded"], 1)


def test_async_payment_completed_unpaid_then_succeeded(client, stripe_stub, paid_event):
    booking = card_booking(paid_event)
    _, payment = checkout(booking)

    first = post_event(
        client, "evt_1", "checkout.session.completed", completed(payment, payment_status="unpaid")
    )
    pending = state(booking)
    second = post_event(
        client, "evt_2", "checkout.session.async_payment_succeeded", completed(payment)
    )

    assert first.json()["outcome"] == "awaiting an asynchronous payment"
    assert pending == ("pending", ["open"], [], 1)
    assert second.json()["outcome"] == "confirmed"
    assert state(booking) == ("confirmed", ["paid"], [], 2)


def test_async_payment_failed_releases_hold(client, stripe_stub, paid_event):
    booking = card_booking(paid_event)
    _, payment = checkout(booking)

    response = post_event(
        client,
        "evt_1",
        "checkout.session.async_payment_failed",
        completed(payment, payment_status="unpaid"),
    )

    assert response.json()["outcome"] == "hold released"
    assert state(booking) == ("expired", ["failed"], [], 1)


def test_unknown_event_types_and_sessions_are_recorded_and_ignored(client, stripe_stub):
    other = post_event(client, "evt_1", "customer.created", {"id": "cus_1"})
    stranger = post_event(
        client, "evt_2", "checkout.session.completed", {"id": "cs_unknown", "metadata": {}}
    )

    assert other.json()["outcome"] == "ignored: not handled"
    assert stranger.json()["outcome"] == "ignored: no booking for this session"
    assert list(StripeEvent.objects.order_by("event_id").values_list("event_id", "type")) == [
        ("evt_1", "customer.created"),
        ("evt_2", "checkout.session.completed"),
    ]


def test_completed_for_lost_session_record_is_matched_by_metadata(client, stripe_stub, paid_event):
    booking = card_booking(paid_event)
    obj = {
        "id": "cs_lost",
        "payment_status": "paid",
        "payment_intent": "pi_lost",
        "amount_total": 2500,
        "expires_at": int(time.time()) + 1800,
        "metadata": {"booking": booking.reference},
    }

    response = post_event(client, "evt_1", "checkout.session.completed", obj)

    assert response.json()["outcome"] == "confirmed"
    assert list(Payment.objects.values_list("checkout_session_id", "status")) == [
        ("cs_lost", "paid")
    ]


# --- Refunds ----------------------------------------------------------------------------------


def paid_booking(client, event, user=None):
    booking = card_booking(event, user=user)
    _, payment = checkout(booking)
    intent = f"pi_{booking.reference}"
    post_event(
        client,
        f"evt_pay_{booking.pk}",
        "checkout.session.completed",
        completed(payment, intent=intent),
    )
    return booking, intent


def test_cancel_refunds_card_through_stripe_confirmed_by_webhook(
    client, stripe_stub, paid_event, django_capture_on_commit_callbacks
):
    booking, intent = paid_booking(client, paid_event)

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=booking.booker, booking=booking)

    refund = Refund.objects.get()
    call = stripe_stub.calls("/v1/refunds")[0]
    assert call["headers"]["Idempotency-Key"] == f"oix-refund-{refund.pk}"
    assert call["params"] == {
        "payment_intent": intent,
        "amount": "2500",
        "metadata": {"booking": booking.reference, "refund": str(refund.pk)},
    }
    assert (refund.stripe_refund_id, refund.status) == ("re_test_1", "pending")
    assert state(booking)[:3] == ("cancelled", ["paid"], ["pending"])

    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": intent,
        "refunded": True,
        "amount_refunded": 2500,
    }
    response = post_event(client, "evt_refund", "charge.refunded", charge)
    replay = post_event(client, "evt_refund", "charge.refunded", charge)
    late = post_event(
        client,
        "evt_refund_upd",
        "refund.updated",
        {"id": "re_test_1", "object": "refund", "status": "pending"},
    )

    assert response.json()["outcome"] == "refund succeeded"
    assert replay.json()["outcome"] == "duplicate"
    assert late.json()["outcome"] == "ignored: refund already further along"
    assert state(booking)[:3] == ("refunded", ["refunded"], ["succeeded"])
    assert Notification.objects.filter(recipient=booking.booker).order_by("-pk").first().text == (
        f"Refund of £25 for booking {booking.reference} (Digital breakfast) has been processed."
    )


def test_refund_webhook_before_our_record_of_the_refund_id(
    client, stripe_stub, paid_event, django_capture_on_commit_callbacks
):
    booking, _ = paid_booking(client, paid_event)
    with django_capture_on_commit_callbacks(execute=False):  # Stripe call not made yet
        services.booking_cancel(actor=booking.booker, booking=booking)
    refund = Refund.objects.get()

    response = post_event(
        client,
        "evt_r",
        "refund.updated",
        {"id": "re_early", "status": "succeeded", "metadata": {"refund": str(refund.pk)}},
    )
    sent = services.refund_send(refund_id=refund.pk)

    refund.refresh_from_db()
    assert response.json()["outcome"] == "refund succeeded"
    assert (sent, refund.stripe_refund_id, refund.status) == (False, "re_early", "succeeded")
    assert stripe_stub.calls("/v1/refunds") == []
    assert state(booking)[0] == "refunded"


def test_refund_refused_by_stripe_marks_failed_and_tells_organisers(
    client, stripe_stub, paid_event, django_capture_on_commit_callbacks
):
    booking, _ = paid_booking(client, paid_event)
    stripe_stub.fail_refunds = True

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=booking.booker, booking=booking)

    refund = Refund.objects.get()
    assert (refund.status, refund.failure_reason) == (
        "failed",
        "This charge has already been refunded.",
    )
    organiser = organiser_of(paid_event)
    assert Notification.objects.get(recipient=organiser).text.startswith(
        "The card refund of £25 for booking"
    )


def test_dashboard_refund_cancels_booking_and_frees_seat(client, stripe_stub, paid_event):
    booking, intent = paid_booking(client, paid_event)
    charge = {"id": "ch_1", "payment_intent": intent, "refunded": True, "amount_refunded": 2500}

    response = post_event(client, "evt_dash", "charge.refunded", charge)

    assert response.json()["outcome"] == "refund succeeded"
    assert state(booking)[:3] == ("refunded", ["refunded"], ["succeeded"])
    assert stripe_stub.calls("/v1/refunds") == []  # no second refund asked for


def test_event_cancel_refunds_every_card_payment(
    client, stripe_stub, paid_event, django_capture_on_commit_callbacks
):
    _first, _ = paid_booking(client, paid_event)
    _second, _ = paid_booking(client, paid_event)
    waiter = UserFactory()
    services.waitlist_join(actor=waiter, ticket_type=ticket(paid_event), quantity=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=organiser_of(paid_event), event=paid_event, reason="Snow")

    assert sorted(c["params"]["amount"] for c in stripe_stub.calls("/v1/refunds")) == [
        "2500",
        "2500",
    ]
    assert sorted(Refund.objects.values_list("status", flat=True)) == ["pending", "pending"]
    assert set(Booking.objects.values_list("status", flat=True)) == {"cancelled"}
    assert list(WaitlistEntry.objects.values_list("status", flat=True)) == ["expired"]


def test_cancelling_pending_booking_closes_checkout_session(
    stripe_stub, paid_event, django_capture_on_commit_callbacks
):
    booking = card_booking(paid_event)
    _, payment = checkout(booking)

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=booking.booker, booking=booking)

    assert [c["path"] for c in stripe_stub.calls("/v1/checkout/sessions/")] == [
        f"/v1/checkout/sessions/{payment.checkout_session_id}/expire"
    ]
    assert stripe_stub.sessions[payment.checkout_session_id]["status"] == "expired"


def test_refunds_send_requested_sweeps_refunds_that_never_reached_stripe(
    client, stripe_stub, paid_event, django_capture_on_commit_callbacks
):
    booking, _ = paid_booking(client, paid_event)
    with django_capture_on_commit_callbacks(execute=False):
        services.booking_cancel(actor=booking.booker, booking=booking)
    created = Refund.objects.get().created_at

    early = services.refunds_send_requested(now=created + timedelta(minutes=5))
    swept = services.refunds_send_requested(now=created + timedelta(minutes=11))

    assert (early, swept) == (0, 1)
    assert list(Refund.objects.values_list("status", "stripe_refund_id")) == [
        ("pending", "re_test_1")
    ]


def test_checkout_network_failure_raises_network_error(stripe_on, monkeypatch, paid_event):
    import stripe

    monkeypatch.setattr(stripe, "api_base", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(payments, "MAX_NETWORK_RETRIES", 0)
    booking = card_booking(paid_event)

    with pytest.raises(payments.PaymentNetworkError):
        services.booking_checkout_start(actor=booking.booker, booking=booking)

    assert Payment.objects.count() == 0
    assert timezone.now() < booking.hold_expires_at
