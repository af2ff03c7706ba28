from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.enums import EVENT_CHANGE, EVENT_MANAGE, PaymentMethod, PaymentStatus
from events.models import AgendaItem, Booking, Event, EventListing, Payment, Refund, TicketType
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Notification
from exchange.permissions import has_perm
from tests.factories.events import book, in_days, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def event_state(event):
    event.refresh_from_db()
    return (event.status, event.title, event.starts_at, event.capacity, event.sequence)


def test_event_create_is_a_draft_with_stable_uid_and_member_permissions(council):
    organiser = council.memberships.get().user
    colleague = add_member(council)
    starts = in_days(10)

    event = services.event_create(
        actor=organiser,
        organisation=council,
        kind="breakfast",
        title="  Digital   breakfast ",
        summary="Stories from the front line.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=40,
        venue_name="County Hall",
        tag_names=["Care", "care", "housing"],
    )

    assert (event.status, event.title, event.sequence, event.region) == (
        "draft",
        "Digital breakfast",
        0,
        council.region,
    )
    assert event.slug == f"digital-breakfast-{starts.date().isoformat()}"
    assert sorted(event.tags.values_list("slug", flat=True)) == ["care", "housing"]
    assert has_perm(colleague, EVENT_MANAGE, event) is True
    assert has_perm(UserFactory(), EVENT_CHANGE, event) is False


def test_event_create_refused_for_other_organisation(council):
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=UserFactory(),
            organisation=council,
            kind="breakfast",
            title="Breakfast",
            summary="x",
            starts_at=in_days(3),
            ends_at=in_days(3, hour=10),
            capacity=10,
            venue_name="Hall",
        )
    assert Event.objects.count() == 0


def test_event_create_refuses_end_before_start(council):
    organiser = council.memberships.get().user

    with pytest.raises(ValidationError) as exc:
        services.event_create(
            actor=organiser,
            organisation=council,
            kind="breakfast",
            title="Breakfast",
            summary="x",
            starts_at=in_days(3, hour=10),
            ends_at=in_days(3, hour=9),
            capacity=10,
            venue_name="Hall",
        )

    assert exc.value.message_dict == {"ends_at": ["The event must end after it starts."]}


def test_event_publish_needs_tickets_and_future_start():
    event = make_event(publish=False, tickets=[])
    organiser = organiser_of(event)

    with pytest.raises(ValidationError, match="Add at least one ticket type"):
        services.event_publish(actor=organiser, event=event)
    services.ticket_type_create(actor=organiser, event=event, name="Free", capacity=10)
    with pytest.raises(ValidationError, match="Only future events"):
        services.event_publish(actor=organiser, event=event, now=event.starts_at)
    published = services.event_publish(actor=organiser, event=event)

    assert (published.status, published.sequence) == ("published", 1)
    assert published.published_at is not None


def test_event_publish_refused_for_stranger_and_twice():
    event = make_event(publish=False)

    with pytest.raises(PermissionDenied):
        services.event_publish(actor=UserFactory(), event=event)
    assert event_state(event)[0] == "draft"
    services.event_publish(actor=organiser_of(event), event=event)
    with pytest.raises(InvalidTransition, match=r"^A published event cannot be published\.$"):
        services.event_publish(actor=organiser_of(event), event=event)


def test_event_update_bumps_sequence_only_for_calendar_fields():
    event = make_event()
    organiser = organiser_of(event)
    before = event_state(event)[4]
    t0 = timezone.now()

    services.event_update(actor=organiser, event=event, capacity=60, now=t0)
    after_capacity = Event.objects.get(pk=event.pk)
    services.event_update(actor=organiser, event=event, title="Digital breakfast II", now=t0)
    after_title = Event.objects.get(pk=event.pk)

    assert (after_capacity.sequence, after_capacity.last_modified) == (before, t0)
    assert (after_title.sequence, after_title.title) == (before + 1, "Digital breakfast II")
    assert after_title.slug == event.slug
    assert after_title.uid == event.uid


def test_event_update_unchanged_values_change_nothing():
    event = make_event()
    before = (event.sequence, event.last_modified)

    services.event_update(actor=organiser_of(event), event=event, title=event.title)

    event.refresh_from_db()
    assert (event.sequence, event.last_modified) == before


def test_event_update_new_time_tells_booked_people():
    event = make_event()
    booking = book(ticket(event))

    services.event_update(
        actor=organiser_of(event), event=event, starts_at=event.starts_at + timedelta(hours=1)
    )

    note = Notification.objects.get(recipient=booking.booker, kind="event")
    assert note.text.startswith("Digital breakfast has changed: it now runs ")
    assert note.text.endswith(", 09:00 at Town Hall.")


def test_event_update_refuses_capacity_below_taken_and_by_stranger():
    event = make_event(capacity=5)
    book(ticket(event), quantity=4)
    before = event_state(event)

    with pytest.raises(ValidationError) as exc:
        services.event_update(actor=organiser_of(event), event=event, capacity=3)
    with pytest.raises(PermissionDenied):
        services.event_update(actor=UserFactory(), event=event, title="Hacked")

    assert exc.value.message_dict == {"capacity": ["4 seats are already booked, held or offered."]}
    assert event_state(event) == before


def test_event_cancel_cancels_bookings_refunds_cards_and_tells_everyone(stripe_on):
    event = make_event(
        capacity=3,
        tickets=[{"name": "Free", "capacity": 1}, {"name": "Paid", "price_pence": 2000}],
    )
    free = book(ticket(event, "Free"))
    paid = book(ticket(event, "Paid"), payment_method=PaymentMethod.CARD)
    Payment.objects.create(
        booking=paid,
        checkout_session_id="cs_1",
        payment_intent_id="pi_1",
        amount_pence=2000,
        status=PaymentStatus.PAID,
        paid_at=timezone.now(),
        expires_at=timezone.now(),
    )
    Booking.objects.filter(pk=paid.pk).update(status="confirmed", confirmed_at=timezone.now())
    held = book(ticket(event, "Paid"), payment_method=PaymentMethod.CARD)
    waiter = UserFactory()
    Booking.objects.filter(pk=held.pk).update(quantity=1)
    services.waitlist_join(actor=waiter, ticket_type=ticket(event, "Free"), quantity=1)
    sequence = event.sequence

    services.event_cancel(actor=organiser_of(event), event=event, reason="Venue flooded")

    event.refresh_from_db()
    assert (event.status, event.sequence, event.cancellation_reason) == (
        "cancelled",
        sequence + 1,
        "Venue flooded",
    )
    assert sorted(Booking.objects.values_list("reference", "status")) == sorted(
        [
            (free.reference, "cancelled"),
            (paid.reference, "cancelled"),
            (held.reference, "cancelled"),
        ]
    )
    assert list(Refund.objects.values_list("booking__reference", "amount_pence", "status")) == [
        (paid.reference, 2000, "requested")
    ]
    assert Notification.objects.get(recipient=paid.booker).text == (
        f"Digital breakfast ({services.common.local_time(event)}) has been cancelled by the "
        f"organisers. Reason: Venue flooded Your booking {paid.reference} is cancelled. "
        "£20 will be refunded to your card."
    )
    assert Notification.objects.get(recipient=waiter).kind == "event"
    assert list(event.waitlist.values_list("status", flat=True)) == ["expired"]


def test_event_cancel_refused_for_member_of_other_org_and_twice():
    event = make_event()

    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=UserFactory(), event=event, reason="no")
    assert event_state(event)[0] == "published"
    services.event_cancel(actor=organiser_of(event), event=event, reason="")
    with pytest.raises(InvalidTransition):
        services.event_cancel(actor=organiser_of(event), event=event, reason="")


def test_event_copy_moves_everything_by_the_same_amount(supplier, stripe_on):
    event = make_event(
        tag_names=("care",),
        booking_closes_at=in_days(13, hour=12),
        tickets=[
            {
                "name": "Delegate",
                "price_pence": 1500,
                "early_bird_price_pence": 1000,
                "early_bird_until": in_days(7),
                "group_tiers": [{"min_seats": 4, "percent_off": 10}],
            }
        ],
    )
    organiser = organiser_of(event)
    services.agenda_item_create(
        actor=organiser,
        event=event,
        starts_at=event.starts_at + timedelta(minutes=30),
        title="Falls prevention",
        speaker_name="Dr Ada",
    )
    listing = make_listing(organisation=supplier)
    services.event_listing_link(actor=organiser, event=event, listing=listing, role="on_agenda")
    book(ticket(event), payment_method=PaymentMethod.CARD)
    shift = timedelta(days=28)

    copy = services.event_copy(actor=organiser, event=event, starts_at=event.starts_at + shift)

    assert (copy.status, copy.previous_in_series, copy.title) == ("draft", event, event.title)
    assert copy.uid != event.uid
    assert copy.slug != event.slug
    assert (copy.ends_at, copy.booking_closes_at) == (
        event.ends_at + shift,
        event.booking_closes_at + shift,
    )
    tt = copy.ticket_types.get()
    assert (tt.price_pence, tt.early_bird_until, tt.group_tiers) == (
        1500,
        in_days(7) + shift,
        [{"min_seats": 4, "percent_off": 10}],
    )
    assert list(copy.agenda_items.values_list("title", "starts_at")) == [
        ("Falls prevention", event.starts_at + shift + timedelta(minutes=30))
    ]
    assert list(copy.tags.values_list("slug", flat=True)) == ["care"]
    assert list(EventListing.objects.filter(event=copy).values_list("listing", "role")) == [
        (listing.pk, "on_agenda")
    ]
    assert copy.bookings.count() == 0


def test_agenda_item_must_fall_within_event_and_update_bumps_its_sequence():
    event = make_event()
    organiser = organiser_of(event)

    with pytest.raises(ValidationError) as exc:
        services.agenda_item_create(
            actor=organiser, event=event, starts_at=event.ends_at, title="Too late"
        )
    item = services.agenda_item_create(
        actor=organiser, event=event, starts_at=event.starts_at, title="Welcome"
    )
    item = services.agenda_item_update(actor=organiser, item=item, title="Welcome and coffee")

    assert exc.value.message_dict == {"starts_at": ["The item must start during the event."]}
    assert (item.title, item.sequence) == ("Welcome and coffee", 1)
    assert AgendaItem.objects.count() == 1


def test_agenda_item_delete_refused_for_stranger():
    event = make_event()
    item = services.agenda_item_create(
        actor=organiser_of(event), event=event, starts_at=event.starts_at, title="Welcome"
    )

    with pytest.raises(PermissionDenied):
        services.agenda_item_delete(actor=UserFactory(), item=item)
    services.agenda_item_delete(actor=organiser_of(event), item=item)

    assert AgendaItem.objects.count() == 0


def test_ticket_type_capacity_within_event_and_not_below_taken():
    event = make_event(capacity=10)
    organiser = organiser_of(event)
    book(ticket(event), quantity=6)

    with pytest.raises(ValidationError) as too_big:
        services.ticket_type_create(actor=organiser, event=event, name="VIP", capacity=11)
    with pytest.raises(ValidationError) as too_small:
        services.ticket_type_update(actor=organiser, ticket_type=ticket(event), capacity=5)

    assert too_big.value.message_dict == {"capacity": ["The event has 10 seats in all."]}
    assert too_small.value.message_dict == {
        "capacity": ["6 seats are already booked, held or offered."]
    }
    assert list(TicketType.objects.values_list("name", "capacity")) == [("Standard", 10)]


def test_ticket_type_bad_price_rules_refused():
    event = make_event()

    with pytest.raises(ValidationError) as exc:
        services.ticket_type_create(
            actor=organiser_of(event),
            event=event,
            name="Odd",
            capacity=5,
            price_pence=1000,
            early_bird_price_pence=1200,
            early_bird_until=in_days(3),
            group_tiers=[{"min_seats": 1, "percent_off": 10}],
        )

    assert exc.value.message_dict == {
        "early_bird_price_pence": ["The early-bird price must be below the full price."],
        "group_tiers": ["Each group tier needs at least 2 seats and 1–100 percent off."],
    }


def test_ticket_type_early_bird_must_end_within_the_sales_window():
    event = make_event(starts_at=in_days(30))
    organiser = organiser_of(event)
    prices = {"price_pence": 2000, "early_bird_price_pence": 1500}

    with pytest.raises(ValidationError) as after_sales:
        services.ticket_type_create(
            actor=organiser,
            event=event,
            name="Late bird",
            capacity=5,
            sales_end=in_days(10),
            early_bird_until=in_days(12),
            **prices,
        )
    with pytest.raises(ValidationError) as before_sales:
        services.ticket_type_create(
            actor=organiser,
            event=event,
            name="Never bird",
            capacity=5,
            sales_start=in_days(5),
            early_bird_until=in_days(4),
            **prices,
        )

    assert after_sales.value.message_dict == {
        "early_bird_until": ["The early-bird price must end by the end of sales."]
    }
    assert before_sales.value.message_dict == {
        "early_bird_until": ["The early-bird price must end after sales start."]
    }
    assert list(TicketType.objects.values_list("name", flat=True)) == ["Standard"]


def test_ticket_type_delete_refused_once_booked():
    event = make_event(tickets=[{"name": "A"}, {"name": "B"}])
    book(ticket(event, "A"))

    with pytest.raises(InvalidTransition, match="People have booked"):
        services.ticket_type_delete(actor=organiser_of(event), ticket_type=ticket(event, "A"))
    services.ticket_type_delete(actor=organiser_of(event), ticket_type=ticket(event, "B"))

    assert list(TicketType.objects.values_list("name", flat=True)) == ["A"]


def test_event_listing_link_only_published_visible_listings(supplier):
    event = make_event()
    organiser = organiser_of(event)
    public = make_listing(organisation=supplier, title="Public one")
    draft = make_listing(organisation=make_organisation(kind="supplier"), publish=False)

    link = services.event_listing_link(actor=organiser, event=event, listing=public)
    with pytest.raises(ValidationError):
        services.event_listing_link(actor=organiser, event=event, listing=draft)
    services.event_listing_link(actor=organiser, event=event, listing=public, role="on_agenda")

    assert list(EventListing.objects.values_list("listing", "role")) == [(public.pk, "on_agenda")]
    assert link.pk == EventListing.objects.get().pk
    services.event_listing_unlink(actor=organiser, event=event, listing=public)
    assert EventListing.objects.count() == 0
