"""OpenAPI (drf-spectacular) additions: the token scheme and the documented error bodies.

Imported from ``ApiConfig.ready()`` so the extension is registered before any schema is built.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object, is_list_serializer
from drf_spectacular.utils import OpenApiResponse
from rest_framework.mixins import ListModelMixin

from api.authentication import ApiTokenAuthentication
from api.serializers.common import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "Invalid input: bad JSON, bad field values or unknown slugs.",
    401: "Not authenticated, or the token is invalid or revoked.",
    403: "Authenticated but not allowed to do this.",
    404: "No such object, or you may not see it.",
    409: "The object's state does not allow this action.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, except that a hand-written ``list`` (a summary such as the
    trends grid, or a singleton such as the caller's calendar feed) answers what its
    ``extend_schema`` names, not an array of it."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        if getattr(self.view, "action", None) == "list" and not isinstance(
            self.view, ListModelMixin
        ):
            if serializer is None:
                serializer = self.get_response_serializers()
            if isinstance(serializer, dict) and serializer:
                serializer = {str(code): s for code, s in serializer.items()}
                serializer = serializer[min(serializer)]
            return bool(is_list_serializer(serializer))
        return bool(super()._is_list_view(serializer))


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=ApiTokenAuthentication.keyword
        )


class BlankableUrlField(OpenApiSerializerFieldExtension):
    """A URL field that may be empty (a model ``URLField(blank=True)``) answers ``""`` when
    unset, which is not a ``format: uri`` string: document it as "a URL or empty"."""

    target_class = "rest_framework.fields.URLField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        default = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not (getattr(self.target, "allow_blank", False) or _blank_model_field(self.target)):
            return default
        return {
            **{k: v for k, v in default.items() if k not in ("type", "format")},
            "anyOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}],
        }


def _blank_model_field(field: Any) -> bool:
    # Read-only model fields are built without allow_blank: ask the model field itself.
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    if model is None or not isinstance(getattr(field, "source", None), str):
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except Exception:  # a source that is not a model field (a method, a relation path)
        return False


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """``responses=`` entries for the given 4xx codes, all in the shape of ``api.errors``."""
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in codes
    }
