"""Networking pages: applying to pitch, the organiser's pitch list, 1:1 meetings and slots."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from events import networking
from events.enums import EVENT_CHANGE
from events.forms.networking import (
    MeetingDeclineForm,
    MeetingRequestForm,
    MeetingSlotForm,
    PitchAcceptForm,
    PitchApplyForm,
    PitchDeclineForm,
)
from events.models import MeetingSlot
from events.services import networking as services
from events.views.common import error_text, form_error, managed_event, visible_event
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Organisation
from exchange.permissions import has_perm
from exchange.typing import AuthenticatedHttpRequest

SERVICE_ERRORS = (ValidationError, InvalidTransition, PermissionDenied)


# --- Pitches ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pitch_apply(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = visible_event(request.user, slug)
    form = PitchApplyForm(
        request.POST or None, listings=networking.pitchable_listings(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pitch_application_create(
                actor=request.user,
                event=event,
                listing=form.cleaned_data["listing"],
                pitch=form.cleaned_data["pitch"],
            )
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, "Application sent. We will tell you what the organisers decide."
            )
            return redirect("event-detail", slug=event.slug)
    mine = networking.pitch_applications_of(request.user).filter(event=event)
    return render(
        request, "events/pitch_apply.html", {"event": event, "form": form, "applications": mine}
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_pitches(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The organiser's list of pitch applications, with accept and decline forms."""
    event = managed_event(request.user, slug, EVENT_CHANGE)
    applications = networking.pitch_applications_of_event(event)
    if request.method == "POST":
        application = get_object_or_404(applications, pk=request.POST.get("application", 0) or 0)
        action = request.POST.get("action", "")
        form: PitchAcceptForm | PitchDeclineForm
        if action == "accept":
            form = PitchAcceptForm(request.POST, zone=event.timezone)
        elif action == "decline":
            form = PitchDeclineForm(request.POST)
        else:
            raise Http404("Unknown action.")
        if form.is_valid():
            try:
                if action == "accept":
                    services.pitch_application_accept(
                        actor=request.user,
                        application=application,
                        starts_at=form.cleaned_data["starts_at"],
                        ends_at=form.cleaned_data.get("ends_at"),
                    )
                else:
                    services.pitch_application_decline(
                        actor=request.user, application=application, **form.cleaned_data
                    )
            except SERVICE_ERRORS as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(
                    request,
                    "Pitch accepted: it is on the agenda."
                    if action == "accept"
                    else "Pitch declined; the applicant was told why.",
                )
                return redirect("event-pitches", slug=event.slug)
        else:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return render(
        request,
        "events/event_pitches.html",
        {
            "event": event,
            "applications": applications,
            "accept_form": PitchAcceptForm(zone=event.timezone),
            "decline_form": PitchDeclineForm(),
        },
    )


@require_POST
@login_required
def pitch_withdraw(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    event = visible_event(request.user, slug)
    application = get_object_or_404(
        networking.pitch_applications_of(request.user), pk=pk, event=event
    )
    try:
        services.pitch_application_withdraw(actor=request.user, application=application)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Your pitch application was withdrawn.")
    return redirect("event-pitch-apply", slug=event.slug)


# --- Meetings ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_meetings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Your 1:1 meetings at the event; for organisers also the meeting slots."""
    event = visible_event(request.user, slug)
    can_change = has_perm(request.user, EVENT_CHANGE, event)
    slot_form = MeetingSlotForm(
        request.POST if request.POST.get("action") == "add-slot" else None, zone=event.timezone
    )
    if request.method == "POST" and request.POST.get("action") == "add-slot":
        if not can_change:
            raise PermissionDenied("Only the event's organisers can add meeting slots.")
        if slot_form.is_valid():
            try:
                services.meeting_slot_create(
                    actor=request.user, event=event, **slot_form.cleaned_data
                )
            except SERVICE_ERRORS as exc:
                form_error(slot_form, exc)
            else:
                messages.success(request, "Meeting slot added.")
                return redirect("event-meetings", slug=event.slug)
    return render(
        request,
        "events/event_meetings.html",
        {
            "event": event,
            "can_change": can_change,
            "slots": networking.meeting_slots_of(event),
            "slot_form": slot_form,
            "meetings": networking.meetings_at(request.user, event),
            "my_org_ids": networking.networking_for(request.user, event).my_org_ids,
            "decline_form": MeetingDeclineForm(),
        },
    )


@require_POST
@login_required
def meeting_slot_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    event = managed_event(request.user, slug, EVENT_CHANGE)
    slot = get_object_or_404(MeetingSlot, pk=pk, event=event)
    try:
        services.meeting_slot_delete(actor=request.user, slot=slot)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Meeting slot removed.")
    return redirect("event-meetings", slug=event.slug)


@require_POST
@login_required
def meeting_request(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = visible_event(request.user, slug)
    panel = networking.networking_for(request.user, event)
    form = MeetingRequestForm(
        request.POST,
        mine=Organisation.objects.filter(pk__in=panel.my_org_ids),
        others=Organisation.objects.filter(pk__in=panel.other_org_ids),
    )
    if not form.is_valid():
        messages.error(request, "Choose an attending organisation to meet.")
        return redirect("event-detail", slug=event.slug)
    try:
        services.meeting_request_create(actor=request.user, event=event, **form.cleaned_data)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        name = form.cleaned_data["to_organisation"].name
        messages.success(request, f"Meeting request sent to {name}.")
    return redirect("event-meetings", slug=event.slug)


@require_POST
@login_required
def meeting_action(
    request: AuthenticatedHttpRequest, slug: str, pk: int, action: str
) -> HttpResponse:
    event = visible_event(request.user, slug)
    meeting = get_object_or_404(networking.meetings_visible_to(request.user), pk=pk, event=event)
    try:
        if action == "accept":
            meeting = services.meeting_request_accept(actor=request.user, meeting=meeting)
            done = f"Meeting accepted: table {meeting.table}."
        elif action == "decline":
            form = MeetingDeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.meeting_request_decline(actor=request.user, meeting=meeting, reason=reason)
            done = "Meeting request declined."
        elif action == "cancel":
            services.meeting_request_cancel(actor=request.user, meeting=meeting)
            done = "Meeting cancelled."
        else:
            raise Http404("Unknown action.")
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return redirect("event-meetings", slug=event.slug)
