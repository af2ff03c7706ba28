"""What people do on a listing page: interest, co-owners, responses, questions, follows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from exchange.models import Organisation
from exchange.typing import AuthenticatedHttpRequest
from exchange.views.common import posted_pk
from listings import workflows
from listings.forms_workflows import (
    CoOwnerInviteForm,
    DeclineForm,
    InterestForm,
    PilotForm,
    QuestionDeclineForm,
    QuestionForm,
    ResponseForm,
)
from listings.models import CaseStudy, Interest, Listing
from listings.queries import (
    case_studies_visible_to,
    co_owners_visible_to,
    follows_of,
    interests_visible_to,
    listings_visible_to,
    questions_visible_to,
    responses_visible_to,
)
from listings.views_workflows.common import (
    SERVICE_ERRORS,
    apply_service_error,
    back,
    form_errors,
    run,
)

# --- Interest and co-owners ---------------------------------------------------------------------


@require_POST
@login_required
def interest_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = get_object_or_404(listings_visible_to(request.user), pk=posted_pk(request, "listing"))
    form = InterestForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        run(
            request,
            workflows.interest_register,
            "Thank you: your interest is counted.",
            actor=request.user,
            listing=listing,
            **form.cleaned_data,
        )
    return redirect(f"{listing.get_absolute_url()}#demand")


@require_POST
@login_required
def interest_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interest: Interest = get_object_or_404(interests_visible_to(request.user), pk=pk)
    run(
        request,
        workflows.interest_withdraw,
        "Your organisation's interest was withdrawn.",
        actor=request.user,
        interest=interest,
    )
    return redirect(f"{interest.listing.get_absolute_url()}#demand")


@require_POST
@login_required
def co_owner_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = get_object_or_404(listings_visible_to(request.user), pk=posted_pk(request, "listing"))
    form = CoOwnerInviteForm(request.POST, organisations=Organisation.objects.all())
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        run(
            request,
            workflows.co_owner_invite,
            "Invitation sent.",
            actor=request.user,
            listing=listing,
            **form.cleaned_data,
        )
    return redirect(f"{listing.get_absolute_url()}#co-owners")


CO_OWNER_ACTIONS = {
    "accept": (workflows.co_owner_accept, "You are now a co-owner of this request."),
    "decline": (workflows.co_owner_decline, "Invitation declined."),
    "remove": (workflows.co_owner_remove, "Co-ownership ended."),
}


@require_POST
@login_required
def co_owner_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in CO_OWNER_ACTIONS:
        raise Http404("Unknown action.")
    co_owner = get_object_or_404(co_owners_visible_to(request.user), pk=pk)
    service, done = CO_OWNER_ACTIONS[action]
    run(request, service, done, actor=request.user, co_owner=co_owner)
    return back(request, f"{co_owner.listing.get_absolute_url()}#co-owners")


# --- Responses to requests ----------------------------------------------------------------------


@login_required
def response_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Respond to a request with one of your listings or a new idea."""
    source = request.POST if request.method == "POST" else request.GET
    listing = get_object_or_404(listings_visible_to(request.user), pk=posted_pk_from(source))
    form = ResponseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            workflows.response_create(actor=request.user, request=listing, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Response sent. The request's owners have been told.")
            return redirect(f"{listing.get_absolute_url()}#responses")
    return render(request, "listings/response_form.html", {"form": form, "listing": listing})


def posted_pk_from(data: object) -> int:
    value = str(getattr(data, "get", lambda *_: "")("listing", "") or "")
    if not value.isdigit():
        raise Http404("No listing given.")
    return int(value)


@require_POST
@login_required
def response_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    response = get_object_or_404(responses_visible_to(request.user), pk=pk)
    if action == "shortlist":
        run(
            request,
            workflows.response_shortlist,
            "Shortlisted; the responder has been told.",
            actor=request.user,
            response=response,
        )
    elif action == "withdraw":
        run(
            request,
            workflows.response_withdraw,
            "Response withdrawn.",
            actor=request.user,
            response=response,
        )
    elif action == "decline":
        form = DeclineForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            run(
                request,
                workflows.response_decline,
                "Declined; the responder has been told why.",
                actor=request.user,
                response=response,
                **form.cleaned_data,
            )
    else:
        raise Http404("Unknown action.")
    return redirect(response.get_absolute_url())


@login_required
def response_pilot(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invite a responder to pilot its proposal."""
    response = get_object_or_404(responses_visible_to(request.user), pk=pk)
    requesters = PilotForm.requesters_for(request.user)
    form = PilotForm(
        request.POST or None,
        requesters=requesters,
        initial={"contact_name": request.user.display_name, "contact_email": request.user.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pilot = workflows.response_invite_to_pilot(
                actor=request.user, response=response, **form.service_kwargs()
            )
        except SERVICE_ERRORS as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Pilot requested. The responder has been told.")
            return redirect(pilot)
    return render(
        request,
        "listings/pilot_form.html",
        {"form": form, "response": response, "listing": response.request},
    )


# --- Questions and answers ----------------------------------------------------------------------


@require_POST
@login_required
def question_ask(request: AuthenticatedHttpRequest) -> HttpResponse:
    target: dict[str, object]
    found: Listing | CaseStudy
    if request.POST.get("case_study"):
        found = get_object_or_404(
            case_studies_visible_to(request.user), pk=posted_pk(request, "case_study")
        )
        target = {"case_study": found}
    else:
        found = get_object_or_404(
            listings_visible_to(request.user), pk=posted_pk(request, "listing")
        )
        target = {"listing": found}
    form = QuestionForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        run(
            request,
            workflows.question_ask,
            "Question asked. You will be told when it is answered.",
            actor=request.user,
            **target,
            **form.cleaned_data,
        )
    return redirect(f"{found.get_absolute_url()}#questions")


@require_POST
@login_required
def question_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    question = get_object_or_404(questions_visible_to(request.user), pk=pk)
    if action == "answer":
        run(
            request,
            workflows.question_answer,
            "Answer published.",
            actor=request.user,
            question=question,
            body=request.POST.get("body", ""),
        )
    elif action == "elsewhere":
        run(
            request,
            workflows.question_mark_answered_elsewhere,
            "Marked answered elsewhere.",
            actor=request.user,
            question=question,
            note=request.POST.get("note", ""),
        )
    elif action == "decline":
        form = QuestionDeclineForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            run(
                request,
                workflows.question_decline,
                "Question declined; the asker was told why.",
                actor=request.user,
                question=question,
                **form.cleaned_data,
            )
    else:
        raise Http404("Unknown action.")
    return redirect(question.get_absolute_url())


# --- Follows ------------------------------------------------------------------------------------


@require_POST
@login_required
def follow_toggle(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Follow or unfollow a listing, an organisation or a case study."""
    kind = request.POST.get("target", "")
    if kind == "listing":
        target: object = get_object_or_404(
            listings_visible_to(request.user), pk=posted_pk(request, "id")
        )
    elif kind == "organisation":
        target = get_object_or_404(Organisation, pk=posted_pk(request, "id"))
    elif kind == "case_study":
        target = get_object_or_404(
            case_studies_visible_to(request.user), pk=posted_pk(request, "id")
        )
    else:
        raise Http404("Unknown target.")
    if request.POST.get("action") == "unfollow":
        follow = follows_of(request.user).filter(**{kind: target}).first()
        if follow is not None:
            run(
                request,
                workflows.follow_delete,
                "You no longer follow this.",
                actor=request.user,
                follow=follow,
            )
    else:
        run(
            request,
            workflows.follow_create,
            "Following: updates will reach your notifications.",
            actor=request.user,
            **{kind: target},
        )
    if isinstance(target, Organisation):
        return back(request, reverse("organisation-detail", kwargs={"slug": target.slug}))
    return back(request, target.get_absolute_url())  # type: ignore[attr-defined]


@login_required
def follow_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "listings/follow_list.html", {"follows": follows_of(request.user)})
