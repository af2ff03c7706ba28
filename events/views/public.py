"""Public event pages: upcoming events with filters, the event page, its .ics download."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from events import queries, services
from events.enums import EVENT_MANAGE, BookingStatus, EventStatus, ListingRole
from events.forms import EventFilterForm, TicketChoiceForm, WaitlistJoinForm
from events.models import AgendaItem
from events.pricing import price_quote
from events.views.common import visible_event
from exchange.markup import render_markdown
from exchange.permissions import has_perm

PAGE_SIZE = 20


def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    events = queries.event_list(request.user, form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {"form": form, "page_obj": page, "events": page.object_list},
    )


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    event = queries.event_for_page(user, slug)
    if event is None:
        raise Http404("No such event.")
    now = timezone.now()
    counts = queries.event_counts(event)
    mine = list(queries.bookings_of(user).filter(event=event)) if user.is_authenticated else []
    waiting = (
        list(queries.waitlist_entries_of(user).filter(event=event)) if user.is_authenticated else []
    )
    can_manage = has_perm(user, EVENT_MANAGE, event)
    tickets = [
        (row, price_quote(row.ticket_type.rules, 1, now), row.ticket_type.on_sale(now))
        for row in counts.tickets
    ]
    bookable = (
        event.status == EventStatus.PUBLISHED
        and (event.booking_opens_at is None or event.booking_opens_at <= now)
        and now < event.booking_deadline
    )
    links = list(event.listing_links.all())
    speakers: dict[tuple[str, str], AgendaItem] = {}
    for item in event.agenda_items.all():
        if item.speaker_name:
            speakers.setdefault((item.speaker_name, item.speaker_organisation), item)
    visible = {listing.pk: listing for listing in event.listings.all()}
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "description_html": render_markdown(event.description),
            "counts": counts,
            "tickets": tickets,
            "speakers": list(speakers.values()),
            "now": now,
            "offer_hours": settings.WAITLIST_OFFER_HOURS,
            "bookable": bookable,
            "my_bookings": mine,
            "my_waitlist": waiting,
            "can_manage": can_manage,
            "show_online_link": can_manage
            or any(b.status == BookingStatus.CONFIRMED for b in mine),
            "choice_form": TicketChoiceForm(event=event),
            "waitlist_form": WaitlistJoinForm(
                event=event, user=user if user.is_authenticated else None
            ),
            "on_agenda": [
                visible[link.listing_id]
                for link in links
                if link.role == ListingRole.ON_AGENDA and link.listing_id in visible
            ],
            "showcased": [
                visible[link.listing_id]
                for link in links
                if link.role == ListingRole.SHOWCASED and link.listing_id in visible
            ],
        },
    )


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Add to calendar": the event as an .ics download (no joining link: it is public)."""
    event = visible_event(request.user, slug)
    body = services.event_ics(event, now=timezone.now(), for_ticket_holder=False)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response
