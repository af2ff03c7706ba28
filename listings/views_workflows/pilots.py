"""Pilot request pages: ask, list, follow the thread, move through the states."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from exchange.permissions import has_perm
from exchange.typing import AuthenticatedHttpRequest
from listings import workflows
from listings.forms_workflows import DeclineForm, PilotCompleteForm, PilotForm
from listings.permissions import PILOT_MESSAGE
from listings.queries import (
    listings_visible_to,
    pilot_messages,
    pilot_transitions,
    pilots_asked_for,
    pilots_asked_of,
    pilots_visible_to,
)
from listings.views_workflows.common import SERVICE_ERRORS, apply_service_error, form_errors, run
from listings.views_workflows.listing_actions import posted_pk_from
from listings.workflow_enums import CaseStudyStatus, PilotStatus


@login_required
def pilot_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "listings/pilot_list.html",
        {
            "asked_for": pilots_asked_for(request.user),
            "asked_of": pilots_asked_of(request.user),
        },
    )


@login_required
def pilot_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask the supplier of an offer for a pilot."""
    source = request.POST if request.method == "POST" else request.GET
    offer = get_object_or_404(listings_visible_to(request.user), pk=posted_pk_from(source))
    form = PilotForm(
        request.POST or None,
        requesters=PilotForm.requesters_for(request.user),
        initial={"contact_name": request.user.display_name, "contact_email": request.user.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pilot = workflows.pilot_request_create(
                actor=request.user, offer=offer, **form.service_kwargs()
            )
        except SERVICE_ERRORS as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Pilot requested. {offer.organisation.name} has been told.")
            return redirect(pilot)
    return render(request, "listings/pilot_form.html", {"form": form, "listing": offer})


@login_required
def pilot_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The pilot, its log and thread; POST writes in the thread."""
    pilot = get_object_or_404(pilots_visible_to(request.user), pk=pk)
    if request.method == "POST":
        run(
            request,
            workflows.pilot_message_post,
            "Message sent.",
            actor=request.user,
            pilot=pilot,
            body=request.POST.get("body", ""),
        )
        return redirect(f"{pilot.get_absolute_url()}#thread")
    case_study = getattr(pilot, "case_study", None)
    return render(
        request,
        "listings/pilot_detail.html",
        {
            "pilot": pilot,
            "transitions": pilot_transitions(pilot),
            "messages_": pilot_messages(pilot),
            "actions": workflows.pilot_actions_for(request.user, pilot),
            "can_message": has_perm(request.user, PILOT_MESSAGE, pilot),
            "decline_form": DeclineForm(),
            "complete_form": PilotCompleteForm(),
            "case_study": case_study
            if case_study is None or case_study.status != CaseStudyStatus.WITHDRAWN
            else None,
            "can_draft_case_study": pilot.status == PilotStatus.COMPLETED and case_study is None,
        },
    )


TRANSITION_DONE = {
    "accept": "Pilot accepted.",
    "decline": "Pilot declined; they have been told why.",
    "withdraw": "Pilot request withdrawn.",
    "start": "Pilot started.",
    "complete": "Pilot completed. Consider turning it into a case study.",
    "cancel": "Pilot cancelled.",
}


@require_POST
@login_required
def pilot_transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITION_DONE:
        raise Http404("Unknown action.")
    pilot = get_object_or_404(pilots_visible_to(request.user), pk=pk)
    service = getattr(workflows, f"pilot_{action}")
    kwargs: dict[str, object] = {"note": request.POST.get("note", "")}
    form: DeclineForm | PilotCompleteForm | None = None
    if action == "decline":
        form = DeclineForm(request.POST)
    elif action == "complete":
        form = PilotCompleteForm(request.POST)
    if form is not None:
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect(pilot)
        kwargs = dict(form.cleaned_data)
    run(request, service, TRANSITION_DONE[action], actor=request.user, pilot=pilot, **kwargs)
    return redirect(pilot)


@require_POST
@login_required
def pilot_case_study(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pilot = get_object_or_404(pilots_visible_to(request.user), pk=pk)
    case_study = run(
        request,
        workflows.case_study_draft_from_pilot,
        "Case study drafted from the pilot: edit it, then publish.",
        actor=request.user,
        pilot=pilot,
    )
    return redirect(case_study.get_absolute_url() if case_study else pilot.get_absolute_url())
