"""Booking pages: book seats, pay, my bookings, cancel, tickets, the waitlist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from events import payments, queries, services
from events.enums import EVENT_MANAGE, BookingStatus, PaymentMethod, WaitlistStatus
from events.forms import (
    BookingCancelForm,
    PaymentForm,
    TicketChoiceForm,
    WaitlistJoinForm,
    attendee_data,
    attendee_formset,
)
from events.models import Booking, Event, TicketType, WaitlistEntry
from events.pricing import price_quote
from events.views.common import error_text, form_error, qr_svg, visible_event
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.permissions import has_perm
from exchange.typing import AuthenticatedHttpRequest

SERVICE_ERRORS = (ValidationError, InvalidTransition, PermissionDenied)


def _after_booking(request: AuthenticatedHttpRequest, booking: Booking) -> HttpResponse:
    """Send a card booking to Stripe Checkout; show the others their booking."""
    if booking.status == BookingStatus.PENDING:
        try:
            return HttpResponseRedirect(
                services.booking_checkout_start(actor=request.user, booking=booking)
            )
        except (payments.PaymentError, payments.PaymentsDisabled, InvalidTransition) as exc:
            messages.error(request, f"We could not start the card payment: {error_text(exc)}")
            return redirect(booking)
    messages.success(request, f"Booked. Your reference is {booking.reference}.")
    return redirect(booking)


def _booking_page(
    request: AuthenticatedHttpRequest,
    *,
    event: Event,
    ticket_type: TicketType,
    quantity: int,
    accept: WaitlistEntry | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The attendee and payment form for ``quantity`` seats; books on a valid POST."""
    quote = price_quote(ticket_type.rules, quantity, timezone.now())
    data = (
        request.POST
        if request.method == "POST" and "attendees-TOTAL_FORMS" in request.POST
        else None
    )
    formset = attendee_formset(data, quantity=quantity, user=request.user)
    payment_form = PaymentForm(data, user=request.user, paid=not quote.is_free)
    if accept is not None:
        payment_form.fields.pop("organisation")
    sold_out = False
    if data is not None and formset.is_valid() and payment_form.is_valid():
        kwargs = payment_form.service_kwargs()
        try:
            if accept is not None:
                kwargs.pop("organisation")
                booking = services.waitlist_offer_accept(
                    actor=request.user, entry=accept, attendees=attendee_data(formset), **kwargs
                )
            else:
                booking = services.booking_create(
                    actor=request.user,
                    ticket_type=ticket_type,
                    attendees=attendee_data(formset),
                    **kwargs,
                )
        except services.SoldOut as exc:
            sold_out = True
            form_error(payment_form, exc)
        except SERVICE_ERRORS as exc:
            form_error(payment_form, exc)
        else:
            return _after_booking(request, booking)
    return render(
        request,
        "events/booking_form.html",
        {
            "event": event,
            "ticket_type": ticket_type,
            "quantity": quantity,
            "quote": quote,
            "formset": formset,
            "payment_form": payment_form,
            "accept": accept,
            "sold_out": sold_out,
            "hold_minutes": settings.BOOKING_HOLD_MINUTES,
            "waitlist_form": WaitlistJoinForm(
                initial={"ticket": ticket_type.pk, "quantity": quantity},
                event=event,
                user=request.user,
            ),
            **(extra or {}),
        },
    )


@login_required
def event_book(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = visible_event(request.user, slug)
    choice = TicketChoiceForm(
        request.POST if request.method == "POST" else request.GET, event=event
    )
    if not choice.is_valid():
        return render(
            request,
            "events/booking_form.html",
            {"event": event, "choice_form": choice},
            status=400 if request.method == "POST" else 200,
        )
    return _booking_page(
        request,
        event=event,
        ticket_type=choice.cleaned_data["ticket"],
        quantity=choice.cleaned_data["quantity"],
    )


@login_required
def waitlist_offer(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    try:
        entry = services.entry_from_token(token)
    except ValidationError as exc:
        return render(request, "events/offer_invalid.html", {"reason": error_text(exc)})
    if entry.user_id != request.user.pk:
        raise PermissionDenied("This offer was made to someone else.")
    if entry.status != WaitlistStatus.OFFERED or (
        entry.offer_expires_at and entry.offer_expires_at <= timezone.now()
    ):
        return render(
            request, "events/offer_invalid.html", {"reason": "This offer is no longer open."}
        )
    return _booking_page(
        request,
        event=entry.event,
        ticket_type=entry.ticket_type,
        quantity=entry.quantity,
        accept=entry,
    )


@require_POST
@login_required
def waitlist_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = visible_event(request.user, slug)
    form = WaitlistJoinForm(request.POST, event=event, user=request.user)
    if form.is_valid():
        try:
            services.waitlist_join(
                actor=request.user,
                ticket_type=form.cleaned_data["ticket"],
                quantity=form.cleaned_data["quantity"],
                organisation=form.cleaned_data["organisation"],
            )
        except SERVICE_ERRORS as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, "You are on the waitlist. We will email you as soon as seats come free."
            )
    else:
        messages.error(request, "Choose the tickets and how many seats you need.")
    return redirect(event)


@require_POST
@login_required
def waitlist_leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry.objects.select_related("event"), pk=pk)
    try:
        services.waitlist_leave(actor=request.user, entry=entry)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"You left the waitlist for {entry.event.title}.")
    return redirect("booking-list")


@login_required
def booking_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    bookings = list(queries.bookings_of(request.user))
    now = timezone.now()
    waiting = list(queries.waitlist_entries_of(request.user))
    for entry in waiting:
        if entry.status == WaitlistStatus.OFFERED:
            token = services.offer_token(entry)
            entry.offer_url = reverse("waitlist-offer", kwargs={"token": token})  # type: ignore[attr-defined]
    return render(
        request,
        "events/booking_list.html",
        {
            "upcoming": [b for b in bookings if b.event.ends_at >= now],
            "past": [b for b in bookings if b.event.ends_at < now],
            "waiting": waiting,
        },
    )


def _booking_for(request: AuthenticatedHttpRequest, reference: str) -> tuple[Booking, bool]:
    """The booking if the user booked it or organises its event; and whether they organise."""
    booking = queries.booking_for_booker(request.user, reference)
    if booking is not None:
        return booking, has_perm(request.user, EVENT_MANAGE, booking.event)
    booking = (
        Booking.objects.select_related("event", "ticket_type", "organisation", "booker")
        .prefetch_related("attendees", "payments", "refunds")
        .filter(reference=reference)
        .first()
    )
    if booking is None or not has_perm(request.user, EVENT_MANAGE, booking.event):
        raise Http404("No such booking.")
    return booking, True


@login_required
def booking_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking, organiser = _booking_for(request, reference)
    now = timezone.now()
    event = booking.event
    if request.GET.get("paid") and booking.status == BookingStatus.PENDING:
        messages.info(
            request,
            "Thank you. Stripe is confirming your payment; this page shows it as confirmed "
            "within a minute or so.",
        )
    can_cancel = (
        booking.is_active
        and now < event.ends_at
        and (
            organiser
            or booking.status == BookingStatus.PENDING
            or now < event.cancellation_deadline
        )
    )
    return render(
        request,
        "events/booking_detail.html",
        {
            "booking": booking,
            "event": event,
            "is_booker": booking.booker_id == request.user.pk,
            "is_organiser": organiser,
            "can_cancel": can_cancel,
            "can_pay": booking.status == BookingStatus.PENDING
            and booking.payment_method == PaymentMethod.CARD
            and booking.booker_id == request.user.pk
            and booking.hold_expires_at is not None
            and booking.hold_expires_at > now,
            "cancel_form": BookingCancelForm(),
            "refund": booking.refunds.first(),
        },
    )


@require_POST
@login_required
def booking_cancel(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking, _ = _booking_for(request, reference)
    form = BookingCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.booking_cancel(actor=request.user, booking=booking, reason=reason)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Booking {booking.reference} is cancelled.")
    return redirect(booking)


@require_POST
@login_required
def booking_pay(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking, _ = _booking_for(request, reference)
    if booking.status != BookingStatus.PENDING:
        messages.info(request, "This booking is not awaiting payment.")
        return redirect(booking)
    return _after_booking(request, booking)


def ticket_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The attendee's ticket. The unguessable code in the address is the ticket itself."""
    attendee = queries.attendee_by_code(code)
    if attendee is None:
        raise Http404("No such ticket.")
    booking = attendee.booking
    check_in_url = settings.SITE_URL + reverse(
        "event-check-in", kwargs={"slug": booking.event.slug}
    )
    response = render(
        request,
        "events/ticket_detail.html",
        {
            "attendee": attendee,
            "booking": booking,
            "event": booking.event,
            "valid": booking.status == BookingStatus.CONFIRMED,
            "qr": qr_svg(f"{check_in_url}?code={attendee.code}"),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
