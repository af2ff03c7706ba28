"""1:1 meetings at events: the organiser's slots and tables, requests between attendees."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events.enums import (
    EVENT_CHANGE,
    MEETING_TRANSITIONS,
    BookingStatus,
    EventStatus,
    MeetingStatus,
)
from events.models import (
    Booking,
    Event,
    MeetingRequest,
    MeetingSeat,
    MeetingSlot,
)
from events.networking import attending_organisation_ids, attending_users_of
from events.services.common import lock_event
from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, Organisation, User
from exchange.notifications import notify
from exchange.permissions import require_perm


def _is_member(user: User, organisation_id: int) -> bool:
    return Membership.objects.filter(user=user, organisation_id=organisation_id).exists()


# --- Meeting slots ----------------------------------------------------------------------------


@transaction.atomic
def meeting_slot_create(
    *, actor: User, event: Event, starts_at: datetime, ends_at: datetime, tables: int
) -> MeetingSlot:
    """The organiser adds a window of networking time with ``tables`` tables."""
    event = lock_event(event.pk)
    require_perm(actor, EVENT_CHANGE, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("A cancelled event cannot be edited.")
    errors: dict[str, str] = {}
    if not event.starts_at <= starts_at < event.ends_at:
        errors["starts_at"] = "Meeting slots must start during the event."
    if ends_at <= starts_at or ends_at > event.ends_at:
        errors["ends_at"] = "A slot must end after it starts, by the event's end."
    if not 1 <= tables <= 500:
        errors["tables"] = "Give between 1 and 500 tables."
    if MeetingSlot.objects.filter(event=event, starts_at=starts_at).exists():
        errors["starts_at"] = "There is already a slot starting then."
    if errors:
        raise ValidationError(errors)
    slot = MeetingSlot(event=event, starts_at=starts_at, ends_at=ends_at, tables=tables)
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def meeting_slot_delete(*, actor: User, slot: MeetingSlot) -> None:
    """Remove a slot no accepted meeting uses."""
    event = lock_event(slot.event_id)
    require_perm(actor, EVENT_CHANGE, event)
    if MeetingRequest.objects.filter(slot=slot).exists():
        raise InvalidTransition("Meetings are booked in this slot; it cannot be removed.")
    MeetingSlot.objects.filter(pk=slot.pk, event=event).delete()


# --- Meeting requests -------------------------------------------------------------------------


def _booked(user: User, event: Event) -> bool:
    return Booking.objects.filter(event=event, booker=user, status=BookingStatus.CONFIRMED).exists()


def _meeting_link(event: Event) -> str:
    return reverse("event-meetings", kwargs={"slug": event.slug})


@transaction.atomic
def meeting_request_create(
    *,
    actor: User,
    event: Event,
    to_organisation: Organisation,
    from_organisation: Organisation | None = None,
    message: str = "",
    now: datetime | None = None,
) -> MeetingRequest:
    """A booked attendee asks another attending organisation for a short 1:1 meeting.

    Side effect: the other organisation's booked people are notified.
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    if event.status != EventStatus.PUBLISHED or event.ends_at <= now:
        raise InvalidTransition("Meetings can be requested for upcoming published events only.")
    if not _booked(actor, event):
        raise PermissionDenied("Book a seat at this event to request meetings.")
    mine = list(Membership.objects.filter(user=actor).values_list("organisation_id", flat=True))
    if from_organisation is None:
        if len(mine) != 1:
            raise ValidationError({"from_organisation": "Choose which organisation you represent."})
        from_id = mine[0]
    else:
        from_id = from_organisation.pk
        if from_id not in mine:
            raise PermissionDenied("You can only request meetings for your own organisation.")
    if to_organisation.pk == from_id:
        raise ValidationError({"to_organisation": "Choose another organisation."})
    if to_organisation.pk not in attending_organisation_ids(event):
        raise ValidationError({"to_organisation": "That organisation is not attending."})
    message = message.strip()
    if len(message) > 500:
        raise ValidationError({"message": "Keep the message under 500 characters."})
    open_statuses = (MeetingStatus.REQUESTED, MeetingStatus.ACCEPTED)
    if MeetingRequest.objects.filter(
        event=event,
        from_organisation_id__in=(from_id, to_organisation.pk),
        to_organisation_id__in=(from_id, to_organisation.pk),
        status__in=open_statuses,
    ).exists():
        raise InvalidTransition("Your organisations already have a meeting request open.")
    meeting = MeetingRequest(
        event=event,
        from_organisation_id=from_id,
        from_user=actor,
        to_organisation=to_organisation,
        message=message,
        last_modified=now,
    )
    meeting.full_clean()
    meeting.save()
    sender = Organisation.objects.get(pk=from_id)
    notify(
        recipients=attending_users_of(event, to_organisation.pk),
        kind=NotificationKind.EVENT,
        text=f"{sender.name} would like a 1:1 meeting with {to_organisation.name} at "
        f"{event.title}.",
        link=_meeting_link(event),
        target=event,
    )
    return meeting


def _lock_meeting(meeting: MeetingRequest) -> tuple[Event, MeetingRequest]:
    event = lock_event(meeting.event_id)
    locked = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("from_organisation", "to_organisation", "from_user", "accepted_by")
        .get(pk=meeting.pk)
    )
    return event, locked


def _move_meeting(meeting: MeetingRequest, to: str) -> None:
    if to not in MEETING_TRANSITIONS[meeting.status]:
        raise InvalidTransition(f"A {meeting.get_status_display().lower()} meeting cannot be {to}.")


def _free_place(event: Event, people: list[int], now: datetime) -> tuple[MeetingSlot, int] | None:
    """The earliest future slot where none of ``people`` is already in a meeting, and its
    lowest free table. The caller holds the event lock; the slots are locked too."""
    slots = list(
        MeetingSlot.objects.select_for_update()
        .filter(event=event, starts_at__gt=now)
        .order_by("starts_at", "id")
    )
    if not slots:
        return None
    busy = set(
        MeetingSeat.objects.filter(slot__in=slots, user_id__in=people).values_list(
            "slot_id", flat=True
        )
    )
    used: dict[int, set[int]] = {}
    for slot_id, table in MeetingRequest.objects.filter(
        slot__in=slots, status=MeetingStatus.ACCEPTED
    ).values_list("slot_id", "table"):
        if table is not None:
            used.setdefault(slot_id, set()).add(table)
    for slot in slots:
        if slot.pk in busy:
            continue
        taken = used.get(slot.pk, set())
        for table in range(1, slot.tables + 1):
            if table not in taken:
                return slot, table
    return None


@transaction.atomic
def meeting_request_accept(
    *, actor: User, meeting: MeetingRequest, now: datetime | None = None
) -> MeetingRequest:
    """A booked member of the invited organisation accepts: the meeting gets the earliest
    slot and table where neither person is already meeting someone.

    Refused (nothing changes) when no slot has a free table at a time both are free.
    Side effects: two MeetingSeat rows; SEQUENCE/LAST-MODIFIED set (both personal feeds
    show it); the requester is notified.
    """
    now = now or timezone.now()
    event, meeting = _lock_meeting(meeting)
    if not _is_member(actor, meeting.to_organisation_id):
        raise PermissionDenied("Only the invited organisation can accept.")
    _move_meeting(meeting, MeetingStatus.ACCEPTED)
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("This event is not going ahead.")
    if not _booked(actor, event):
        raise PermissionDenied("Book a seat at this event to accept meetings.")
    if actor.pk == meeting.from_user_id:
        raise ValidationError("You cannot meet yourself; ask a colleague to accept.")
    place = _free_place(event, [meeting.from_user_id, actor.pk], now)
    if place is None:
        raise InvalidTransition(
            "No meeting slot has a free table at a time you are both free. Ask the organisers "
            "to add meeting slots or tables, or cancel another meeting."
        )
    slot, table = place
    meeting.status = MeetingStatus.ACCEPTED
    meeting.accepted_by = actor
    meeting.slot = slot
    meeting.table = table
    meeting.decided_at = now
    meeting.last_modified = now
    meeting.sequence += 1
    meeting.save(
        update_fields=[
            "status",
            "accepted_by",
            "slot",
            "table",
            "decided_at",
            "last_modified",
            "sequence",
        ]
    )
    MeetingSeat.objects.bulk_create(
        [
            MeetingSeat(meeting=meeting, slot=slot, user_id=meeting.from_user_id),
            MeetingSeat(meeting=meeting, slot=slot, user_id=actor.pk),
        ]
    )
    local = timezone.localtime(slot.starts_at, event.tz)
    notify(
        recipients=[meeting.from_user],
        kind=NotificationKind.EVENT,
        text=f"{meeting.to_organisation.name} accepted your meeting at {event.title}: "
        f"{local:%H:%M}, table {table}.",
        link=_meeting_link(event),
        target=event,
    )
    return meeting


@transaction.atomic
def meeting_request_decline(
    *, actor: User, meeting: MeetingRequest, reason: str = "", now: datetime | None = None
) -> MeetingRequest:
    """The invited organisation declines. Side effect: the requester is notified."""
    now = now or timezone.now()
    event, meeting = _lock_meeting(meeting)
    if not _is_member(actor, meeting.to_organisation_id):
        raise PermissionDenied("Only the invited organisation can decline.")
    _move_meeting(meeting, MeetingStatus.DECLINED)
    meeting.status = MeetingStatus.DECLINED
    meeting.decline_reason = " ".join(reason.split())[:300]
    meeting.decided_at = now
    meeting.last_modified = now
    meeting.save(update_fields=["status", "decline_reason", "decided_at", "last_modified"])
    because = f" ({meeting.decline_reason})" if meeting.decline_reason else ""
    notify(
        recipients=[meeting.from_user],
        kind=NotificationKind.EVENT,
        text=f"{meeting.to_organisation.name} declined your meeting request at "
        f"{event.title}{because}.",
        link=_meeting_link(event),
        target=event,
    )
    return meeting


@transaction.atomic
def meeting_request_cancel(
    *, actor: User, meeting: MeetingRequest, now: datetime | None = None
) -> MeetingRequest:
    """Either side cancels a requested or accepted meeting.

    Side effects: an accepted meeting frees its table and both people's seats, and stays in
    both personal feeds as cancelled (SEQUENCE up); the other side is notified.
    """
    now = now or timezone.now()
    event, meeting = _lock_meeting(meeting)
    sides = (meeting.from_organisation_id, meeting.to_organisation_id)
    if not any(_is_member(actor, org_id) for org_id in sides) and actor.pk != meeting.from_user_id:
        raise PermissionDenied("Only the two organisations can cancel this meeting.")
    _move_meeting(meeting, MeetingStatus.CANCELLED)
    was_accepted = meeting.status == MeetingStatus.ACCEPTED
    meeting.status = MeetingStatus.CANCELLED
    meeting.last_modified = now
    if was_accepted:
        meeting.sequence += 1
        MeetingSeat.objects.filter(meeting=meeting).delete()
    meeting.save(update_fields=["status", "last_modified", "sequence"])
    others = [meeting.from_user] + ([meeting.accepted_by] if meeting.accepted_by else [])
    if not was_accepted:
        others += attending_users_of(event, meeting.to_organisation_id)
    notify(
        recipients=others,
        kind=NotificationKind.EVENT,
        text=f"The 1:1 meeting between {meeting.from_organisation.name} and "
        f"{meeting.to_organisation.name} at {event.title} was cancelled.",
        link=_meeting_link(event),
        target=event,
        exclude=[actor],
    )
    return meeting
