"""Reads of networking at events: who attends, events for a listing, pitches and meetings.

Attending organisations are those of people holding a confirmed booking (the booking's
organisation, and every organisation the booker belongs to). Everything here is visibility-
filtered: listings through ``listings_visible_to``, events through the public statuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from events.enums import BookingStatus, EventStatus, MeetingStatus, PitchStatus
from events.models import (
    Booking,
    Event,
    EventListing,
    MeetingRequest,
    MeetingSlot,
    PitchApplication,
)
from exchange.models import Membership, Organisation, User
from listings.enums import ListingStatus, Visibility
from listings.models import Listing
from listings.queries import listings_visible_to, member_organisation_ids


def _confirmed(event: Event) -> QuerySet[Booking]:
    return Booking.objects.filter(event=event, status=BookingStatus.CONFIRMED)


def attending_organisation_ids(event: Event) -> set[int]:
    bookings = _confirmed(event)
    ids = set(bookings.exclude(organisation=None).values_list("organisation_id", flat=True))
    ids |= set(
        Membership.objects.filter(user_id__in=bookings.values("booker_id")).values_list(
            "organisation_id", flat=True
        )
    )
    return ids


def attending_users_of(event: Event, organisation_id: int) -> list[User]:
    """Members of the organisation who hold a confirmed booking at the event."""
    return list(
        User.objects.filter(
            memberships__organisation_id=organisation_id,
            pk__in=_confirmed(event).values("booker_id"),
        ).distinct()
    )


def is_booked(user: User | AnonymousUser, event: Event) -> bool:
    return bool(user.is_authenticated and _confirmed(event).filter(booker_id=user.pk).exists())


@dataclass(frozen=True)
class Networking:
    """What the event page's networking panel needs for one person."""

    booked: bool
    my_org_ids: list[int]
    other_org_ids: list[int]


def networking_for(user: User | AnonymousUser, event: Event) -> Networking:
    if not is_booked(user, event) or event.status != EventStatus.PUBLISHED:
        return Networking(False, [], [])
    mine = member_organisation_ids(user)
    others = sorted(attending_organisation_ids(event) - set(mine))
    return Networking(True, mine, others)


# --- Events for a listing ("Meet them at…") ---------------------------------------------------


@dataclass(frozen=True)
class ListingEvent:
    event: Event
    reason: str  # "on_agenda", "showcased" or "tags"


def events_for_listing(listing: Listing, *, now: datetime, limit: int = 5) -> list[ListingEvent]:
    """Upcoming published events where the listing is on the agenda or showcased, then
    events sharing one of its tags; soonest first within each group."""
    upcoming = (
        Event.objects.filter(
            status=EventStatus.PUBLISHED, published_at__isnull=False, ends_at__gte=now
        )
        .select_related("organiser")
        .order_by("starts_at", "id")
    )
    links = {
        link.event_id: link.role
        for link in EventListing.objects.filter(listing=listing, event__in=upcoming)
    }
    found = [ListingEvent(e, links[e.pk]) for e in upcoming.filter(pk__in=list(links))[:limit]]
    tag_ids = list(listing.tags.values_list("pk", flat=True))
    if len(found) < limit and tag_ids:
        tagged = upcoming.filter(tags__in=tag_ids).exclude(pk__in=list(links)).distinct()
        found += [ListingEvent(e, "tags") for e in tagged[: limit - len(found)]]
    return found


# --- Pitch applications -----------------------------------------------------------------------


def pitchable_listings(user: User | AnonymousUser) -> QuerySet[Listing]:
    """Published public listings of the person's organisations (what they may pitch: an
    accepted pitch puts the title on a public agenda)."""
    return (
        listings_visible_to(user)
        .filter(
            organisation_id__in=member_organisation_ids(user),
            status=ListingStatus.PUBLISHED,
            visibility=Visibility.PUBLIC,
        )
        .prefetch_related(None)
        .order_by("title", "id")
    )


def pitch_applications_of(user: User | AnonymousUser) -> QuerySet[PitchApplication]:
    """Applications made by the person's organisations."""
    return (
        PitchApplication.objects.filter(organisation_id__in=member_organisation_ids(user))
        .select_related("event", "listing", "organisation", "applicant")
        .order_by("-created_at", "-id")
    )


def pitch_applications_for_organiser(user: User | AnonymousUser) -> QuerySet[PitchApplication]:
    """Applications to events the person's organisations organise."""
    return (
        PitchApplication.objects.filter(event__organiser_id__in=member_organisation_ids(user))
        .select_related("event", "listing", "organisation", "applicant")
        .order_by("-created_at", "-id")
    )


def pitch_applications_visible_to(user: User | AnonymousUser) -> QuerySet[PitchApplication]:
    """Mine and those for my events: nobody else's."""
    orgs = member_organisation_ids(user)
    return (
        PitchApplication.objects.filter(
            Q(organisation_id__in=orgs) | Q(event__organiser_id__in=orgs)
        )
        .select_related("event", "listing", "organisation", "applicant")
        .order_by("-created_at", "-id")
    )


def pitch_applications_of_event(event: Event) -> QuerySet[PitchApplication]:
    return (
        PitchApplication.objects.filter(event=event)
        .select_related("listing", "organisation", "applicant")
        .order_by("status", "created_at", "id")
    )


def open_pitch_statuses() -> tuple[str, ...]:
    return (PitchStatus.PENDING, PitchStatus.ACCEPTED)


# --- Meetings ---------------------------------------------------------------------------------


def meeting_slots_of(event: Event) -> QuerySet[MeetingSlot]:
    return MeetingSlot.objects.filter(event=event).order_by("starts_at", "id")


def meeting_slots_visible_to(user: User | AnonymousUser) -> QuerySet[MeetingSlot]:
    """Slots of events the public may see (slot times are no secret) and of one's drafts."""
    orgs = member_organisation_ids(user)
    return (
        MeetingSlot.objects.filter(
            Q(event__status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED))
            | Q(event__organiser_id__in=orgs)
        )
        .select_related("event")
        .order_by("starts_at", "id")
    )


def meetings_visible_to(user: User | AnonymousUser) -> QuerySet[MeetingRequest]:
    """Meeting requests the person's organisations sent or received (and ones they made)."""
    if not user.is_authenticated:
        return MeetingRequest.objects.none()
    orgs = member_organisation_ids(user)
    return (
        MeetingRequest.objects.filter(
            Q(from_organisation_id__in=orgs)
            | Q(to_organisation_id__in=orgs)
            | Q(from_user_id=user.pk)
        )
        .select_related(
            "event", "from_organisation", "to_organisation", "from_user", "accepted_by", "slot"
        )
        .order_by("-created_at", "-id")
    )


def meetings_at(user: User | AnonymousUser, event: Event) -> list[MeetingRequest]:
    return list(meetings_visible_to(user).filter(event=event))


def attending_organisations(event: Event, ids: list[int]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def open_meeting_statuses() -> tuple[str, ...]:
    return (MeetingStatus.REQUESTED, MeetingStatus.ACCEPTED)
