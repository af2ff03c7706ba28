"""Organisations: list, profile, edit, members, joining, leaving and invitations."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from exchange import services
from exchange.enums import RequestStatus, Role
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.forms import (
    InvitationForm,
    JoinRequestForm,
    OrganisationFilterForm,
    OrganisationForm,
    RoleForm,
    add_service_error,
)
from exchange.models import Invitation, JoinRequest, Membership, Organisation
from exchange.permissions import ORG_CHANGE, ORG_MANAGE_MEMBERS, has_perm
from exchange.queries import can_see_members, has_pending_join_request, membership_of
from exchange.typing import AuthenticatedHttpRequest
from exchange.views.common import (
    error_text,
    paginate,
    posted_pk,
)


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET)
    organisations = Organisation.objects.all()
    if form.is_valid():
        if kind := form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=kind)
        if region := form.cleaned_data["region"]:
            organisations = organisations.filter(region=region)
    filtered = bool(request.GET.get("kind") or request.GET.get("region"))
    return render(
        request,
        "exchange/organisation_list.html",
        {
            "form": form,
            "filtered": filtered,
            **paginate(request, organisations),
        },
    )


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{organisation.name} is on the exchange. You are its admin.")
            return redirect("organisation-detail", slug=organisation.slug)
    return render(request, "exchange/organisation_form.html", {"form": form})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    user = request.user
    membership = membership_of(user, organisation)
    asked = membership is None and has_pending_join_request(user, organisation)
    return render(
        request,
        "exchange/organisation_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "join_pending": asked,
            "can_join": user.is_authenticated and membership is None and not asked,
            "join_form": JoinRequestForm(),
            "can_edit": has_perm(user, ORG_CHANGE, organisation),
            "can_manage": has_perm(user, ORG_MANAGE_MEMBERS, organisation),
        },
    )


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not has_perm(request.user, ORG_CHANGE, organisation):
        raise PermissionDenied("Only the organisation's admins can edit it.")
    form = OrganisationForm(
        request.POST or None,
        verified=organisation.verified,
        initial=model_to_dict(organisation, fields=OrganisationForm.Meta.fields),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "The organisation's details were saved.")
            return redirect("organisation-detail", slug=organisation.slug)
    return render(
        request, "exchange/organisation_form.html", {"form": form, "organisation": organisation}
    )


def _invite(request: AuthenticatedHttpRequest, organisation: Organisation) -> InvitationForm | None:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"We emailed an invitation to {invitation.email}.")
            return None
    return form


def _withdraw(request: AuthenticatedHttpRequest, organisation: Organisation) -> None:
    invitation = get_object_or_404(
        Invitation, pk=posted_pk(request, "invitation"), organisation=organisation
    )
    services.invitation_withdraw(actor=request.user, invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")


def _decide(
    request: AuthenticatedHttpRequest, organisation: Organisation, *, approve: bool
) -> None:
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"),
        pk=posted_pk(request, "join_request"),
        organisation=organisation,
    )
    services.join_request_decide(actor=request.user, join_request=join_request, approve=approve)
    verdict = "is now a member" if approve else "was told their request was declined"
    messages.success(request, f"{join_request.user.display_name} {verdict}.")


def _change_role(request: AuthenticatedHttpRequest, organisation: Organisation) -> None:
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        pk=posted_pk(request, "membership"),
        organisation=organisation,
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        raise ValidationError("Choose a role: admin or member.")
    membership = services.membership_change_role(
        actor=request.user, membership=membership, role=form.cleaned_data["role"]
    )
    messages.success(
        request, f"{membership.user.display_name} is now {membership.get_role_display().lower()}."
    )


def _remove(request: AuthenticatedHttpRequest, organisation: Organisation) -> None:
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        pk=posted_pk(request, "membership"),
        organisation=organisation,
    )
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, f"{membership.user.display_name} was removed.")


MemberAction = Callable[[AuthenticatedHttpRequest, Organisation], None]
MEMBER_ACTIONS: dict[str, MemberAction] = {
    "withdraw": _withdraw,
    "approve": partial(_decide, approve=True),
    "decline": partial(_decide, approve=False),
    "role": _change_role,
    "remove": _remove,
}


def _members_post(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> InvitationForm | None:
    """Run one admin action. Returns a bound invitation form to show again, else None."""
    action = request.POST.get("action", "")
    if action == "invite":
        return _invite(request, organisation)
    if action not in MEMBER_ACTIONS:
        raise Http404("Unknown action.")
    try:
        MEMBER_ACTIONS[action](request, organisation)
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, error_text(exc))
    return None


@login_required
def organisation_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_see_members(request.user, organisation):
        raise PermissionDenied("Only members can see who belongs to this organisation.")
    can_manage = has_perm(request.user, ORG_MANAGE_MEMBERS, organisation)
    invite_form = InvitationForm()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only the organisation's admins can manage its members.")
        bound_form = _members_post(request, organisation)
        if bound_form is None:
            # An admin who removed themselves can no longer see this page.
            may_view = request.user.is_superuser or membership_of(request.user, organisation)
            view_name = "organisation-members" if may_view else "organisation-detail"
            return redirect(view_name, slug=organisation.slug)
        invite_form = bound_form
    pending = {"status": RequestStatus.PENDING, "organisation": organisation}
    return render(
        request,
        "exchange/organisation_members.html",
        {
            "organisation": organisation,
            "can_manage": can_manage,
            "memberships": organisation.memberships.select_related("user"),
            "invitations": Invitation.objects.filter(**pending) if can_manage else [],
            "join_requests": (
                JoinRequest.objects.filter(**pending).select_related("user") if can_manage else []
            ),
            "invite_form": invite_form,
            "roles": Role.choices,
        },
    )


@login_required
@require_POST
def organisation_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["message"]))
        return redirect("organisation-detail", slug=organisation.slug)
    try:
        services.join_request_create(
            actor=request.user, organisation=organisation, message=form.cleaned_data["message"]
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            f"You asked to join {organisation.name}. We will tell you when an admin decides.",
        )
    return redirect("organisation-detail", slug=organisation.slug)


@login_required
@require_POST
def organisation_leave(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    try:
        services.membership_leave(actor=request.user, organisation=organisation)
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"You left {organisation.name}.")
    return redirect("organisation-detail", slug=organisation.slug)


def _invitation_problem(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "exchange/invitation_invalid.html", {"problem": problem}, status=400)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as exc:
        return _invitation_problem(request, error_text(exc))
    if invitation.status != RequestStatus.PENDING:
        return _invitation_problem(request, "This invitation has already been used or withdrawn.")
    context = {
        "invitation": invitation,
        "addressed_to_you": invitation.email.lower() == request.user.email.lower(),
    }
    if request.method == "POST":
        try:
            services.invitation_accept(actor=request.user, token=token)
        except PermissionDenied:
            return render(request, "exchange/invitation_accept.html", context, status=403)
        except (ValidationError, InvalidTransition) as exc:
            return _invitation_problem(request, error_text(exc))
        messages.success(request, f"Welcome to {invitation.organisation.name}.")
        return redirect("organisation-detail", slug=invitation.organisation.slug)
    return render(request, "exchange/invitation_accept.html", context)
