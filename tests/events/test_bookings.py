from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.enums import BookingStatus, PaymentMethod, PaymentStatus, RefundStatus
from events.models import Attendee, Booking, Payment, Refund, WaitlistEntry
from events.services import AttendeeData, InvoiceDetails, SoldOut
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Notification
from tests.factories.events import INVOICE, book, in_days, make_event, organiser_of, people, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything a booking service may change, to assert that a refused call changed nothing."""
    return (
        list(Booking.objects.order_by("pk").values_list("pk", "status", "quantity")),
        Attendee.objects.count(),
        list(WaitlistEntry.objects.order_by("pk").values_list("pk", "status")),
        list(Refund.objects.values_list("pk", "status")),
        Notification.objects.count(),
    )


def test_booking_create_free_confirms_at_once_with_one_attendee_per_seat(booker):
    event = make_event(capacity=10)
    now = timezone.now()

    booking = services.booking_create(
        actor=booker, ticket_type=ticket(event), attendees=people(3), now=now
    )

    assert (booking.status, booking.payment_method, booking.quantity) == ("confirmed", "free", 3)
    assert (booking.unit_price_pence, booking.total_pence, booking.confirmed_at) == (0, 0, now)
    assert booking.hold_expires_at is None
    assert list(booking.attendees.values_list("name", "email", "position")) == [
        ("Guest 1", "guest1@example.org", 0),
        ("Guest 2", "guest2@example.org", 1),
        ("Guest 3", "guest3@example.org", 2),
    ]
    codes = list(booking.attendees.values_list("code", flat=True))
    assert len(set(codes)) == 3
    assert [len(code) for code in codes] == [32, 32, 32]  # 24 random bytes = 192 bits
    assert len(booking.reference) == 8


def test_booking_create_notifies_once_and_emails_tickets_with_ics(
    booker, django_capture_on_commit_callbacks
):
    event = make_event()

    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            actor=booker,
            ticket_type=ticket(event),
            attendees=[
                AttendeeData("Bea Booker", "bea@example.org"),
                AttendeeData("Colin Colleague", "colin@example.org"),
            ],
        )

    notification = Notification.objects.get(recipient=booker)
    assert notification.kind == "booking"
    assert notification.text.startswith("Booking confirmed: 2 × Standard for Digital breakfast")
    assert notification.emailed_at is not None  # covered by the ticket email
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["bea@example.org"], f"Booking confirmed: Digital breakfast ({booking.reference})"),
        (["colin@example.org"], "Your ticket for Digital breakfast"),
    ]
    name, body, mimetype = mail.outbox[0].attachments[0]
    assert (name, mimetype) == (f"{event.slug}.ics", "text/calendar; method=PUBLISH; charset=utf-8")
    assert f"UID:{event.uid}@open-innovation-exchange" in body.replace("\r\n ", "")
    booking.refresh_from_db()
    assert booking.confirmation_sent_at is not None


def test_booking_confirmation_send_is_idempotent(booker, django_capture_on_commit_callbacks):
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(ticket(event), user=booker)

    sent_again = services.booking_confirmation_send(booking_id=booking.pk)

    assert (sent_again, len(mail.outbox)) == (0, 2)  # booker + the attendee named in book()


def test_booking_create_applies_early_bird_and_group_price(booker, council):
    add_member(council, booker)
    event = make_event(
        tickets=[
            {
                "name": "Delegate",
                "price_pence": 5000,
                "early_bird_price_pence": 4000,
                "early_bird_until": in_days(7),
                "group_tiers": [{"min_seats": 5, "percent_off": 10}],
            }
        ]
    )

    booking = book(
        ticket(event),
        user=booker,
        quantity=5,
        payment_method=PaymentMethod.INVOICE,
        organisation=council,
        invoice=INVOICE,
    )

    assert (booking.unit_price_pence, booking.total_pence) == (3600, 18000)
    assert booking.price_note == "early-bird price, group discount 10%"


def test_booking_create_invoice_for_public_body_confirmed_with_reference(booker, council):
    add_member(council, booker)
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2500}])

    booking = book(
        ticket(event),
        user=booker,
        quantity=2,
        payment_method=PaymentMethod.INVOICE,
        organisation=council,
        invoice=INVOICE,
    )

    assert (booking.status, booking.payment_method, booking.total_pence) == (
        "confirmed",
        "invoice",
        5000,
    )
    assert booking.invoice_reference == f"OIX-{booking.reference}"
    assert (booking.purchase_order, booking.billing_email) == ("PO-1234", "ap@northshire.gov.uk")
    assert booking.invoice_paid_at is None


@pytest.mark.parametrize(
    ("kind", "invoice", "error"),
    [
        (
            "supplier",
            INVOICE,
            {"payment_method": ["Invoices are for public bodies: book for your council."]},
        ),
        ("council", None, {"purchase_order": ["Give the purchase-order number."]}),
        (
            "council",
            InvoiceDetails(purchase_order="PO-9", billing_name="", billing_email=""),
            {"billing_name": ["Give the billing contact's name and email."]},
        ),
    ],
)
def test_booking_create_invoice_refused_without_public_body_or_details(
    booker, kind, invoice, error
):
    org = make_organisation(kind=kind)
    add_member(org, booker)
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2500}])
    before = snapshot()

    with pytest.raises(ValidationError) as exc:
        book(
            ticket(event),
            user=booker,
            payment_method=PaymentMethod.INVOICE,
            organisation=org,
            invoice=invoice,
        )

    assert exc.value.message_dict == error
    assert snapshot() == before


def test_booking_create_card_refused_when_stripe_is_off(booker):
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2500}])
    before = snapshot()

    with pytest.raises(ValidationError) as exc:
        book(ticket(event), user=booker, payment_method=PaymentMethod.CARD)

    assert exc.value.message_dict == {
        "payment_method": ["Card payments are not available here; pay by invoice."]
    }
    assert snapshot() == before


def test_booking_create_card_holds_seats_until_deadline(booker, stripe_on, settings):
    settings.BOOKING_HOLD_MINUTES = 30
    event = make_event(capacity=2, tickets=[{"name": "Delegate", "price_pence": 2500}])
    now = timezone.now()

    booking = book(ticket(event), user=booker, payment_method=PaymentMethod.CARD, now=now)

    assert (booking.status, booking.hold_expires_at, booking.confirmed_at) == (
        "pending",
        now + timedelta(minutes=30),
        None,
    )
    assert Notification.objects.filter(recipient=booker).count() == 0
    with pytest.raises(SoldOut):
        book(ticket(event), quantity=2)  # the held seat counts


def test_booking_create_free_ticket_ignores_requested_payment_method(booker, stripe_on):
    event = make_event()

    booking = book(ticket(event), user=booker, payment_method=PaymentMethod.CARD)

    assert (booking.status, booking.payment_method) == ("confirmed", "free")


def test_booking_create_sold_out_refused_and_nothing_changed():
    event = make_event(capacity=3)
    book(ticket(event), quantity=2)
    before = snapshot()

    with pytest.raises(SoldOut, match="Only 1 seat"):
        book(ticket(event), quantity=2)

    assert snapshot() == before


def test_booking_create_event_capacity_binds_across_ticket_types():
    event = make_event(
        capacity=4,
        tickets=[{"name": "Council", "capacity": 3}, {"name": "Supplier", "capacity": 3}],
    )
    book(ticket(event, "Council"), quantity=3)

    with pytest.raises(SoldOut, match="Only 1 seat"):
        book(ticket(event, "Supplier"), quantity=2)
    booking = book(ticket(event, "Supplier"), quantity=1)

    assert booking.status == "confirmed"
    with pytest.raises(SoldOut, match="No seats are left"):
        book(ticket(event, "Supplier"))


def test_booking_create_refuses_more_than_max_per_booking():
    event = make_event(tickets=[{"name": "Standard", "max_per_booking": 2}])

    with pytest.raises(ValidationError) as exc:
        book(ticket(event), quantity=3)

    assert exc.value.message_dict == {"quantity": ["Book at most 2 seats at a time."]}
    assert Booking.objects.count() == 0


def test_booking_create_refuses_bad_attendee_email(booker):
    event = make_event()

    with pytest.raises(ValidationError) as exc:
        services.booking_create(
            actor=booker,
            ticket_type=ticket(event),
            attendees=[AttendeeData("Bea", "bea@example.org"), AttendeeData("X", "not-an-email")],
        )

    assert exc.value.message_dict == {"attendees": ["Seat 2: Enter a valid email address."]}
    assert (Booking.objects.count(), Attendee.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"publish": False}, "This event is not open for booking."),
        ({"booking_opens_at": "future"}, "Booking opens"),
        ({"booking_closes_at": "past"}, "Booking for this event has closed."),
        ({"sales_end": "past"}, "“Standard” tickets are not on sale at the moment."),
    ],
)
def test_booking_create_refused_outside_booking_window(booker, setup, message):
    now = timezone.now()
    extra, tickets = {}, [{"name": "Standard"}]
    publish = setup.get("publish", True)
    if setup.get("booking_opens_at"):
        extra["booking_opens_at"] = now + timedelta(days=2)
    if setup.get("booking_closes_at"):
        extra["booking_closes_at"] = now + timedelta(days=1)
    if setup.get("sales_end"):
        tickets = [{"name": "Standard", "sales_end": now + timedelta(days=1)}]
    event = make_event(publish=publish, tickets=tickets, **extra)
    before = snapshot()

    with pytest.raises(InvalidTransition, match=message):
        book(ticket(event), user=booker, now=now + timedelta(days=1, hours=1))

    assert snapshot() == before


def test_booking_create_refused_for_organisation_the_booker_is_not_in(booker, council):
    event = make_event()

    with pytest.raises(PermissionDenied):
        book(ticket(event), user=booker, organisation=council)

    assert Booking.objects.count() == 0


# --- Cancelling -------------------------------------------------------------------------------


def test_booking_cancel_by_booker_before_cutoff_frees_seats(booker):
    event = make_event(capacity=2)
    booking = book(ticket(event), user=booker, quantity=2)

    services.booking_cancel(actor=booker, booking=booking, reason="Clash")

    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancellation_reason) == (
        "cancelled",
        booker,
        "Clash",
    )
    assert book(ticket(event), quantity=2).status == "confirmed"
    assert Notification.objects.filter(recipient=booker).order_by("-pk").first().text == (
        f"Your booking {booking.reference} for Digital breakfast is cancelled."
    )


def test_booking_cancel_by_booker_after_cutoff_refused_and_nothing_changed(booker):
    event = make_event(starts_at=in_days(1, hour=9), cancellation_cutoff_hours=48)
    booking = book(ticket(event), user=booker)
    before = snapshot()

    with pytest.raises(InvalidTransition, match=r"^Cancellations closed"):
        services.booking_cancel(actor=booker, booking=booking)

    assert snapshot() == before


def test_booking_cancel_by_organiser_after_cutoff_allowed(booker):
    event = make_event(starts_at=in_days(1, hour=9), cancellation_cutoff_hours=48)
    booking = book(ticket(event), user=booker)

    services.booking_cancel(actor=organiser_of(event), booking=booking, reason="Duplicate")

    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert Notification.objects.filter(recipient=booker).order_by("-pk").first().text == (
        f"The organisers cancelled your booking {booking.reference} for Digital breakfast. "
        "Reason: Duplicate"
    )


def test_booking_cancel_by_stranger_refused(booker):
    booking = book(ticket(make_event()), user=booker)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.booking_cancel(actor=UserFactory(), booking=booking)

    assert snapshot() == before


def test_booking_cancel_twice_refused(booker):
    booking = book(ticket(make_event()), user=booker)
    services.booking_cancel(actor=booker, booking=booking)
    before = snapshot()

    with pytest.raises(InvalidTransition, match="already cancelled"):
        services.booking_cancel(actor=booker, booking=booking)

    assert snapshot() == before


def test_booking_cancel_paid_card_booking_records_refund_and_queues_it(
    booker, stripe_on, django_capture_on_commit_callbacks
):
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2500}])
    booking = book(ticket(event), user=booker, payment_method=PaymentMethod.CARD, quantity=2)
    payment = Payment.objects.create(
        booking=booking,
        checkout_session_id="cs_test_1",
        payment_intent_id="pi_test_1",
        amount_pence=5000,
        status=PaymentStatus.PAID,
        paid_at=timezone.now(),
        expires_at=timezone.now(),
    )
    Booking.objects.filter(pk=booking.pk).update(status="confirmed", confirmed_at=timezone.now())

    with django_capture_on_commit_callbacks() as callbacks:
        services.booking_cancel(actor=booker, booking=booking)

    refund = Refund.objects.get()
    assert (refund.payment, refund.amount_pence, refund.status) == (payment, 5000, "requested")
    assert len(callbacks) == 2  # the refund task and the booker's notification email
    assert (
        Notification.objects.filter(recipient=booker)
        .order_by("-pk")
        .first()
        .text.endswith("A refund of £50 is on its way to your card.")
    )


def test_booking_cancel_pending_card_booking_releases_hold_any_time(booker, stripe_on):
    event = make_event(
        starts_at=in_days(1, hour=9),
        cancellation_cutoff_hours=48,
        tickets=[{"name": "Delegate", "price_pence": 2500}],
    )
    booking = book(ticket(event), user=booker, payment_method=PaymentMethod.CARD)

    services.booking_cancel(actor=booker, booking=booking)

    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert Refund.objects.count() == 0


# --- Invoices ---------------------------------------------------------------------------------


def _invoice_booking(council, booker):
    add_member(council, booker)
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2500}])
    return book(
        ticket(event),
        user=booker,
        payment_method=PaymentMethod.INVOICE,
        organisation=council,
        invoice=INVOICE,
    )


def test_booking_invoice_mark_paid_by_organiser(booker, council):
    booking = _invoice_booking(council, booker)
    now = timezone.now()

    services.booking_invoice_mark_paid(actor=organiser_of(booking.event), booking=booking, now=now)

    booking.refresh_from_db()
    assert booking.invoice_paid_at == now
    assert Notification.objects.filter(recipient=booker).order_by("-pk").first().text == (
        f"Payment received for invoice OIX-{booking.reference} (£25, Digital breakfast). Thank you."
    )


def test_booking_invoice_mark_paid_refused_for_booker_and_twice(booker, council):
    booking = _invoice_booking(council, booker)
    organiser = organiser_of(booking.event)

    with pytest.raises(PermissionDenied):
        services.booking_invoice_mark_paid(actor=booker, booking=booking)
    booking.refresh_from_db()
    assert booking.invoice_paid_at is None
    services.booking_invoice_mark_paid(actor=organiser, booking=booking)
    with pytest.raises(InvalidTransition, match="already marked paid"):
        services.booking_invoice_mark_paid(actor=organiser, booking=booking)


def test_booking_invoice_mark_paid_refused_for_free_booking(booker):
    booking = book(ticket(make_event()), user=booker)

    with pytest.raises(InvalidTransition, match="Only invoice bookings"):
        services.booking_invoice_mark_paid(actor=organiser_of(booking.event), booking=booking)


# --- Holds ------------------------------------------------------------------------------------


def test_holds_release_expired_after_grace_offers_seats_on(booker, stripe_on, settings):
    settings.BOOKING_HOLD_MINUTES = 30
    settings.BOOKING_HOLD_GRACE_MINUTES = 5
    event = make_event(capacity=1, tickets=[{"name": "Delegate", "price_pence": 2500}])
    now = timezone.now()
    held = book(ticket(event), user=booker, payment_method=PaymentMethod.CARD, now=now)
    waiter = UserFactory()
    entry = services.waitlist_join(actor=waiter, ticket_type=ticket(event), quantity=1, now=now)

    early = services.holds_release_expired(now=now + timedelta(minutes=34))
    released = services.holds_release_expired(now=now + timedelta(minutes=35))

    held.refresh_from_db()
    entry.refresh_from_db()
    assert (early, released, held.status) == (0, 1, "expired")
    assert entry.status == "offered"
    assert Notification.objects.get(recipient=booker).text == (
        f"We released the seats held for booking {held.reference} (Digital breakfast) because "
        "payment was not completed in time."
    )


def test_booking_hold_release_leaves_confirmed_booking_alone(booker):
    booking = book(ticket(make_event()), user=booker)

    assert services.booking_hold_release(booking_id=booking.pk) is False
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_refund_status_constants_are_ranked():
    from events.enums import REFUND_RANK

    assert sorted(REFUND_RANK, key=REFUND_RANK.get) == [
        RefundStatus.REQUESTED,
        RefundStatus.PENDING,
        RefundStatus.SUCCEEDED,
        RefundStatus.FAILED,
    ]
