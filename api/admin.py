from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from api.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Staff see endpoints but never their secrets; admins manage them on the site."""

    list_display = ["url", "organisation", "is_active", "failure_streak", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "organisation__name"]
    exclude = ["secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["failure_streak", "failing_since", "disabled_at", "created_by"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["delivery_id", "endpoint", "event_type", "status", "attempts", "created_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["delivery_id", "endpoint__url"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
