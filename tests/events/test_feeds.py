"""Calendar feeds over HTTP: who sees what, conditional requests, tokens, cancellation."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from events import services
from events.enums import BookingStatus
from events.models import CalendarToken, Event
from events.services.feeds import (
    calendar_token_create,
    calendar_token_hash,
    calendar_token_revoke,
    calendar_token_rotate,
)
from exchange.exceptions import InvalidTransition
from exchange.logs import RedactSecrets
from tests.events.feed_helpers import by_uid, lines, lint, summaries, vevents
from tests.factories.events import book, in_days, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, make_organisation

pytestmark = pytest.mark.django_db

PUBLIC = "/events/feed.ics"


def uid_of(obj) -> str:
    return f"{obj.uid}@open-innovation-exchange"


def personal_url(raw: str) -> str:
    return reverse("calendar-personal-feed", kwargs={"token": raw})


# --- Public feed ----------------------------------------------------------------------------


def test_public_feed_empty_is_a_valid_calendar(client):
    response = client.get(PUBLIC)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, no-cache"
    assert vevents(response.content) == []
    assert lint(response.content) == []
    assert "X-WR-CALNAME:Open Innovation Exchange events" in lines(response.content)


def test_public_feed_lists_published_and_cancelled_never_drafts(client):
    published = make_event(title="Published breakfast")
    draft = make_event(title="Draft breakfast", publish=False)
    cancelled = make_event(title="Cancelled breakfast")
    services.event_cancel(actor=organiser_of(cancelled), event=cancelled, reason="Venue flooded")
    never_published = make_event(title="Dropped draft", publish=False)
    services.event_cancel(actor=organiser_of(never_published), event=never_published, reason="")

    events = by_uid(client.get(PUBLIC).content)

    assert sorted(events) == sorted([uid_of(published), uid_of(cancelled)])
    assert str(events[uid_of(cancelled)]["STATUS"]) == "CANCELLED"
    assert str(events[uid_of(published)]["STATUS"]) == "CONFIRMED"
    assert uid_of(draft) not in events


def test_public_feed_filters_by_kind_tag_and_region(client):
    breakfast = make_event(title="Care breakfast", tag_names=("care",), region="north_west")
    workshop = make_event(
        title="Care workshop", kind="workshop", tag_names=("care",), region="london"
    )
    make_event(title="Roads breakfast", tag_names=("roads",), region="london")

    assert summaries(client.get(PUBLIC, {"kind": "workshop"}).content) == [workshop.title]
    assert sorted(summaries(client.get(PUBLIC, {"tag": "care"}).content)) == [
        breakfast.title,
        workshop.title,
    ]
    assert summaries(client.get(PUBLIC, {"tag": "care", "region": "north_west"}).content) == [
        breakfast.title
    ]
    assert summaries(client.get(PUBLIC, {"tag": "nothing-like-it"}).content) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "party"}, "Unknown kind 'party'"),
        ({"region": "mars"}, "Unknown region 'mars'"),
        ({"tag": "<script>"}, "A tag is a slug"),
    ],
)
def test_public_feed_bad_filter_is_400_plain_text(client, params, message):
    response = client.get(PUBLIC, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith(message)


def test_public_feed_refuses_writes(client):
    assert client.post(PUBLIC).status_code == 405


# --- Conditional requests and caching -------------------------------------------------------


def test_feed_etag_answers_304_and_an_edit_shows_in_the_next_request(client):
    event = make_event(title="Digital breakfast")
    first = client.get(PUBLIC)
    etag = first["ETag"]

    again = client.get(PUBLIC, HTTP_IF_NONE_MATCH=etag)
    services.event_update(actor=organiser_of(event), event=event, title="Digital breakfast II")
    after_edit = client.get(PUBLIC, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    assert after_edit.status_code == 200
    assert after_edit["ETag"] != etag
    assert summaries(after_edit.content) == ["Digital breakfast II"]


def test_feed_if_modified_since(client):
    event = make_event()
    response = client.get(PUBLIC)
    modified = response["Last-Modified"]

    same = client.get(PUBLIC, HTTP_IF_MODIFIED_SINCE=modified)
    older = client.get(
        PUBLIC,
        HTTP_IF_MODIFIED_SINCE=http_date((event.last_modified - timedelta(days=1)).timestamp()),
    )

    assert modified == http_date(event.last_modified.timestamp())
    assert (same.status_code, older.status_code) == (304, 200)


def test_agenda_edit_changes_event_feed(client):
    event = make_event()
    actor = organiser_of(event)
    item = services.agenda_item_create(
        actor=actor, event=event, starts_at=event.starts_at, title="Welcome"
    )
    url = reverse("event-feed", kwargs={"slug": event.slug})
    before = client.get(url)

    services.agenda_item_update(actor=actor, item=item, title="Welcome and coffee")
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    old = by_uid(before.content)[uid_of(item)]
    entry = by_uid(after.content)[uid_of(item)]
    assert after.status_code == 200
    assert (str(entry["SUMMARY"]), entry["SEQUENCE"]) == ("Welcome and coffee", old["SEQUENCE"] + 1)


# --- Event and organiser feeds --------------------------------------------------------------


def test_event_feed_has_event_and_agenda_items_with_their_own_uids(client):
    event = make_event(title="Digital breakfast")
    actor = organiser_of(event)
    coffee = services.agenda_item_create(
        actor=actor, event=event, starts_at=event.starts_at, title="Coffee"
    )
    talk = services.agenda_item_create(
        actor=actor,
        event=event,
        starts_at=event.starts_at + timedelta(minutes=30),
        ends_at=event.starts_at + timedelta(minutes=60),
        title="Talk",
        speaker_name="Ada",
    )

    response = client.get(reverse("event-feed", kwargs={"slug": event.slug}))
    events = by_uid(response.content)

    assert sorted(events) == sorted([uid_of(event), uid_of(coffee), uid_of(talk)])
    # An item without an end runs until the next one starts.
    assert events[uid_of(coffee)].decoded("DTEND") == event.starts_at + timedelta(minutes=30)
    assert "Ada" in str(events[uid_of(talk)]["DESCRIPTION"])
    assert response["Access-Control-Allow-Origin"] == "*"
    assert lint(response.content) == []


def test_event_feed_of_draft_is_404_even_for_its_organiser(client):
    event = make_event(publish=False)
    client.force_login(organiser_of(event))

    assert client.get(reverse("event-feed", kwargs={"slug": event.slug})).status_code == 404


def test_event_feed_shows_published_unconference_sessions(client):
    from events.models import Room, SessionProposal, Slot

    event = make_event(kind="unconference", title="Open Gov Camp", hours=4)
    room = Room.objects.create(event=event, name="Hall", capacity=80)
    slot = Slot.objects.create(
        event=event, starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1)
    )
    session = SessionProposal.objects.create(
        event=event,
        proposer=organiser_of(event),
        title="Fixing potholes with data",
        placed_room=room,
        placed_slot=slot,
        last_modified=timezone.now(),
    )
    url = reverse("event-feed", kwargs={"slug": event.slug})
    unpublished = by_uid(client.get(url).content)

    Event.objects.filter(pk=event.pk).update(schedule_published_at=timezone.now())
    published = by_uid(client.get(url).content)

    assert uid_of(session) not in unpublished
    entry = published[uid_of(session)]
    assert str(entry["SUMMARY"]) == "Fixing potholes with data"
    assert str(entry["LOCATION"]).startswith("Hall, Town Hall")


def test_session_withdrawn_after_publishing_stays_in_feeds_as_cancelled(client):
    from events.models import Room, SessionProposal, Slot, Star
    from events.services import unconference as uc

    event = make_event(kind="unconference", title="Open Gov Camp", hours=4)
    room = Room.objects.create(event=event, name="Hall", capacity=80)
    slot = Slot.objects.create(
        event=event, starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1)
    )
    proposer, fan = UserFactory(), UserFactory()
    session = SessionProposal.objects.create(
        event=event,
        proposer=proposer,
        title="Fixing potholes with data",
        placed_room=room,
        placed_slot=slot,
        last_modified=timezone.now(),
    )
    Event.objects.filter(pk=event.pk).update(schedule_published_at=timezone.now())
    Star.objects.create(user=fan, session=session)
    _, raw = calendar_token_create(actor=fan)
    url = reverse("event-feed", kwargs={"slug": event.slug})
    before = by_uid(client.get(url).content)[uid_of(session)]

    uc.session_withdraw(actor=proposer, session=session)
    after = client.get(url).content
    public_entry = by_uid(after)[uid_of(session)]
    personal_entry = by_uid(client.get(personal_url(raw)).content)[uid_of(session)]

    assert (str(before["STATUS"]), str(public_entry["STATUS"])) == ("CONFIRMED", "CANCELLED")
    assert str(personal_entry["STATUS"]) == "CANCELLED"
    assert public_entry["SEQUENCE"] == before["SEQUENCE"] + 1
    assert public_entry["DTSTART"].dt == before["DTSTART"].dt == slot.starts_at
    assert str(public_entry["LOCATION"]).startswith("Hall, ")
    assert lint(after) == []
    session.refresh_from_db()
    assert (session.placed_slot, session.cancelled_starts_at) == (None, slot.starts_at)


def test_session_withdrawn_before_publishing_never_reaches_feeds(client):
    from events.models import SessionProposal
    from events.services import unconference as uc

    event = make_event(kind="unconference", title="Open Gov Camp", hours=4)
    proposer = UserFactory()
    session = SessionProposal.objects.create(
        event=event, proposer=proposer, title="Withdrawn early", last_modified=timezone.now()
    )
    uc.session_withdraw(actor=proposer, session=session)
    Event.objects.filter(pk=event.pk).update(schedule_published_at=timezone.now())

    body = client.get(reverse("event-feed", kwargs={"slug": event.slug})).content

    assert uid_of(session) not in by_uid(body)
    session.refresh_from_db()
    assert session.cancelled_starts_at is None


def test_organiser_feed_only_that_organisations_events(client):
    mine = make_event(title="Ours")
    make_event(title="Theirs")
    url = reverse("organiser-events-feed", kwargs={"slug": mine.organiser.slug})

    response = client.get(url)

    assert summaries(response.content) == ["Ours"]
    assert "X-WR-CALNAME:Events by " + mine.organiser.name in lines(response.content)
    assert (
        client.get(reverse("organiser-events-feed", kwargs={"slug": "nobody"})).status_code == 404
    )


# --- Personal feed and tokens -------------------------------------------------------------------


def test_personal_feed_holds_only_ones_own_confirmed_bookings(client):
    event = make_event(title="Booked", online_url="https://meet.example.org/secret-room")
    other_event = make_event(title="Someone else's")
    me, them = UserFactory(), UserFactory()
    book(ticket(event), user=me)
    book(ticket(other_event), user=them)
    _, raw = calendar_token_create(actor=me)

    response = client.get(personal_url(raw))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert "Access-Control-Allow-Origin" not in response
    assert summaries(response.content) == ["Booked"]
    # Ticket holders get the joining link in their own feed.
    assert "meet.example.org/secret-room" in "".join(lines(response.content))
    assert lint(response.content) == []


def test_public_feed_never_carries_the_joining_link(client):
    make_event(online_url="https://meet.example.org/secret-room")

    assert "secret-room" not in client.get(PUBLIC).content.decode()


def test_personal_feed_drops_bookings_the_person_cancelled(client):
    event = make_event()
    me = UserFactory()
    booking = book(ticket(event), user=me)
    _, raw = calendar_token_create(actor=me)
    services.booking_cancel(actor=me, booking=booking)

    assert vevents(client.get(personal_url(raw)).content) == []


def test_cancelled_event_stays_in_personal_and_public_feeds_with_higher_sequence(client):
    event = make_event(title="Doomed breakfast")
    me = UserFactory()
    book(ticket(event), user=me)
    _, raw = calendar_token_create(actor=me)
    before = by_uid(client.get(personal_url(raw)).content)[uid_of(event)]

    services.event_cancel(actor=organiser_of(event), event=event, reason="Snow")
    mine = by_uid(client.get(personal_url(raw)).content)[uid_of(event)]
    public = by_uid(client.get(PUBLIC).content)[uid_of(event)]

    assert me.bookings.get().status == BookingStatus.CANCELLED
    assert (str(before["STATUS"]), str(mine["STATUS"]), str(public["STATUS"])) == (
        "CONFIRMED",
        "CANCELLED",
        "CANCELLED",
    )
    assert mine["SEQUENCE"] == before["SEQUENCE"] + 1 == public["SEQUENCE"]


def test_personal_feed_unknown_token_is_404(client):
    assert client.get(personal_url("not-a-real-token-at-all")).status_code == 404


def test_token_is_stored_hashed_and_long(db):
    me = UserFactory()

    token, raw = calendar_token_create(actor=me)

    assert len(raw) == 43  # token_urlsafe(32): 256 bits
    assert token.token_hash == calendar_token_hash(raw)
    assert raw not in token.token_hash
    assert CalendarToken.objects.filter(token_hash__contains=raw[:10]).count() == 0


def test_token_create_twice_is_refused(db):
    me = UserFactory()
    calendar_token_create(actor=me)

    with pytest.raises(InvalidTransition):
        calendar_token_create(actor=me)
    assert CalendarToken.objects.filter(user=me).count() == 1


def test_rotation_invalidates_the_old_url(client):
    me = UserFactory()
    book(ticket(make_event()), user=me)
    _, old = calendar_token_create(actor=me)
    assert client.get(personal_url(old)).status_code == 200

    _, new = calendar_token_rotate(actor=me)

    assert client.get(personal_url(old)).status_code == 404
    assert client.get(personal_url(new)).status_code == 200
    assert CalendarToken.objects.filter(user=me, revoked_at__isnull=True).count() == 1


def test_revoked_token_is_404(client):
    me = UserFactory()
    _, raw = calendar_token_create(actor=me)

    assert calendar_token_revoke(actor=me) == 1
    assert client.get(personal_url(raw)).status_code == 404
    assert calendar_token_revoke(actor=me) == 0


def test_token_of_inactive_user_is_404(client):
    me = UserFactory()
    _, raw = calendar_token_create(actor=me)
    me.is_active = False
    me.save(update_fields=["is_active"])

    assert client.get(personal_url(raw)).status_code == 404


def test_personal_feed_records_use(client):
    me = UserFactory()
    token, raw = calendar_token_create(actor=me)

    client.get(personal_url(raw))

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_feed_url_is_redacted_in_logs():
    record = logging.makeLogRecord(
        {"msg": "GET %s 200", "args": ("/calendar/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd.ics",)}
    )

    RedactSecrets().filter(record)

    assert record.getMessage() == "GET /calendar/AbCd….ics 200"


# --- Settings page ----------------------------------------------------------------------------


SETTINGS = "/settings/calendar/"


def test_settings_page_needs_login(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_settings_page_empty(client):
    client.force_login(UserFactory())

    response = client.get(SETTINGS)

    assert response.status_code == 200
    assert b"You have no calendar feed." in response.content
    assert b"Create my calendar feed" in response.content


def test_settings_create_shows_url_once_with_webcal(client):
    me = UserFactory()
    client.force_login(me)

    created = client.post(SETTINGS, {"action": "create"})
    later = client.get(SETTINGS)

    url = created.context["new_url"]
    assert url.startswith("http://testserver/calendar/")
    assert url.endswith(".ics")
    assert created.context["new_webcal_url"] == "webcal://" + url.removeprefix("http://")
    assert created["Cache-Control"].startswith("max-age=0")
    assert url.encode() in created.content
    assert b"webcal://testserver/calendar/" in created.content
    assert later.context["new_url"] == ""
    assert b"/calendar/" not in later.content.replace(b"/settings/calendar/", b"")
    raw = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(personal_url(raw)).status_code == 200


def test_settings_rotate_and_revoke(client):
    me = UserFactory()
    client.force_login(me)
    first = client.post(SETTINGS, {"action": "create"}).context["new_url"]

    rotated = client.post(SETTINGS, {"action": "rotate"})
    second = rotated.context["new_url"]
    revoked = client.post(SETTINGS, {"action": "revoke"})

    assert second != first
    assert b"The old address has stopped working" in rotated.content
    assert client.get(first).status_code == 404
    assert revoked.status_code == 302
    assert client.get(second).status_code == 404
    assert CalendarToken.objects.filter(user=me, revoked_at__isnull=True).count() == 0


def test_settings_unknown_action_is_400(client):
    client.force_login(UserFactory())

    assert client.post(SETTINGS, {"action": "explode"}).status_code == 400


# --- Pages link to the feeds --------------------------------------------------------------------


def test_event_page_offers_calendar_links(client):
    event = make_event(title="Digital breakfast")

    content = client.get(event.get_absolute_url()).content.decode()

    assert f'href="/events/{event.slug}/calendar.ics"' in content
    assert f'href="webcal://testserver/events/{event.slug}/feed.ics"' in content
    assert (
        "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Digital+breakfast"
        in content
    )
    assert (
        "https://outlook.live.com/calendar/0/action/compose?rru=addevent&amp;subject=Digital+breakfast"
        in content
    )


def test_event_list_feed_link_honours_filters(client):
    content = client.get("/events/", {"kind": "workshop", "region": "mars", "tag": "care"}).content

    assert b'href="webcal://testserver/events/feed.ics?kind=workshop&amp;tag=care"' in content


def test_organisation_page_links_its_feed(client):
    organisation = make_organisation(name="Northshire Council")
    make_event(organisation=organisation, title="Northshire breakfast", starts_at=in_days(5))

    content = client.get(f"/organisations/{organisation.slug}/").content.decode()

    assert f'href="webcal://testserver/events/organisers/{organisation.slug}/feed.ics"' in content
    assert "Northshire breakfast" in content


@pytest.mark.parametrize("n", [1, 3])
def test_feed_queries_do_not_grow_with_events(client, django_assert_num_queries, n):
    organisation = make_organisation()
    for i in range(n):
        make_event(organisation=organisation, title=f"Breakfast {i}", tag_names=("care",))
    organiser_url = reverse("organiser-events-feed", kwargs={"slug": organisation.slug})
    cache.clear()

    # The state aggregate, the events, their tags (the organiser feed: the organisation too).
    with django_assert_num_queries(3):
        public = client.get(PUBLIC)
    with django_assert_num_queries(4):
        organiser = client.get(organiser_url)

    assert len(vevents(public.content)) == len(vevents(organiser.content)) == n
