"""Organiser pages: create and edit events, tickets, agenda, links; the console, attendee
list and CSV export, waitlist, check-in and invoices.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from events import queries, services
from events.enums import EVENT_TRANSITIONS, EventKind, EventStatus
from events.forms import (
    AgendaItemForm,
    AttendeeFilterForm,
    CheckInForm,
    EventCancelForm,
    EventCopyForm,
    EventForm,
    ListingLinkForm,
    TicketTypeForm,
    organisations_of,
)
from events.models import AgendaItem, Attendee, Booking, Event, TicketType
from events.views.common import editable_event, error_text, form_error, managed_event
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.typing import AuthenticatedHttpRequest
from listings.models import Listing

SERVICE_ERRORS = (ValidationError, InvalidTransition, PermissionDenied)


# The organiser's page of an unconference's sessions, votes and grid: the first of these
# names the URLconf has (the board is built alongside this console).
UNCONFERENCE_BOARD_URL_NAMES = (
    "event-unconference-board",
    "event-unconference-manage",
    "event-sessions",
)


def unconference_board_url(event: Event) -> str:
    """The unconference board of ``event`` when the URLconf has one; "" for other kinds."""
    if event.kind != EventKind.UNCONFERENCE:
        return ""
    for name in UNCONFERENCE_BOARD_URL_NAMES:
        try:
            return reverse(name, kwargs={"slug": event.slug})
        except NoReverseMatch:
            continue
    return ""


@login_required
def event_organising(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organiser console's list: every event with seats booked, held and waitlisted."""
    events = list(queries.events_organised_by(request.user))
    seats = queries.seat_summaries([event.pk for event in events])
    return render(
        request,
        "events/organising.html",
        {
            "rows": [(event, seats[event.pk], unconference_board_url(event)) for event in events],
            "has_organisation": organisations_of(request.user).exists(),
        },
    )


@login_required
def event_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not organisations_of(request.user).exists():
        messages.info(request, "Create or join an organisation first: events belong to one.")
        return redirect("organisation-list")
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                **form.service_kwargs(),
            )
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Draft saved. Add ticket types, then publish it.")
            return redirect("event-manage", slug=event.slug)
    return render(request, "events/event_form.html", {"form": form, "creating": True})


@login_required
def event_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = editable_event(request.user, slug)
    form = EventForm(request.POST or None, user=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.service_kwargs())
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("event-manage", slug=event.slug)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@require_POST
@login_required
def event_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = editable_event(request.user, slug)
    try:
        services.event_publish(actor=request.user, event=event)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Published: the event is open for booking.")
    return redirect("event-manage", slug=event.slug)


@login_required
def event_cancel(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request.user, slug)
    form = EventCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(actor=request.user, event=event, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "The event is cancelled; everyone booked has been told.")
            return redirect("event-manage", slug=event.slug)
    counts = queries.event_counts(event)
    return render(
        request, "events/event_cancel.html", {"form": form, "event": event, "counts": counts}
    )


@login_required
def event_copy(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = editable_event(request.user, slug)
    form = EventCopyForm(request.POST or None, zone=event.timezone)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.event_copy(
                actor=request.user, event=event, starts_at=form.cleaned_data["starts_at"]
            )
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Copied as a draft. Check the details, then publish.")
            return redirect("event-manage", slug=copy.slug)
    return render(request, "events/event_copy.html", {"form": form, "event": event})


@login_required
def event_manage(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request.user, slug)
    return render(
        request,
        "events/event_manage.html",
        {
            "event": event,
            "counts": queries.event_counts(event),
            "agenda": list(event.agenda_items.all()),
            "links": list(event.listing_links.select_related("listing", "listing__organisation")),
            "can_publish": EventStatus.PUBLISHED in EVENT_TRANSITIONS[event.status],
            "can_cancel": EventStatus.CANCELLED in EVENT_TRANSITIONS[event.status],
            "ticket_form": TicketTypeForm(zone=event.timezone),
            "agenda_form": AgendaItemForm(zone=event.timezone),
            "link_form": ListingLinkForm(),
            "board_url": unconference_board_url(event),
        },
    )


# --- Ticket types and agenda ------------------------------------------------------------------


@login_required
def ticket_type_form(
    request: AuthenticatedHttpRequest, slug: str, pk: int | None = None
) -> HttpResponse:
    event = editable_event(request.user, slug)
    ticket_type = get_object_or_404(TicketType, pk=pk, event=event) if pk else None
    initial = TicketTypeForm.initial_from(ticket_type, event.timezone) if ticket_type else None
    form = TicketTypeForm(request.POST or None, zone=event.timezone, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if ticket_type is None:
                services.ticket_type_create(
                    actor=request.user, event=event, **form.service_kwargs()
                )
            else:
                services.ticket_type_update(
                    actor=request.user, ticket_type=ticket_type, **form.service_kwargs()
                )
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Ticket type saved.")
            return redirect("event-manage", slug=event.slug)
    return render(
        request,
        "events/ticket_type_form.html",
        {"form": form, "event": event, "ticket_type": ticket_type},
    )


@require_POST
@login_required
def ticket_type_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    event = editable_event(request.user, slug)
    ticket_type = get_object_or_404(TicketType, pk=pk, event=event)
    try:
        services.ticket_type_delete(actor=request.user, ticket_type=ticket_type)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"“{ticket_type.name}” removed.")
    return redirect("event-manage", slug=event.slug)


@login_required
def agenda_item_form(
    request: AuthenticatedHttpRequest, slug: str, pk: int | None = None
) -> HttpResponse:
    event = editable_event(request.user, slug)
    item = get_object_or_404(AgendaItem, pk=pk, event=event) if pk else None
    initial = None
    if item is not None:
        initial = {name: getattr(item, name) for name in AgendaItemForm.FIELDS}
        initial["starts_at"] = timezone.localtime(item.starts_at, event.tz).replace(tzinfo=None)
        if item.ends_at:
            initial["ends_at"] = timezone.localtime(item.ends_at, event.tz).replace(tzinfo=None)
    form = AgendaItemForm(request.POST or None, zone=event.timezone, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                services.agenda_item_create(
                    actor=request.user, event=event, **form.service_kwargs()
                )
            else:
                services.agenda_item_update(actor=request.user, item=item, **form.service_kwargs())
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Agenda saved.")
            return redirect("event-manage", slug=event.slug)
    return render(
        request, "events/agenda_item_form.html", {"form": form, "event": event, "item": item}
    )


@require_POST
@login_required
def agenda_item_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    event = editable_event(request.user, slug)
    item = get_object_or_404(AgendaItem, pk=pk, event=event)
    try:
        services.agenda_item_delete(actor=request.user, item=item)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"“{item.title}” removed from the agenda.")
    return redirect("event-manage", slug=event.slug)


@require_POST
@login_required
def event_listing_link(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = editable_event(request.user, slug)
    form = ListingLinkForm(request.POST)
    listing: Listing | None = None
    if form.is_valid():
        listing = Listing.objects.filter(pk=form.cleaned_data["listing"]).first()
    if listing is not None and request.POST.get("action") == "unlink":
        services.event_listing_unlink(actor=request.user, event=event, listing=listing)
        messages.success(request, f"“{listing.title}” is no longer linked.")
        return redirect("event-manage", slug=event.slug)
    if listing is None:
        messages.error(request, "No such listing: give its number or its address.")
        return redirect("event-manage", slug=event.slug)
    try:
        services.event_listing_link(
            actor=request.user, event=event, listing=listing, role=form.cleaned_data["role"]
        )
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"“{listing.title}” linked.")
    return redirect("event-manage", slug=event.slug)


# --- Attendees, CSV, waitlist, check-in, invoices ---------------------------------------------


@login_required
def event_attendees(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request.user, slug)
    form = AttendeeFilterForm(request.GET or None, event=event)
    attendees = list(queries.attendees_of(event, form.filters()))
    return render(
        request,
        "events/attendee_list.html",
        {
            "event": event,
            "form": form,
            "attendees": attendees,
            "counts": queries.event_counts(event),
            "query": request.GET.urlencode(),
        },
    )


CSV_HEADER = [
    "Booking reference",
    "Name",
    "Email",
    "Ticket type",
    "Booking status",
    "Payment",
    "Price paid (£)",
    "Organisation",
    "Booked by",
    "Purchase order",
    "Invoice reference",
    "Invoice paid",
    "Checked in",
]


def csv_safe(value: object) -> str:
    """Text for a spreadsheet cell: formulas are neutralised (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def attendee_rows(event: Event, attendees: Iterable[Attendee]) -> Iterable[list[str]]:
    for a in attendees:
        b = a.booking
        yield [
            csv_safe(v)
            for v in (
                b.reference,
                a.name,
                a.email,
                b.ticket_type.name,
                b.get_status_display(),
                b.get_payment_method_display(),
                f"{b.unit_price_pence / 100:.2f}",
                b.organisation.name if b.organisation else "",
                b.booker.email,
                b.purchase_order,
                b.invoice_reference or "",
                timezone.localtime(b.invoice_paid_at, event.tz).strftime("%Y-%m-%d %H:%M")
                if b.invoice_paid_at
                else "",
                timezone.localtime(a.checked_in_at, event.tz).strftime("%Y-%m-%d %H:%M")
                if a.checked_in_at
                else "",
            )
        ]


@login_required
def event_attendees_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request.user, slug)
    form = AttendeeFilterForm(request.GET or None, event=event)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows(attendee_rows(event, queries.attendees_of(event, form.filters())))
    return response


@login_required
def event_waitlist(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request.user, slug)
    return render(
        request,
        "events/waitlist_list.html",
        {"event": event, "entries": list(queries.waitlist_of(event))},
    )


@login_required
def event_check_in(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request.user, slug)
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(data, initial={"code": request.GET.get("code", "")})
    if data is not None and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if request.POST.get("action") == "undo":
                attendee = services.attendee_check_in_undo(
                    actor=request.user, event=event, code=code
                )
                messages.success(request, f"Check-in of {attendee.name} undone.")
            else:
                attendee = services.attendee_check_in(actor=request.user, event=event, code=code)
                messages.success(
                    request,
                    f"Checked in: {attendee.name} ({attendee.booking.ticket_type.name}).",
                )
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            return redirect("event-check-in", slug=event.slug)
    recent = (
        Attendee.objects.filter(booking__event=event, checked_in_at__isnull=False)
        .select_related("booking__ticket_type")
        .order_by("-checked_in_at")[:10]
    )
    return render(
        request,
        "events/check_in.html",
        {
            "event": event,
            "form": form,
            "counts": queries.event_counts(event),
            "recent": list(recent),
        },
    )


@require_POST
@login_required
def booking_invoice_paid(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("event"), reference=reference)
    managed_event(request.user, booking.event.slug)
    try:
        services.booking_invoice_mark_paid(actor=request.user, booking=booking)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Invoice {booking.invoice_reference} marked paid.")
    return redirect("event-attendees", slug=booking.event.slug)
