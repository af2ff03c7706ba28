"""Fields and documentation-only serializers shared by the API resources."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.enums import EventKind
from exchange.enums import OrganisationKind
from listings.enums import ListingKind


def _enum_schema(choices: type[models.TextChoices]) -> dict[str, Any]:
    lines = [f"* `{value}` - {label}" for value, label in choices.choices]
    return {"type": "string", "enum": list(choices.values), "description": "\n".join(lines)}


# Organisations, listings and events all have a "kind"; named enum components keep them apart in
# the OpenAPI document (spectacular would otherwise name them by hash, with a warning).
@extend_schema_field(_enum_schema(OrganisationKind), component_name="OrganisationKindEnum")
class OrganisationKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OrganisationKind.choices, **kwargs)


@extend_schema_field(_enum_schema(ListingKind), component_name="ListingKindEnum")
class ListingKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ListingKind.choices, **kwargs)


@extend_schema_field(_enum_schema(EventKind), component_name="EventKindEnum")
class EventKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=EventKind.choices, **kwargs)


@extend_schema_field({"type": "string", "format": "uri", "readOnly": True})
class PageUrlField(serializers.ReadOnlyField):
    """The absolute URL of an object's web page (its ``get_absolute_url``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "get_absolute_url")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request is not None else str(value)


class SlugListField(serializers.ListField):
    """A JSON list of slugs resolved to model instances in one query, order kept.

    Duplicates are dropped; any unknown slug makes the whole field invalid (400).
    """

    default_error_messages = {"unknown": "Unknown {noun}: {slugs}."}

    def __init__(self, *, queryset: models.QuerySet[Any], noun: str, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.SlugField(max_length=220))
        super().__init__(**kwargs)
        self.queryset = queryset
        self.noun = noun

    def to_internal_value(self, data: Any) -> list[Any]:
        slugs = list(dict.fromkeys(super().to_internal_value(data)))
        found = {obj.slug: obj for obj in self.queryset.all().filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            self.fail("unknown", noun=self.noun, slugs=", ".join(missing))
        return [found[slug] for slug in slugs]

    def to_representation(self, data: Any) -> list[str]:
        # Writes answer with the read serializer; this shows current values in API forms.
        items = data.all() if isinstance(data, models.Manager) else data
        return [obj.slug for obj in items]


class TagNamesField(serializers.ListField):
    """Free-text tag names in; the listing's tag names out (for the browsable API's forms)."""

    child = serializers.CharField(max_length=60)

    def to_representation(self, data: Any) -> list[str]:
        items = data.all() if isinstance(data, models.Manager) else data
        return [str(getattr(item, "name", item)) for item in items]


class ErrorBodySerializer(serializers.Serializer):
    """Documentation of ``api.errors``: the body of every 4xx answer."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    # The body's key really is "fields"; it shadows Serializer.fields only for type checkers.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        required=False,
        help_text="Validation errors by field name (400 only): a list of messages, or for "
        "nested input (a list of objects) the same shape by index and field name.",
    )
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()
