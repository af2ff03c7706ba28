"""Organisation admins manage their webhook endpoints and read the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import services
from api.webhooks.forms import WebhookEndpointForm
from exchange.exceptions import InvalidTransition, ValidationError
from exchange.forms import add_service_error
from exchange.models import Organisation
from exchange.permissions import ORG_CHANGE, has_perm
from exchange.typing import AuthenticatedHttpRequest
from exchange.views.common import paginate


def _admin_organisation(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not has_perm(request.user, ORG_CHANGE, organisation):
        raise PermissionDenied("Only the organisation's admins manage its webhooks.")
    return organisation


def _admin_endpoint(request: AuthenticatedHttpRequest, pk: int) -> WebhookEndpoint:
    endpoint = get_object_or_404(WebhookEndpoint.objects.select_related("organisation"), pk=pk)
    if not has_perm(request.user, ORG_CHANGE, endpoint.organisation):
        raise PermissionDenied("Only the organisation's admins manage its webhooks.")
    return endpoint


@never_cache
@login_required
def webhook_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = _admin_organisation(request, slug)
    form = WebhookEndpointForm()
    created: tuple[WebhookEndpoint, str] | None = None
    if request.method == "POST":
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                created = services.webhook_endpoint_create(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                form = WebhookEndpointForm()
    # The secret goes into this one response only: never a message or the session.
    return render(
        request,
        "api/webhooks/endpoint_list.html",
        {
            "organisation": organisation,
            "endpoints": WebhookEndpoint.objects.filter(organisation=organisation),
            "form": form,
            "new_endpoint": created[0] if created else None,
            "new_secret": created[1] if created else "",
        },
    )


@never_cache
@login_required
def webhook_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = _admin_endpoint(request, pk)
    initial = {"url": endpoint.url, "description": endpoint.description}
    form = WebhookEndpointForm(initial={**initial, "event_types": endpoint.event_types})
    if request.method == "POST":
        action = request.POST.get("action", "update")
        if action == "delete":
            services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
            messages.success(request, f"Webhook endpoint {endpoint.url} deleted.")
            return redirect("webhook-list", endpoint.organisation.slug)
        if action in ("enable", "disable"):
            services.webhook_endpoint_update(
                actor=request.user, endpoint=endpoint, is_active=action == "enable"
            )
            messages.success(request, f"Webhook endpoint {action}d.")
            return redirect("webhook-detail", endpoint.pk)
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                services.webhook_endpoint_update(
                    actor=request.user, endpoint=endpoint, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Webhook endpoint saved.")
                return redirect("webhook-detail", endpoint.pk)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
    return render(
        request,
        "api/webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "organisation": endpoint.organisation,
            "form": form,
            **paginate(request, deliveries),
        },
    )


@require_POST
@login_required
def webhook_redeliver(request: AuthenticatedHttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    endpoint = _admin_endpoint(request, pk)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, endpoint=endpoint)
    try:
        services.webhook_delivery_redeliver(actor=request.user, delivery=delivery)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Delivery {delivery.delivery_id} queued again.")
    return redirect("webhook-detail", endpoint.pk)
