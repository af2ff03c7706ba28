"""Personal pages: notifications, email preferences and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from exchange import notifications, services
from exchange.exceptions import ValidationError
from exchange.forms import ApiTokenForm, NotificationSettingsForm, add_service_error, fixed_kinds
from exchange.models import ApiToken, Notification
from exchange.typing import AuthenticatedHttpRequest
from exchange.views.common import is_local_path, paginate, posted_pk


def _notification_action(request: AuthenticatedHttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    page = request.POST.get("page", "")
    back = redirect("notification-list")
    if page.isdigit():
        back = HttpResponseRedirect(f"{back.url}?page={page}")
    if action == "mark_all":
        count = notifications.notifications_mark_read(actor=request.user)
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
        return back
    if action not in ("open", "read"):
        raise Http404("Unknown action.")
    notification = get_object_or_404(
        Notification, pk=posted_pk(request, "notification"), recipient=request.user
    )
    notifications.notifications_mark_read(actor=request.user, ids=[notification.pk])
    if action == "open" and is_local_path(notification.link):
        return HttpResponseRedirect(notification.link)
    return back


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _notification_action(request)
    items = Notification.objects.filter(recipient=request.user)
    return render(request, "exchange/notification_list.html", paginate(request, items))


@login_required
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NotificationSettingsForm(
        request.POST or None, preferences=notifications.preferences_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            notifications.notification_preferences_set(
                actor=request.user, choices=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your email preferences were saved.")
            return redirect("notification-settings")
    return render(
        request,
        "exchange/notification_settings.html",
        {
            "form": form,
            "fixed_kinds": fixed_kinds(),
        },
    )


def _revoke_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=posted_pk(request, "token"), user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” was revoked. It no longer works.")
    return redirect("api-tokens")


@never_cache  # the page that shows a new secret must not be stored by any cache
@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm()
    created: tuple[ApiToken, str] | None = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            return _revoke_token(request)
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                created = services.api_token_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                form = ApiTokenForm()
    # The secret goes into this one response only: never a message, the session or the DB.
    return render(
        request,
        "exchange/api_tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=request.user),
            "new_token": created[0] if created else None,
            "new_secret": created[1] if created else "",
        },
    )
