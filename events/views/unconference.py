"""Unconference pages: the session board, voting and stars, the organiser's board, the grid.

Vote and star buttons are plain POST forms that redirect back; ``static/js/unconference.js``
sends the same forms with ``Accept: application/json`` and gets JSON instead, to update the
page without a reload.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from events import queries
from events.enums import EVENT_CHANGE, EventKind, EventStatus
from events.forms.unconference import (
    RoomForm,
    SessionMoveForm,
    SessionNotesForm,
    SessionProposalForm,
    SlotForm,
    VoteBudgetForm,
)
from events.models import AgendaItem, Event, Room, SessionProposal, Slot
from events.services import unconference as uc
from events.views.common import editable_event, error_text, form_error, visible_event
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.markup import render_markdown
from exchange.permissions import has_perm
from exchange.typing import AuthenticatedHttpRequest

SERVICE_ERRORS = (ValidationError, InvalidTransition, PermissionDenied)


def _unconference(request: HttpRequest, slug: str) -> Event:
    event = visible_event(request.user, slug)
    if event.kind != EventKind.UNCONFERENCE:
        raise Http404("This event has no sessions.")
    return event


def _managed_unconference(request: AuthenticatedHttpRequest, slug: str) -> Event:
    event = editable_event(request.user, slug)
    if event.kind != EventKind.UNCONFERENCE:
        raise Http404("This event has no sessions.")
    return event


def _session(request: HttpRequest, event: Event, session_id: int) -> SessionProposal:
    session = queries.session_for_page(request.user, event, session_id)
    if session is None:
        raise Http404("No such session.")
    return session


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


def _refused(request: HttpRequest, exc: Exception, fallback: str) -> HttpResponse:
    if _wants_json(request):
        status = 403 if isinstance(exc, PermissionDenied) else 409
        if isinstance(exc, ValidationError):
            status = 400
        return JsonResponse({"detail": error_text(exc)}, status=status)
    messages.error(request, error_text(exc))
    return _back(request, fallback)


# --- The session board ------------------------------------------------------------------------


def session_board(request: HttpRequest, slug: str) -> HttpResponse:
    """Every proposed session with vote buttons; the propose form for booked attendees."""
    event = _unconference(request, slug)
    user = request.user
    now = timezone.now()
    can_propose = (
        event.status == EventStatus.PUBLISHED
        and now < event.ends_at
        and queries.is_confirmed_attendee(user, event)
    )
    form = None
    if user.is_authenticated and can_propose:
        form = SessionProposalForm(request.POST or None, user=user)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form is None:
            messages.error(request, "Only people with a confirmed place can propose sessions.")
            return redirect("event-sessions", slug=event.slug)
        if form.is_valid():
            try:
                session = uc.session_propose(actor=user, event=event, **form.service_kwargs())
            except SERVICE_ERRORS as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"“{session.title}” is on the board.")
                return redirect("event-sessions", slug=event.slug)
    sessions = list(queries.sessions_visible_to(user, event))
    return render(
        request,
        "events/unconference/board.html",
        {
            "event": event,
            "sessions": sessions,
            "form": form,
            "can_propose": can_propose,
            "can_vote": can_propose,
            "votes_left": queries.votes_left(user, event),
            "can_manage": has_perm(user, EVENT_CHANGE, event),
            "ended": now >= event.ends_at,
        },
        status=400 if request.method == "POST" else 200,
    )


def session_detail(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = _unconference(request, slug)
    session = _session(request, event, session_id)
    is_proposer = request.user.is_authenticated and session.proposer_id == request.user.pk
    can_edit_notes = is_proposer and not session.is_withdrawn and timezone.now() >= event.starts_at
    form = None
    if can_edit_notes:
        form = SessionNotesForm(
            initial={
                "notes": session.notes,
                "links": SessionNotesForm.initial_links(session.output_links),
            }
        )
    return _render_session(request, event, session, form, is_proposer=is_proposer)


def _render_session(
    request: HttpRequest,
    event: Event,
    session: SessionProposal,
    form: SessionNotesForm | None,
    *,
    is_proposer: bool,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "events/unconference/session_detail.html",
        {
            "event": event,
            "session": session,
            "notes_html": render_markdown(session.notes),
            "notes_form": form,
            "is_proposer": is_proposer,
            "can_vote": event.status == EventStatus.PUBLISHED
            and now < event.ends_at
            and queries.is_confirmed_attendee(request.user, event),
            "votes_left": queries.votes_left(request.user, event),
            "show_place": event.schedule_published_at is not None
            or has_perm(request.user, EVENT_CHANGE, event),
        },
        status=status,
    )


@require_POST
@login_required
def session_notes(request: AuthenticatedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = _unconference(request, slug)
    session = _session(request, event, session_id)
    form = SessionNotesForm(request.POST)
    if form.is_valid():
        try:
            uc.session_notes_update(
                actor=request.user,
                session=session,
                notes=form.cleaned_data["notes"],
                output_links=form.cleaned_data["links"],
            )
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Notes and outputs saved.")
            return redirect(session.get_absolute_url())
    return _render_session(request, event, session, form, is_proposer=True, status=400)


@require_POST
@login_required
def session_withdraw(request: AuthenticatedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = _unconference(request, slug)
    session = _session(request, event, session_id)
    board = reverse("event-sessions", kwargs={"slug": event.slug})
    try:
        uc.session_withdraw(actor=request.user, session=session)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, board)
    messages.success(request, f"“{session.title}” withdrawn; its votes went back to the voters.")
    return redirect(board)


@require_POST
@login_required
def session_vote(
    request: AuthenticatedHttpRequest, slug: str, session_id: int, undo: bool = False
) -> HttpResponse:
    event = _unconference(request, slug)
    session = _session(request, event, session_id)
    board = reverse("event-sessions", kwargs={"slug": event.slug})
    try:
        if undo:
            session = uc.session_unvote(actor=request.user, session=session)
        else:
            session = uc.session_vote(actor=request.user, session=session)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, board)
    if _wants_json(request):
        return JsonResponse(
            {
                "voted": not undo,
                "vote_count": session.vote_count,
                "votes_left": queries.votes_left(request.user, event),
                "action": reverse(
                    "event-session-vote" if undo else "event-session-unvote",
                    kwargs={"slug": event.slug, "session_id": session.pk},
                ),
            }
        )
    messages.success(request, "Vote taken back." if undo else f"You voted for “{session.title}”.")
    return _back(request, board)


def session_unvote(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    return session_vote(request, slug, session_id, undo=True)  # type: ignore[arg-type]


def _star_response(request: HttpRequest, starred: bool, action: str, fallback: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"starred": starred, "action": action})
    messages.success(request, "Starred: it is in your calendar feed." if starred else "Unstarred.")
    return _back(request, fallback)


@require_POST
@login_required
def session_star(
    request: AuthenticatedHttpRequest, slug: str, session_id: int, undo: bool = False
) -> HttpResponse:
    event = _unconference(request, slug)
    session = _session(request, event, session_id)
    board = reverse("event-sessions", kwargs={"slug": event.slug})
    try:
        if undo:
            uc.session_unstar(actor=request.user, session=session)
        else:
            uc.session_star(actor=request.user, session=session)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, board)
    name = "event-session-star" if undo else "event-session-unstar"
    action = reverse(name, kwargs={"slug": event.slug, "session_id": session.pk})
    return _star_response(request, not undo, action, board)


def session_unstar(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    return session_star(request, slug, session_id, undo=True)  # type: ignore[arg-type]


@require_POST
@login_required
def agenda_item_star(
    request: AuthenticatedHttpRequest, slug: str, pk: int, undo: bool = False
) -> HttpResponse:
    event = visible_event(request.user, slug)
    item = get_object_or_404(AgendaItem, pk=pk, event=event)
    page = event.get_absolute_url()
    try:
        if undo:
            uc.agenda_item_unstar(actor=request.user, item=item)
        else:
            uc.agenda_item_star(actor=request.user, item=item)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, page)
    name = "agenda-item-star" if undo else "agenda-item-unstar"
    action = reverse(name, kwargs={"slug": event.slug, "pk": item.pk})
    return _star_response(request, not undo, action, page)


def agenda_item_unstar(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return agenda_item_star(request, slug, pk, undo=True)  # type: ignore[arg-type]


# --- The published grid -----------------------------------------------------------------------


def schedule_grid(request: HttpRequest, slug: str) -> HttpResponse:
    event = _unconference(request, slug)
    grid = queries.published_grid(event, request.user)
    return render(
        request,
        "events/unconference/grid.html",
        {
            "event": event,
            "grid": grid,
            "can_manage": has_perm(request.user, EVENT_CHANGE, event),
        },
    )


# --- The organiser's board --------------------------------------------------------------------


def _render_manage(
    request: AuthenticatedHttpRequest, event: Event, *, status: int = 200, **context: Any
) -> HttpResponse:
    sessions = list(queries.sessions_visible_to(request.user, event).filter(status="proposed"))
    defaults = {
        "event": event,
        "rooms": list(queries.rooms_of(event)),
        "slots": list(queries.slots_of(event)),
        "sessions": sessions,
        "grid": queries.schedule_grid(event, queries.sessions_visible_to(request.user, event)),
        "room_form": RoomForm(),
        "slot_form": SlotForm(zone=event.timezone),
        "budget_form": VoteBudgetForm(initial={"vote_budget": event.vote_budget}),
        "run": None,
    }
    return render(
        request, "events/unconference/manage.html", {**defaults, **context}, status=status
    )


@login_required
def unconference_manage(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _render_manage(request, _managed_unconference(request, slug))


def _manage_url(event: Event) -> str:
    return reverse("event-unconference-manage", kwargs={"slug": event.slug})


@require_POST
@login_required
def room_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_unconference(request, slug)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            room = uc.room_create(actor=request.user, event=event, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Room “{room.name}” added.")
            return redirect(_manage_url(event))
    return _render_manage(request, event, room_form=form, status=400)


@require_POST
@login_required
def room_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_unconference(request, slug)
    room = get_object_or_404(Room, pk=pk, event=event)
    try:
        unplaced = uc.room_delete(actor=request.user, room=room)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, _manage_url(event))
    messages.success(
        request, f"Room “{room.name}” removed; {len(unplaced)} session(s) lost their place."
    )
    return redirect(_manage_url(event))


@require_POST
@login_required
def slot_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_unconference(request, slug)
    form = SlotForm(request.POST, zone=event.timezone)
    if form.is_valid():
        try:
            uc.slot_create(actor=request.user, event=event, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Slot added.")
            return redirect(_manage_url(event))
    return _render_manage(request, event, slot_form=form, status=400)


@require_POST
@login_required
def slot_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_unconference(request, slug)
    slot = get_object_or_404(Slot, pk=pk, event=event)
    try:
        unplaced = uc.slot_delete(actor=request.user, slot=slot)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, _manage_url(event))
    messages.success(request, f"Slot removed; {len(unplaced)} session(s) lost their place.")
    return redirect(_manage_url(event))


@require_POST
@login_required
def vote_budget(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_unconference(request, slug)
    form = VoteBudgetForm(request.POST)
    if form.is_valid():
        try:
            uc.vote_budget_set(
                actor=request.user, event=event, vote_budget=form.cleaned_data["vote_budget"]
            )
        except SERVICE_ERRORS as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Vote budget saved.")
            return redirect(_manage_url(event))
    return _render_manage(request, event, budget_form=form, status=400)


@require_POST
@login_required
def schedule_run(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Run the scheduler and show the result at once, with what could not be placed."""
    event = _managed_unconference(request, slug)
    try:
        run = uc.schedule_run(actor=request.user, event=event)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, _manage_url(event))
    return _render_manage(request, event, run=run)


@require_POST
@login_required
def session_move(request: AuthenticatedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = _managed_unconference(request, slug)
    session = _session(request, event, session_id)
    form = SessionMoveForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(_manage_url(event))
    data = form.cleaned_data
    service = uc.session_pin if data["pin"] else uc.session_move
    try:
        result = service(actor=request.user, session=session, room=data["room"], slot=data["slot"])
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, _manage_url(event))
    messages.success(request, f"“{session.title}” {'pinned' if data['pin'] else 'moved'}.")
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(_manage_url(event))


@require_POST
@login_required
def session_unpin(request: AuthenticatedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = _managed_unconference(request, slug)
    session = _session(request, event, session_id)
    try:
        uc.session_pin(actor=request.user, session=session, room=None, slot=None)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, _manage_url(event))
    messages.success(request, f"“{session.title}” unpinned.")
    return redirect(_manage_url(event))


@require_POST
@login_required
def schedule_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = _managed_unconference(request, slug)
    try:
        notified = uc.schedule_publish(actor=request.user, event=event)
    except SERVICE_ERRORS as exc:
        return _refused(request, exc, _manage_url(event))
    messages.success(request, f"Schedule published; {notified} attendee(s) notified.")
    return redirect("event-schedule", slug=event.slug)
