"""One JSON error shape for every 4xx:

{"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"title": ["…"]}}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import Resolver404, ResolverMatch, resolve
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from exchange.exceptions import InvalidTransition


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_state"
    default_detail = "The object is not in a state that allows this action."


def _from_django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                # full_clean() files constraint violations under "__all__".
                ("non_field_errors" if field == NON_FIELD_ERRORS else field): [
                    str(message) for error in errors for message in error.messages
                ]
                for field, errors in exc.error_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": list(exc.messages)})


def _flatten_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _flatten_message(value)
            return message if key == "non_field_errors" else f"{key}: {message}"
        return "Invalid input."
    if isinstance(detail, list):
        return _flatten_message(detail[0]) if detail else "Invalid input."
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc)
    elif isinstance(exc, InvalidTransition):
        exc = Conflict(exc.message)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)  # noqa: S101  (drf handled it)
    detail = exc.detail
    fields: dict[str, Any] = {}
    if isinstance(detail, dict):
        fields = {k: v for k, v in response.data.items() if k != "non_field_errors"}
    codes = exc.get_codes()
    code = (
        codes
        if isinstance(codes, str)
        else ("invalid" if isinstance(exc, exceptions.ValidationError) else exc.default_code)
    )
    body: dict[str, Any] = {
        "status": response.status_code,
        "code": code,
        "message": _flatten_message(detail),
    }
    if fields:
        body["fields"] = fields
    if isinstance(detail, dict) and "non_field_errors" in detail:
        body["non_field_errors"] = response.data["non_field_errors"]
    response.data = {"error": body}
    return response


class NotFoundView(APIView):
    """Answers every unknown path under /api/ with the JSON 404, whatever the method."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    schema = None  # not an endpoint: keep it out of the OpenAPI document

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        with_slash = request.path + "/"
        if not request.path.endswith("/"):
            match = _resolve(with_slash)
            if match is not None and getattr(match.func, "view_class", None) is not NotFoundView:
                raise exceptions.NotFound(f"Not found. Did you mean {with_slash} ?")
        raise exceptions.NotFound()


def _resolve(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None
