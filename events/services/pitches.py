"""Pitch applications: suppliers apply to pitch a listing at a breakfast; organisers decide."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events.enums import (
    EVENT_CHANGE,
    PITCH_TRANSITIONS,
    EventKind,
    EventStatus,
    ListingRole,
    PitchStatus,
)
from events.models import (
    AgendaItem,
    Event,
    EventListing,
    PitchApplication,
)
from events.services.common import event_link, lock_event, notify_organisers, touch
from events.services.programme import agenda_item_create
from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, User
from exchange.notifications import notify
from exchange.permissions import require_perm
from listings.enums import ListingStatus, Visibility
from listings.models import Listing

PITCH_EVENT_KINDS = frozenset({EventKind.BREAKFAST})


def _is_member(user: User, organisation_id: int) -> bool:
    return Membership.objects.filter(user=user, organisation_id=organisation_id).exists()


# --- Pitch applications -----------------------------------------------------------------------


@transaction.atomic
def pitch_application_create(
    *, actor: User, event: Event, listing: Listing, pitch: str, now: datetime | None = None
) -> PitchApplication:
    """A supplier applies to pitch one of its published listings at an upcoming breakfast.

    Side effect: the event's organisers are notified.
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    if event.kind not in PITCH_EVENT_KINDS:
        raise InvalidTransition("Listings are pitched at breakfast meetings only.")
    if event.status != EventStatus.PUBLISHED or event.starts_at <= now:
        raise InvalidTransition("Applications are open for upcoming published events only.")
    if not _is_member(actor, listing.organisation_id):
        raise PermissionDenied("You can only pitch your own organisation's listings.")
    if listing.status != ListingStatus.PUBLISHED:
        raise ValidationError({"listing": "Only published listings can be pitched."})
    if listing.visibility != Visibility.PUBLIC:
        # An accepted pitch puts the listing's title on a public agenda and in feeds.
        raise ValidationError(
            {"listing": "Only public listings can be pitched: the agenda is public."}
        )
    pitch = pitch.strip()
    if not pitch:
        raise ValidationError({"pitch": "Say in a few sentences what you would pitch."})
    if len(pitch) > 2000:
        raise ValidationError({"pitch": "Keep the pitch under 2,000 characters."})
    if PitchApplication.objects.filter(
        event=event, listing=listing, status__in=(PitchStatus.PENDING, PitchStatus.ACCEPTED)
    ).exists():
        raise InvalidTransition("This listing already has an application for this event.")
    if EventListing.objects.filter(
        event=event, listing=listing, role=ListingRole.ON_AGENDA
    ).exists():
        raise InvalidTransition("This listing is already on the agenda.")
    application = PitchApplication(
        event=event,
        listing=listing,
        organisation_id=listing.organisation_id,
        applicant=actor,
        pitch=pitch,
    )
    application.full_clean()
    application.save()
    notify_organisers(
        event,
        f"{listing.organisation.name} applied to pitch “{listing.title}” at {event.title}.",
        link=reverse("event-pitches", kwargs={"slug": event.slug}),
    )
    return application


def _lock_application(application: PitchApplication) -> tuple[Event, PitchApplication]:
    event = lock_event(application.event_id)
    locked = (
        PitchApplication.objects.select_for_update(of=("self",))
        .select_related("listing", "organisation", "applicant")
        .get(pk=application.pk)
    )
    return event, locked


def _move_pitch(application: PitchApplication, to: str) -> None:
    if to not in PITCH_TRANSITIONS[application.status]:
        raise InvalidTransition(
            f"A {application.get_status_display().lower()} application cannot be {to}."
        )


def _tell_applicant(application: PitchApplication, text: str) -> None:
    recipients = [application.applicant] if application.applicant else []
    notify(
        recipients=recipients,
        kind=NotificationKind.EVENT,
        text=text,
        link=event_link(application.event),
        target=application.event,
    )


@transaction.atomic
def pitch_application_accept(
    *,
    actor: User,
    application: PitchApplication,
    starts_at: datetime,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> PitchApplication:
    """The organiser accepts a pitch: it becomes an agenda item at ``starts_at``.

    Side effects: an AgendaItem (speaker: the applicant) and an "on the agenda" EventListing
    are created; the event's LAST-MODIFIED moves; the applicant is notified.
    """
    now = now or timezone.now()
    event, application = _lock_application(application)
    require_perm(actor, EVENT_CHANGE, event)
    _move_pitch(application, PitchStatus.ACCEPTED)
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Only pitches at published events can be accepted.")
    listing = application.listing
    item = agenda_item_create(
        actor=actor,
        event=event,
        now=now,
        starts_at=starts_at,
        ends_at=ends_at,
        title=f"Pitch: {listing.title}"[:200],
        description=application.pitch[:2000],
        speaker_name=application.applicant.display_name if application.applicant else "",
        speaker_organisation=application.organisation.name[:200],
    )
    EventListing.objects.update_or_create(
        event=event, listing=listing, defaults={"role": ListingRole.ON_AGENDA}
    )
    application.status = PitchStatus.ACCEPTED
    application.agenda_item = item
    application.decided_by = actor
    application.decided_at = now
    application.save(
        update_fields=["status", "agenda_item", "decided_by", "decided_at", "updated_at"]
    )
    local = timezone.localtime(starts_at, event.tz)
    _tell_applicant(
        application,
        f"Your pitch of “{listing.title}” at {event.title} was accepted: you are on the agenda "
        f"at {local:%H:%M}.",
    )
    return application


@transaction.atomic
def pitch_application_decline(
    *, actor: User, application: PitchApplication, reason: str, now: datetime | None = None
) -> PitchApplication:
    """The organiser declines a pitch, with a reason the applicant reads.

    Side effect: the applicant is notified with the reason.
    """
    now = now or timezone.now()
    event, application = _lock_application(application)
    require_perm(actor, EVENT_CHANGE, event)
    _move_pitch(application, PitchStatus.DECLINED)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Tell the applicant why, so they can try elsewhere."})
    application.status = PitchStatus.DECLINED
    application.decline_reason = reason[:500]
    application.decided_by = actor
    application.decided_at = now
    application.save(
        update_fields=["status", "decline_reason", "decided_by", "decided_at", "updated_at"]
    )
    _tell_applicant(
        application,
        f"Your pitch of “{application.listing.title}” at {event.title} was declined: "
        f"{application.decline_reason}",
    )
    return application


@transaction.atomic
def pitch_application_withdraw(
    *, actor: User, application: PitchApplication, now: datetime | None = None
) -> PitchApplication:
    """The applicant's organisation withdraws a pitch (pending or accepted).

    Side effects: an accepted pitch's agenda item and agenda link are removed and the event's
    LAST-MODIFIED moves; the organisers are notified.
    """
    now = now or timezone.now()
    event, application = _lock_application(application)
    if not _is_member(actor, application.organisation_id):
        raise PermissionDenied("Only the applicant's organisation can withdraw it.")
    _move_pitch(application, PitchStatus.WITHDRAWN)
    if application.status == PitchStatus.ACCEPTED:
        if application.agenda_item_id is not None:
            AgendaItem.objects.filter(pk=application.agenda_item_id).delete()
        EventListing.objects.filter(
            event=event, listing=application.listing, role=ListingRole.ON_AGENDA
        ).delete()
        touch(event, now=now, significant=False)
    application.status = PitchStatus.WITHDRAWN
    application.agenda_item = None
    application.save(update_fields=["status", "agenda_item", "updated_at"])
    notify_organisers(
        event,
        f"{application.organisation.name} withdrew its pitch of “{application.listing.title}”.",
        link=reverse("event-pitches", kwargs={"slug": event.slug}),
    )
    return application
