from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import _enum_schema
from exchange.enums import Delivery, NotificationKind
from exchange.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:notification-detail")
    link = serializers.SerializerMethodField(help_text="The page it is about (absolute URL).")
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "url", "kind", "text", "link", "read", "read_at", "created_at"]
        read_only_fields = fields

    def get_link(self, notification: Notification) -> str:
        request = self.context.get("request")
        if not notification.link or request is None:
            return notification.link
        return request.build_absolute_uri(notification.link)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="Notification ids; omit to mark every unread notification read.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications became read.")


# One named enum for every kind's field (spectacular would name one per field, with warnings).
@extend_schema_field(_enum_schema(Delivery), component_name="DeliveryEnum")
class DeliveryField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Delivery.choices, **kwargs)


def _preference_fields() -> dict[str, Any]:
    return {
        kind: DeliveryField(required=False, help_text=str(label))
        for kind, label in NotificationKind.choices
    }


NotificationPreferencesSerializer = type(
    "NotificationPreferencesSerializer",
    (serializers.Serializer,),
    {
        **_preference_fields(),
        "__doc__": "Email delivery per kind of notification. Bookings and account messages "
        "are always emailed at once, whatever is chosen.",
    },
)
