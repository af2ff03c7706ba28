"""OpenAPI (drf-spectacular) additions: the token scheme and the documented error bodies.

Imported from ``ApiConfig.ready()`` so the extension is registered before any schema is built.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse

from api.authentication import ApiTokenAuthentication
from api.serializers.common import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "Invalid input: bad JSON, bad field values or unknown slugs.",
    401: "Not authenticated, or the token is invalid or revoked.",
    403: "Authenticated but not allowed to do this.",
    404: "No such object, or you may not see it.",
    409: "The object's state does not allow this action.",
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=ApiTokenAuthentication.keyword
        )


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """``responses=`` entries for the given 4xx codes, all in the shape of ``api.errors``."""
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in codes
    }
