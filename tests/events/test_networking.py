"""Pitch applications, meeting slots and 1:1 meeting requests: services and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import ListingRole, MeetingStatus, PitchStatus
from events.models import AgendaItem, EventListing, MeetingRequest, MeetingSeat, PitchApplication
from events.services import networking as services
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Notification
from exchange.services import tags_from_names
from matching.models import Match
from tests.factories.events import book, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def breakfast():
    return make_event(title="Digital breakfast", hours=3)


@pytest.fixture
def supplier():
    person = UserFactory(full_name="Sam Supplier")
    organisation = make_organisation(admin=person, kind="supplier", name="Bins Ltd")
    listing = make_listing(organisation=organisation, author=person, title="Smart bins")
    return person, organisation, listing


def notifications_of(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="event")
        .order_by("id")
        .values_list("text", flat=True)
    )


# --- Pitch applications -----------------------------------------------------------------------


def test_pitch_apply_accept_makes_agenda_item_and_link(breakfast, supplier):
    person, _organisation, listing = supplier
    organiser = organiser_of(breakfast)

    application = services.pitch_application_create(
        actor=person, event=breakfast, listing=listing, pitch="Five minutes on fewer bin lorries."
    )
    accepted = services.pitch_application_accept(
        actor=organiser,
        application=application,
        starts_at=breakfast.starts_at + timedelta(minutes=30),
    )

    item = AgendaItem.objects.get(event=breakfast)
    assert accepted.status == PitchStatus.ACCEPTED
    assert accepted.agenda_item == item
    assert (item.title, item.speaker_name, item.speaker_organisation) == (
        "Pitch: Smart bins",
        "Sam Supplier",
        "Bins Ltd",
    )
    link = EventListing.objects.get(event=breakfast)
    assert (link.listing, link.role) == (listing, ListingRole.ON_AGENDA)
    assert notifications_of(organiser) == [
        "Bins Ltd applied to pitch “Smart bins” at Digital breakfast."
    ]
    local = timezone.localtime(item.starts_at, breakfast.tz)
    assert notifications_of(person) == [
        f"Your pitch of “Smart bins” at Digital breakfast was accepted: you are on the agenda "
        f"at {local:%H:%M}."
    ]


def test_pitch_decline_needs_reason_and_tells_applicant(breakfast, supplier):
    person, _, listing = supplier
    application = services.pitch_application_create(
        actor=person, event=breakfast, listing=listing, pitch="Pitch."
    )

    with pytest.raises(ValidationError):
        services.pitch_application_decline(
            actor=organiser_of(breakfast), application=application, reason="  "
        )
    application.refresh_from_db()
    assert application.status == PitchStatus.PENDING

    services.pitch_application_decline(
        actor=organiser_of(breakfast), application=application, reason="The agenda is full."
    )

    application.refresh_from_db()
    assert (application.status, application.decline_reason) == ("declined", "The agenda is full.")
    assert notifications_of(person) == [
        "Your pitch of “Smart bins” at Digital breakfast was declined: The agenda is full."
    ]


def test_pitch_of_someone_elses_listing_refused(breakfast, supplier):
    _, _, listing = supplier
    stranger = UserFactory()
    make_organisation(admin=stranger, kind="supplier")

    with pytest.raises(PermissionDenied):
        services.pitch_application_create(
            actor=stranger, event=breakfast, listing=listing, pitch="Mine now."
        )
    assert PitchApplication.objects.count() == 0


def test_pitch_only_at_breakfasts_and_once(supplier):
    person, _, listing = supplier
    workshop = make_event(kind="workshop")
    breakfast = make_event()

    with pytest.raises(InvalidTransition, match="breakfast"):
        services.pitch_application_create(
            actor=person, event=workshop, listing=listing, pitch="Pitch."
        )
    services.pitch_application_create(actor=person, event=breakfast, listing=listing, pitch="A")
    with pytest.raises(InvalidTransition, match="already has an application"):
        services.pitch_application_create(actor=person, event=breakfast, listing=listing, pitch="B")
    assert PitchApplication.objects.count() == 1


def test_pitch_accept_only_by_organiser(breakfast, supplier):
    person, _, listing = supplier
    application = services.pitch_application_create(
        actor=person, event=breakfast, listing=listing, pitch="Pitch."
    )

    with pytest.raises(PermissionDenied):
        services.pitch_application_accept(
            actor=person, application=application, starts_at=breakfast.starts_at
        )
    application.refresh_from_db()
    assert application.status == PitchStatus.PENDING
    assert AgendaItem.objects.count() == 0


def test_pitch_withdraw_after_acceptance_removes_agenda_item(breakfast, supplier):
    person, _, listing = supplier
    application = services.pitch_application_create(
        actor=person, event=breakfast, listing=listing, pitch="Pitch."
    )
    services.pitch_application_accept(
        actor=organiser_of(breakfast), application=application, starts_at=breakfast.starts_at
    )

    withdrawn = services.pitch_application_withdraw(actor=person, application=application)

    assert withdrawn.status == PitchStatus.WITHDRAWN
    assert AgendaItem.objects.filter(event=breakfast).count() == 0
    assert EventListing.objects.filter(event=breakfast).count() == 0


def test_pitch_pages(client, breakfast, supplier):
    person, _, listing = supplier
    client.force_login(person)
    apply_url = reverse("event-pitch-apply", kwargs={"slug": breakfast.slug})

    empty = client.get(apply_url)
    bad = client.post(apply_url, {"listing": listing.pk, "pitch": ""})
    sent = client.post(apply_url, {"listing": listing.pk, "pitch": "Fewer lorries."})
    page = client.get(breakfast.get_absolute_url())

    assert b"You have not applied to pitch at this event yet." in empty.content
    assert bad.status_code == 200
    assert bad.context["form"].errors == {"pitch": ["This field is required."]}
    assert sent.status_code == 302
    assert b"Apply to pitch a listing" in page.content
    client.force_login(organiser_of(breakfast))
    pitches_url = reverse("event-pitches", kwargs={"slug": breakfast.slug})
    listed = client.get(pitches_url)
    application = PitchApplication.objects.get()
    declined = client.post(
        pitches_url, {"application": application.pk, "action": "decline", "reason": "Full."}
    )
    assert b"Fewer lorries." in listed.content
    assert declined.status_code == 302
    application.refresh_from_db()
    assert application.status == PitchStatus.DECLINED


def test_pitch_list_is_for_organisers_only(client, breakfast, supplier):
    client.force_login(supplier[0])

    response = client.get(reverse("event-pitches", kwargs={"slug": breakfast.slug}))

    assert response.status_code == 403


# --- Meetings ---------------------------------------------------------------------------------


@pytest.fixture
def attendees(breakfast):
    """Two booked people of two organisations, with matching listings, and slots."""
    ana = UserFactory(full_name="Ana")
    ana_org = make_organisation(admin=ana, kind="council", name="Northshire Council")
    olu = UserFactory(full_name="Olu")
    olu_org = make_organisation(admin=olu, kind="supplier", name="Bins Ltd")
    book(ticket(breakfast), user=ana)
    book(ticket(breakfast), user=olu)
    return ana, ana_org, olu, olu_org


def slot(event, minutes: int, tables: int = 1):
    start = event.starts_at + timedelta(minutes=minutes)
    return services.meeting_slot_create(
        actor=organiser_of(event),
        event=event,
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        tables=tables,
    )


def test_meeting_accept_allocates_earliest_free_slot_and_table(breakfast, attendees):
    ana, _, olu, olu_org = attendees
    first = slot(breakfast, 60, tables=2)
    meeting = services.meeting_request_create(
        actor=ana, event=breakfast, to_organisation=olu_org, message="Bins?"
    )

    accepted = services.meeting_request_accept(actor=olu, meeting=meeting)

    assert (accepted.status, accepted.slot, accepted.table) == ("accepted", first, 1)
    assert sorted(MeetingSeat.objects.values_list("user_id", flat=True)) == sorted([ana.pk, olu.pk])
    local = timezone.localtime(first.starts_at, breakfast.tz)
    assert notifications_of(ana) == [
        f"Bins Ltd accepted your meeting at Digital breakfast: {local:%H:%M}, table 1."
    ]
    assert notifications_of(olu) == [
        "Northshire Council would like a 1:1 meeting with Bins Ltd at Digital breakfast."
    ]


def test_meeting_never_double_books_a_person_or_a_table(breakfast, attendees):
    ana, _, olu, olu_org = attendees
    early, late = slot(breakfast, 60, tables=1), slot(breakfast, 90, tables=1)
    third = UserFactory()
    third_org = make_organisation(admin=third, kind="supplier", name="Third")
    book(ticket(breakfast), user=third)
    fourth = UserFactory()
    fourth_org = make_organisation(admin=fourth, kind="supplier", name="Fourth")
    book(ticket(breakfast), user=fourth)

    m1 = services.meeting_request_create(actor=ana, event=breakfast, to_organisation=olu_org)
    m2 = services.meeting_request_create(actor=ana, event=breakfast, to_organisation=third_org)
    m3 = services.meeting_request_create(actor=olu, event=breakfast, to_organisation=fourth_org)
    a1 = services.meeting_request_accept(actor=olu, meeting=m1)
    a2 = services.meeting_request_accept(actor=third, meeting=m2)  # Ana is busy early
    with pytest.raises(InvalidTransition, match="No meeting slot"):
        # Olu is busy early; the late slot's only table is taken.
        services.meeting_request_accept(actor=fourth, meeting=m3)

    assert (a1.slot, a1.table, a2.slot, a2.table) == (early, 1, late, 1)
    m3.refresh_from_db()
    assert (m3.status, m3.slot) == (MeetingStatus.REQUESTED, None)
    assert MeetingSeat.objects.count() == 4


def test_meeting_cancel_frees_the_table(breakfast, attendees):
    ana, _, olu, olu_org = attendees
    only = slot(breakfast, 60)
    meeting = services.meeting_request_accept(
        actor=olu,
        meeting=services.meeting_request_create(
            actor=ana, event=breakfast, to_organisation=olu_org
        ),
    )

    cancelled = services.meeting_request_cancel(actor=ana, meeting=meeting)

    assert (cancelled.status, cancelled.slot, cancelled.sequence) == ("cancelled", only, 2)
    assert MeetingSeat.objects.count() == 0
    assert notifications_of(olu)[-1] == (
        "The 1:1 meeting between Northshire Council and Bins Ltd at Digital breakfast was "
        "cancelled."
    )


def test_meeting_request_needs_a_booking_and_an_attending_target(breakfast, attendees):
    ana, _, _, olu_org = attendees
    outsider = UserFactory()
    make_organisation(admin=outsider)
    absent = make_organisation(name="Not coming")

    with pytest.raises(PermissionDenied):
        services.meeting_request_create(actor=outsider, event=breakfast, to_organisation=olu_org)
    with pytest.raises(ValidationError):
        services.meeting_request_create(actor=ana, event=breakfast, to_organisation=absent)
    assert MeetingRequest.objects.count() == 0


def test_meeting_accept_only_by_invited_organisation(breakfast, attendees):
    ana, _, _olu, olu_org = attendees
    slot(breakfast, 60)
    meeting = services.meeting_request_create(actor=ana, event=breakfast, to_organisation=olu_org)

    with pytest.raises(PermissionDenied):
        services.meeting_request_accept(actor=ana, meeting=meeting)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.slot) == (MeetingStatus.REQUESTED, None)


def test_meeting_decline(breakfast, attendees):
    ana, _, olu, olu_org = attendees
    meeting = services.meeting_request_create(actor=ana, event=breakfast, to_organisation=olu_org)

    declined = services.meeting_request_decline(actor=olu, meeting=meeting, reason="Busy")

    assert (declined.status, declined.decline_reason) == ("declined", "Busy")
    assert notifications_of(ana) == [
        "Bins Ltd declined your meeting request at Digital breakfast (Busy)."
    ]


def test_meeting_slot_must_sit_inside_the_event(breakfast):
    with pytest.raises(ValidationError) as error:
        services.meeting_slot_create(
            actor=organiser_of(breakfast),
            event=breakfast,
            starts_at=breakfast.ends_at,
            ends_at=breakfast.ends_at + timedelta(minutes=10),
            tables=0,
        )
    assert sorted(error.value.message_dict) == ["ends_at", "starts_at", "tables"]


def test_meeting_slot_only_by_organiser(breakfast, attendees):
    with pytest.raises(PermissionDenied):
        services.meeting_slot_create(
            actor=attendees[0],
            event=breakfast,
            starts_at=breakfast.starts_at,
            ends_at=breakfast.starts_at + timedelta(minutes=10),
            tables=2,
        )


def test_who_to_meet_shows_matching_attending_organisations(client, breakfast, attendees):
    ana, ana_org, olu, olu_org = attendees
    need = make_listing(organisation=ana_org, author=ana, kind="request", title="Fewer bin runs")
    offer = make_listing(organisation=olu_org, author=olu, title="Smart bins")
    Match.objects.all().delete()
    Match.objects.create(
        source=need,
        target=offer,
        score=0.8,
        reasons=["Both about waste collection."],
        computed_at=timezone.now(),
    )
    client.force_login(ana)

    page = client.get(breakfast.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    stranger_page = client.get(breakfast.get_absolute_url()).content.decode()

    assert "Who to meet" in page
    assert "Bins Ltd" in page
    assert "Both about waste collection." in page
    assert "Request a 1:1 meeting" in page
    assert "Who to meet" not in stranger_page


def test_meeting_pages_request_and_accept(client, breakfast, attendees):
    ana, _, olu, olu_org = attendees
    slot(breakfast, 60, tables=3)
    client.force_login(ana)

    sent = client.post(
        reverse("event-meeting-request", kwargs={"slug": breakfast.slug}),
        {"to_organisation": olu_org.pk, "message": "Coffee?"},
    )
    client.force_login(olu)
    page = client.get(reverse("event-meetings", kwargs={"slug": breakfast.slug}))
    meeting = MeetingRequest.objects.get()
    accepted = client.post(
        reverse(
            "event-meeting-action",
            kwargs={"slug": breakfast.slug, "pk": meeting.pk, "action": "accept"},
        )
    )

    assert sent.status_code == 302
    assert b"Coffee?" in page.content
    assert accepted.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.table) == ("accepted", 1)


def test_meetings_page_empty(client, breakfast, attendees):
    client.force_login(attendees[0])

    page = client.get(reverse("event-meetings", kwargs={"slug": breakfast.slug}))

    assert b"No meeting requests yet." in page.content
    assert b"The organisers have not set meeting times yet." in page.content


def test_listing_page_meet_them_at(client, breakfast, supplier):
    _person, _, listing = supplier
    make_event(title="Bins camp", tag_names=("waste",))
    listing.tags.set(tags_from_names(["waste"]))
    EventListing.objects.create(event=breakfast, listing=listing, role=ListingRole.SHOWCASED)

    content = client.get(listing.get_absolute_url()).content.decode()

    assert "Meet them at…" in content
    assert content.index("Digital breakfast") < content.index("Bins camp")
    assert "showcased" in content
    assert "same topics" in content


def test_listing_page_without_events_has_no_section(client, supplier):
    content = client.get(supplier[2].get_absolute_url()).content.decode()

    assert "Meet them at…" not in content


def test_colleague_can_accept_for_the_organisation(breakfast, attendees):
    ana, _, _olu, olu_org = attendees
    colleague = add_member(olu_org)
    book(ticket(breakfast), user=colleague)
    slot(breakfast, 60)
    meeting = services.meeting_request_create(actor=ana, event=breakfast, to_organisation=olu_org)

    accepted = services.meeting_request_accept(actor=colleague, meeting=meeting)

    assert accepted.accepted_by == colleague


def test_private_listing_cannot_be_pitched(breakfast, supplier):
    person, organisation, _ = supplier
    private = make_listing(
        organisation=organisation, author=person, title="Secret bins", visibility="members"
    )

    with pytest.raises(ValidationError) as error:
        services.pitch_application_create(actor=person, event=breakfast, listing=private, pitch="P")
    assert error.value.message_dict == {
        "listing": ["Only public listings can be pitched: the agenda is public."]
    }
    assert PitchApplication.objects.count() == 0
