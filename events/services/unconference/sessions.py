"""The attendees' side: proposing, rewording, withdrawing, notes, votes and stars."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from events.enums import EventKind, EventStatus, SessionStatus
from events.models import (
    AgendaItem,
    Event,
    SessionProposal,
    SessionVote,
    Star,
)
from events.queries import (
    is_confirmed_attendee,
)
from events.services.common import lock_event, touch
from events.services.unconference.checks import (
    MAX_OUTPUT_LINKS,
    lock_session,
    lock_unconference,
    require_visible,
)
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, User
from exchange.services import tags_from_names
from listings.models import Listing
from listings.queries import listings_visible_to

# --- Sessions ---------------------------------------------------------------------------------


@transaction.atomic
def session_propose(
    *,
    actor: User,
    event: Event,
    title: str,
    description: str = "",
    tag_names: Sequence[str] = (),
    listing: Listing | None = None,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> SessionProposal:
    """Pitch a session at an unconference.

    Only people with a confirmed booking may propose, while the event is published and has
    not ended. ``listing`` must be one the proposer may see; ``organisation_id`` one of
    their own organisations. Side effect: the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = lock_unconference(actor, event.pk, organiser=False)
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Sessions open once the event is published.")
    if now >= event.ends_at:
        raise InvalidTransition("The event has ended: no more sessions can be proposed.")
    if not is_confirmed_attendee(actor, event):
        raise PermissionDenied("Only people with a confirmed place can propose sessions.")
    if listing is not None and not listings_visible_to(actor).filter(pk=listing.pk).exists():
        raise ValidationError({"listing": "Choose a listing you can see."})
    if (
        organisation_id is not None
        and not Membership.objects.filter(user=actor, organisation_id=organisation_id).exists()
    ):
        raise ValidationError({"organisation": "Choose one of your organisations."})
    session = SessionProposal(
        event=event,
        proposer=actor,
        organisation_id=organisation_id,
        title=" ".join(title.split()),
        description=description.strip(),
        listing=listing,
        last_modified=now,
    )
    session.full_clean(exclude=["event", "proposer", "organisation", "listing"])
    session.save()
    session.tags.set(tags_from_names(tag_names))
    touch(event, now=now, significant=False)
    return session


@transaction.atomic
def session_update(
    *,
    actor: User,
    session: SessionProposal,
    title: str,
    description: str,
    now: datetime | None = None,
) -> SessionProposal:
    """The proposer rewords their session. Side effect: SEQUENCE and LAST-MODIFIED move."""
    now = now or timezone.now()
    event = lock_unconference(actor, session.event_id, organiser=False)
    session = lock_session(session, event)
    if session.proposer_id != actor.pk:
        raise PermissionDenied("Only the proposer can change the session.")
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    session.title = " ".join(title.split())
    session.description = description.strip()
    session.sequence += 1
    session.last_modified = now
    session.full_clean(exclude=["event", "proposer", "organisation", "listing"])
    session.save(update_fields=["title", "description", "sequence", "last_modified", "updated_at"])
    touch(event, now=now, significant=False)
    return session


@transaction.atomic
def session_withdraw(
    *, actor: User, session: SessionProposal, now: datetime | None = None
) -> SessionProposal:
    """The proposer withdraws their session.

    Side effects: its placement and pin are cleared (a session of a published grid keeps
    its time and room as ``cancelled_*``, so feeds show it cancelled); its votes are
    deleted (voters get their budget back) and ``vote_count`` drops to 0; SEQUENCE and
    LAST-MODIFIED move; the event's LAST-MODIFIED moves. Stars stay (the session page still
    says it was withdrawn).
    """
    now = now or timezone.now()
    event = lock_event(session.event_id)
    session = lock_session(session, event)
    if session.proposer_id != actor.pk:
        raise PermissionDenied("Only the proposer can withdraw the session.")
    if session.is_withdrawn:
        raise InvalidTransition("The session is already withdrawn.")
    SessionVote.objects.filter(session=session).delete()
    if event.schedule_published_at is not None and session.placed_slot is not None:
        # Calendars already show it: they keep it, as cancelled, at the time it had.
        session.cancelled_starts_at = session.placed_slot.starts_at
        session.cancelled_ends_at = session.placed_slot.ends_at
        session.cancelled_room = session.placed_room.name if session.placed_room else ""
    session.status = SessionStatus.WITHDRAWN
    session.withdrawn_at = now
    session.placed_room = session.placed_slot = None
    session.pinned_room = session.pinned_slot = None
    session.vote_count = 0
    session.sequence += 1
    session.last_modified = now
    session.save(
        update_fields=[
            "status",
            "withdrawn_at",
            "cancelled_starts_at",
            "cancelled_ends_at",
            "cancelled_room",
            "placed_room",
            "placed_slot",
            "pinned_room",
            "pinned_slot",
            "vote_count",
            "sequence",
            "last_modified",
            "updated_at",
        ]
    )
    touch(event, now=now, significant=False)
    return session


@transaction.atomic
def session_notes_update(
    *,
    actor: User,
    session: SessionProposal,
    notes: str,
    output_links: Sequence[dict[str, str]] = (),
    now: datetime | None = None,
) -> SessionProposal:
    """The proposer records what came of the session: Markdown notes and links to outputs.

    Allowed once the event has started (notes are often taken in the room). Links must be
    http(s) URLs, at most ``MAX_OUTPUT_LINKS``. No calendar side effects.
    """
    now = now or timezone.now()
    session = SessionProposal.objects.select_for_update().select_related("event").get(pk=session.pk)
    if session.proposer_id != actor.pk:
        raise PermissionDenied("Only the proposer can add notes and outputs.")
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    if now < session.event.starts_at:
        raise InvalidTransition("Notes and outputs can be added once the event has started.")
    session.notes = notes.strip()
    session.output_links = _clean_links(output_links)
    session.full_clean(exclude=["event", "proposer", "organisation", "listing"])
    session.save(update_fields=["notes", "output_links", "updated_at"])
    return session


def _clean_links(links: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    if len(links) > MAX_OUTPUT_LINKS:
        raise ValidationError({"output_links": f"At most {MAX_OUTPUT_LINKS} links."})
    validate = URLValidator(schemes=["http", "https"])
    cleaned: list[dict[str, str]] = []
    for link in links:
        if not isinstance(link, dict):
            raise ValidationError({"output_links": "Each output is a title and a URL."})
        url = str(link.get("url", "")).strip()
        title = " ".join(str(link.get("title", "")).split())[:120]
        try:
            validate(url)
        except ValidationError:
            raise ValidationError({"output_links": f"Not a web address: {url[:80]}"}) from None
        cleaned.append({"title": title or url, "url": url})
    return cleaned


# --- Votes ------------------------------------------------------------------------------------


@transaction.atomic
def session_vote(
    *, actor: User, session: SessionProposal, now: datetime | None = None
) -> SessionProposal:
    """Cast one vote for a session (people with a confirmed place, within the vote budget).

    The voter's user row is locked first, so two concurrent votes of one person cannot both
    pass the budget check. Side effects: a SessionVote row; ``vote_count`` + 1 through F().
    """
    now = now or timezone.now()
    # transaction.atomic is required since this is a FOR UPDATE query.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    session = SessionProposal.objects.select_related("event").get(pk=session.pk)
    event = session.event
    if event.kind != EventKind.UNCONFERENCE or event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Voting is closed for this event.")
    if now >= event.ends_at:
        raise InvalidTransition("The event has ended: voting is closed.")
    if not is_confirmed_attendee(actor, event):
        raise PermissionDenied("Only people with a confirmed place can vote.")
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    if SessionVote.objects.filter(session=session, voter=actor).exists():
        raise InvalidTransition("You already voted for this session.")
    used = SessionVote.objects.filter(voter=actor, event=event).count()
    if used >= event.vote_budget:
        raise InvalidTransition(f"You have used all {event.vote_budget} of your votes.")
    try:
        with transaction.atomic():
            SessionVote.objects.create(session=session, voter=actor, event=event)
    except IntegrityError:
        raise InvalidTransition("You already voted for this session.") from None
    SessionProposal.objects.filter(pk=session.pk).update(vote_count=F("vote_count") + 1)
    session.refresh_from_db(fields=["vote_count"])
    return session


@transaction.atomic
def session_unvote(*, actor: User, session: SessionProposal) -> SessionProposal:
    """Take one's vote back. Side effects: the vote row goes; ``vote_count`` − 1 through F()."""
    User.objects.select_for_update().filter(pk=actor.pk).first()
    deleted, _ = SessionVote.objects.filter(session_id=session.pk, voter=actor).delete()
    if not deleted:
        raise InvalidTransition("You have not voted for this session.")
    SessionProposal.objects.filter(pk=session.pk).update(vote_count=F("vote_count") - 1)
    session.refresh_from_db(fields=["vote_count"])
    return session


# --- Stars ------------------------------------------------------------------------------------


@transaction.atomic
def session_star(*, actor: User, session: SessionProposal) -> Star:
    """Star a session (idempotent). It joins the person's feed once the grid is published."""
    event = Event.objects.get(pk=session.event_id)
    require_visible(actor, event)
    session = SessionProposal.objects.get(pk=session.pk)
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    star, _ = Star.objects.get_or_create(user=actor, session=session)
    return star


@transaction.atomic
def session_unstar(*, actor: User, session: SessionProposal) -> None:
    """Remove one's star from a session (idempotent)."""
    Star.objects.filter(user_id=actor.pk, session_id=session.pk).delete()


@transaction.atomic
def agenda_item_star(*, actor: User, item: AgendaItem) -> Star:
    """Star an agenda item (idempotent); it appears in the person's own calendar feed."""
    require_visible(actor, Event.objects.get(pk=item.event_id))
    star, _ = Star.objects.get_or_create(user=actor, agenda_item_id=item.pk)
    return star


@transaction.atomic
def agenda_item_unstar(*, actor: User, item: AgendaItem) -> None:
    """Remove one's star from an agenda item (idempotent)."""
    Star.objects.filter(user_id=actor.pk, agenda_item_id=item.pk).delete()
