"""Reads behind the calendar feeds: which entries each feed holds, and a cheap fingerprint.

Four feeds (DESIGN.md flow 4): one event (with its agenda items or published unconference
sessions as their own entries), one organiser organisation, the public feed of every
published event (narrowed by kind, tag and region), and a person's own feed behind a
secret token (their confirmed bookings, starred sessions and agenda items, accepted 1:1
meetings). Every feed starts from published events only: drafts never appear, and an event
cancelled after publication stays, with STATUS:CANCELLED and a higher SEQUENCE.

``FeedSource.fingerprint()`` is one or two aggregate queries (count, newest LAST-MODIFIED,
sum of SEQUENCEs): it changes whenever anything a feed shows changes, so views answer
conditional requests and key a cached rendering on it without building the feed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum

from events.calendar import CalendarEntry, entry_uid
from events.enums import BookingStatus, EventKind, EventStatus, MeetingStatus
from events.models import AgendaItem, CalendarToken, Event, MeetingRequest, SessionProposal
from events.queries import calendar_entry_for, grid_time, in_published_grid, starred_for_user
from exchange.enums import Region
from exchange.models import Organisation, Tag, User

FEED_VERSION = "1"  # bump when the rendering changes, so cached bodies and ETags turn over
FEED_REFRESH = timedelta(hours=1)
PUBLIC_FEED_HISTORY = timedelta(days=365)  # the public feed keeps a year of past events
NO_TIME = datetime(2000, 1, 1, tzinfo=UTC)


# --- Which events a feed may show ------------------------------------------------------------


# What a calendar entry reads of an event (``queries.calendar_entry_for``): feeds of thousands
# of events load only these columns.
ENTRY_FIELDS = (
    "uid",
    "slug",
    "kind",
    "title",
    "summary",
    "starts_at",
    "ends_at",
    "timezone",
    "venue_name",
    "venue_address",
    "venue_postcode",
    "online_url",
    "region",
    "status",
    "published_at",
    "sequence",
    "last_modified",
    "organiser__name",
    "organiser__slug",
    "organiser__updated_at",
)


def feed_events() -> QuerySet[Event]:
    """Events any feed may show: published, or cancelled after they were published."""
    return (
        Event.objects.filter(
            status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED), published_at__isnull=False
        )
        .select_related("organiser")
        .only(*ENTRY_FIELDS)
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("pk", "name")))
        .order_by("starts_at", "id")
    )


class FeedFilterError(ValueError):
    """A query parameter of the public feed that cannot be understood."""


@dataclass(frozen=True)
class PublicFeedFilters:
    kind: str = ""
    tag: str = ""
    region: str = ""

    @classmethod
    def parse(cls, params: dict[str, str]) -> PublicFeedFilters:
        """Read ``kind``, ``tag`` and ``region``; a value we do not know raises
        ``FeedFilterError`` with a message for people (other parameters are ignored)."""
        kind = params.get("kind", "").strip()
        tag = params.get("tag", "").strip().lower()
        region = params.get("region", "").strip()
        if kind and kind not in EventKind.values:
            raise FeedFilterError(f"Unknown kind {kind!r}; use one of {', '.join(EventKind)}.")
        if region and region not in Region.values:
            raise FeedFilterError(f"Unknown region {region!r}; use one of {', '.join(Region)}.")
        if tag and (len(tag) > 100 or not all(c.isalnum() or c in "-_" for c in tag)):
            raise FeedFilterError("A tag is a slug: letters, digits and hyphens.")
        return cls(kind=kind, tag=tag, region=region)

    def as_query(self) -> dict[str, str]:
        return {
            k: v for k, v in (("kind", self.kind), ("tag", self.tag), ("region", self.region)) if v
        }

    def describe(self) -> str:
        parts = []
        if self.kind:
            parts.append(dict(EventKind.choices)[self.kind])
        if self.tag:
            parts.append(f"tagged {self.tag}")
        if self.region:
            parts.append(dict(Region.choices)[self.region])
        return ", ".join(parts)


def public_feed_events(filters: PublicFeedFilters, *, today: date) -> QuerySet[Event]:
    qs = feed_events().filter(ends_at__date__gte=today - PUBLIC_FEED_HISTORY)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.tag:
        qs = qs.filter(tags__in=Tag.objects.filter(slug=filters.tag))
    if filters.region:
        qs = qs.filter(region=filters.region)
    return qs


def organiser_feed_events(organisation: Organisation) -> QuerySet[Event]:
    return feed_events().filter(organiser=organisation)


def feed_event(slug: str) -> Event | None:
    """The event of an event feed: only events the public may see in feeds."""
    return feed_events().filter(slug=slug).first()


def feed_organisation(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


# --- Entries ----------------------------------------------------------------------------------


def _fallback_end(
    start: datetime, later_starts: Iterable[datetime], event_end: datetime
) -> datetime:
    """An agenda item without an end runs until the next item starts, else the event ends."""
    for moment in sorted(later_starts):
        if moment > start:
            return min(moment, event_end)
    return event_end


def agenda_entries(event: Event, items: list[AgendaItem]) -> list[CalendarEntry]:
    """Agenda items as their own entries. SEQUENCE is the event's plus the item's (both only
    grow), so cancelling the event also revises every item."""
    base = calendar_entry_for(event)
    starts = [item.starts_at for item in items]
    entries = []
    for item in items:
        end = item.ends_at or _fallback_end(item.starts_at, starts, event.ends_at)
        if end <= item.starts_at:
            continue  # nothing a calendar can show (an item at the very end, without an end)
        speaker = ", ".join(p for p in (item.speaker_name, item.speaker_organisation) if p)
        description = "\n\n".join(
            p for p in (speaker, item.description, f"Part of {event.title}: {base.url}") if p
        )
        entries.append(
            CalendarEntry(
                uid=entry_uid(item.uid),
                sequence=event.sequence + item.sequence,
                title=item.title,
                starts_at=item.starts_at,
                ends_at=end,
                timezone=event.timezone,
                last_modified=max(item.last_modified, event.last_modified),
                status=base.status,
                description=description,
                location=base.location,
                url=base.url,
                organiser_name=base.organiser_name,
                organiser_email=base.organiser_email,
            )
        )
    return entries


def published_sessions(event_ids: Iterable[int]) -> QuerySet[SessionProposal]:
    """Sessions placed in a published unconference schedule, and those withdrawn from it
    (their entries say STATUS:CANCELLED)."""
    return (
        SessionProposal.objects.filter(
            in_published_grid(),
            event_id__in=list(event_ids),
            event__schedule_published_at__isnull=False,
        )
        .select_related("placed_slot", "placed_room", "event", "event__organiser")
        .order_by(grid_time(), "placed_room__order", "id")
    )


def session_entry(session: SessionProposal) -> CalendarEntry:
    event = session.event
    base = calendar_entry_for(event)
    status = base.status
    if session.placed_slot is not None and session.placed_room is not None:
        starts_at, ends_at = session.placed_slot.starts_at, session.placed_slot.ends_at
        room_name = session.placed_room.name
    elif session.cancelled_starts_at is not None and session.cancelled_ends_at is not None:
        starts_at, ends_at = session.cancelled_starts_at, session.cancelled_ends_at
        room_name, status = session.cancelled_room, "CANCELLED"
    else:
        raise ValueError("Only sessions of a published grid have a calendar entry.")
    url = settings.SITE_URL + session.get_absolute_url()
    description = "\n\n".join(
        p for p in (session.description, f"Part of {event.title}: {url}") if p
    )
    return CalendarEntry(
        uid=entry_uid(session.uid),
        sequence=event.sequence + session.sequence,
        title=session.title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=event.timezone,
        last_modified=max(session.last_modified, event.last_modified),
        status=status,
        description=description,
        location=", ".join(p for p in (room_name, base.location) if p),
        url=url,
        organiser_name=base.organiser_name,
        organiser_email=base.organiser_email,
    )


def meeting_entry(meeting: MeetingRequest) -> CalendarEntry:
    event = meeting.event
    slot = meeting.slot
    if slot is None:
        raise ValueError("Only meetings that were given a slot have a calendar entry.")
    base = calendar_entry_for(event)
    cancelled = meeting.status == MeetingStatus.CANCELLED or event.status == EventStatus.CANCELLED
    return CalendarEntry(
        uid=entry_uid(meeting.uid),
        sequence=meeting.sequence + event.sequence,
        title=(
            f"1:1 meeting: {meeting.from_organisation.name} and "
            f"{meeting.to_organisation.name} (table {meeting.table})"
        ),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        timezone=event.timezone,
        last_modified=max(meeting.last_modified, event.last_modified),
        status="CANCELLED" if cancelled else "CONFIRMED",
        description=f"At {event.title}, table {meeting.table}.\n\n{base.url}",
        location=base.location,
        url=base.url,
        organiser_name=base.organiser_name,
        organiser_email=base.organiser_email,
    )


# --- Feeds ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedState:
    """What a feed's rendering depends on (``parts``) and its newest change."""

    parts: tuple[object, ...]
    last_modified: datetime | None


def _newest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def _aggregate(qs: QuerySet) -> tuple[tuple[object, ...], datetime | None]:  # type: ignore[type-arg]
    row = qs.order_by().aggregate(n=Count("pk"), lm=Max("last_modified"), seq=Sum("sequence"))
    return (row["n"], row["lm"], row["seq"] or 0), row["lm"]


@dataclass
class FeedSource:
    """A feed before it is rendered: its name, its state and its entries, built lazily."""

    kind: str
    name: str
    description: str
    build: Callable[[], list[CalendarEntry]]
    read_state: Callable[[], FeedState]
    public: bool = True
    key_parts: tuple[str, ...] = ()
    _state: FeedState | None = field(default=None, repr=False)

    @property
    def state(self) -> FeedState:
        if self._state is None:
            self._state = self.read_state()
        return self._state

    def etag(self) -> str:
        """Changes whenever the rendered feed would: a hash of everything it depends on."""
        fingerprint = (
            FEED_VERSION,
            self.kind,
            *self.key_parts,
            settings.SITE_URL,
            settings.DEFAULT_FROM_EMAIL,
            self.name,
            *self.state.parts,
        )
        return hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:32]

    @property
    def last_modified(self) -> datetime | None:
        return self.state.last_modified


def event_feed(event: Event) -> FeedSource:
    """The event, its agenda items, and its published unconference sessions."""

    def items() -> QuerySet[AgendaItem]:
        return AgendaItem.objects.filter(event=event).order_by("starts_at", "id")

    def build() -> list[CalendarEntry]:
        entries = [calendar_entry_for(event)]
        entries += agenda_entries(event, list(items()))
        entries += [session_entry(s) for s in published_sessions([event.pk])]
        return entries

    def state() -> FeedState:
        head = Event.objects.filter(pk=event.pk).values_list(
            "last_modified", "sequence", "status", "organiser__updated_at"
        )
        event_modified, sequence, status, organiser_modified = head.get()
        item_parts, item_modified = _aggregate(items())
        session_parts, session_modified = _aggregate(published_sessions([event.pk]))
        return FeedState(
            (event_modified, sequence, status, organiser_modified, *item_parts, *session_parts),
            _newest(event_modified, item_modified, session_modified, organiser_modified),
        )

    return FeedSource(
        kind="event",
        name=event.title,
        description=f"{event.title}, organised by {event.organiser.name}: the event and its "
        "programme.",
        build=build,
        read_state=state,
        key_parts=(str(event.pk),),
    )


def _events_state(qs: QuerySet[Event]) -> FeedState:
    row = qs.order_by().aggregate(
        n=Count("pk", distinct=True),
        lm=Max("last_modified"),
        seq=Sum("sequence"),
        org=Max("organiser__updated_at"),
    )
    return FeedState(
        (row["n"], row["lm"], row["seq"] or 0, row["org"]), _newest(row["lm"], row["org"])
    )


def organiser_feed(organisation: Organisation) -> FeedSource:
    qs = organiser_feed_events(organisation)
    return FeedSource(
        kind="organiser",
        name=f"Events by {organisation.name}",
        description=f"Breakfasts, unconferences and workshops organised by {organisation.name}.",
        build=lambda: [calendar_entry_for(e) for e in qs],
        read_state=lambda: _events_state(qs),
        key_parts=(str(organisation.pk),),
    )


def public_feed(filters: PublicFeedFilters, *, today: date) -> FeedSource:
    qs = public_feed_events(filters, today=today)
    narrowed = filters.describe()
    name = "Open Innovation Exchange events" + (f" ({narrowed})" if narrowed else "")
    return FeedSource(
        kind="public",
        name=name,
        description="Published events on the Open Innovation Exchange.",
        build=lambda: [calendar_entry_for(e) for e in qs],
        read_state=lambda: _events_state(qs),
        key_parts=(filters.kind, filters.tag, filters.region, today.isoformat()),
    )


# --- The personal feed ------------------------------------------------------------------------


def personal_events(user: User) -> QuerySet[Event]:
    """Events the person holds a confirmed booking for, and events they were booked on that
    were cancelled (the event's cancellation cancelled the booking: it stays, cancelled)."""
    confirmed = Q(bookings__booker=user, bookings__status=BookingStatus.CONFIRMED)
    cancelled_with_event = Q(
        status=EventStatus.CANCELLED,
        bookings__booker=user,
        bookings__status__in=(BookingStatus.CANCELLED, BookingStatus.REFUNDED),
        bookings__cancelled_at__gte=F("cancelled_at"),
    )
    ids = feed_events().filter(confirmed | cancelled_with_event).values("pk")
    return feed_events().filter(pk__in=ids)


def personal_meetings(user: User) -> QuerySet[MeetingRequest]:
    """Accepted 1:1 meetings the person is in (and ones cancelled after acceptance)."""
    return (
        MeetingRequest.objects.filter(Q(from_user=user) | Q(accepted_by=user))
        .filter(
            Q(status=MeetingStatus.ACCEPTED) | Q(status=MeetingStatus.CANCELLED, slot__isnull=False)
        )
        .filter(event__in=feed_events().values("pk"))
        .select_related("slot", "event", "event__organiser", "from_organisation", "to_organisation")
        .prefetch_related(Prefetch("event__tags"))
        .order_by("slot__starts_at", "id")
    )


def personal_entries(user: User) -> list[CalendarEntry]:
    """Everything of the person's own feed, and nothing of anyone else's."""
    events = list(personal_events(user))
    entries = [calendar_entry_for(e, with_online_link=True) for e in events]
    seen = {e.uid for e in entries}
    starred = starred_for_user(user)
    new: list[CalendarEntry] = []
    for item in starred.agenda_items.filter(event__in=feed_events().values("pk")):
        new += agenda_entries(item.event, [item])
    for session in starred.sessions.filter(event__in=feed_events().values("pk")):
        new.append(session_entry(session))
    for entry in new:
        if entry.uid not in seen:
            seen.add(entry.uid)
            entries.append(entry)
    for meeting in personal_meetings(user):
        entry = meeting_entry(meeting)
        if entry.uid not in seen:
            seen.add(entry.uid)
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.starts_at, e.uid))


def personal_feed(user: User) -> FeedSource:
    """A person's own feed. Small, so its fingerprint is the rendered entries themselves."""
    cache: dict[str, list[CalendarEntry]] = {}

    def build() -> list[CalendarEntry]:
        if "entries" not in cache:
            cache["entries"] = personal_entries(user)
        return cache["entries"]

    def state() -> FeedState:
        entries = build()
        return FeedState(tuple(entries), _newest(*(e.last_modified for e in entries)) or NO_TIME)

    return FeedSource(
        kind="personal",
        name="My Open Innovation Exchange calendar",
        description="Your bookings, starred sessions and 1:1 meetings.",
        build=build,
        read_state=state,
        public=False,
        key_parts=(str(user.pk),),
    )


def calendar_token_active(user: User) -> CalendarToken | None:
    """The person's active feed token, if any (the settings page shows when it was made)."""
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()
