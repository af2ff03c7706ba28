"""Conditional requests on detail endpoints: ``ETag`` / ``If-None-Match`` (304),
``Last-Modified`` / ``If-Modified-Since`` (304), and ``If-Match`` on writes (412).

The ETag is weak (``W/"…"``): a hash of the JSON representation the requester is shown, so
it changes whenever anything they can see changes — including fields computed from other rows
(seats left, answer counts) — and differs between people who see different things.
``Last-Modified`` comes from the row's own timestamp (the viewset's ``modified_fields``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from rest_framework import exceptions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters.modified import modified_fields_of

SAFE = ("GET", "HEAD")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The object has changed since you read it (If-Match did not match)."


def representation_etag(data: Any) -> str:
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return 'W/"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 8.8.3.2): ``*`` or any listed tag with the same opaque value."""
    tags = parse_etags(header)
    return "*" in tags or any(_opaque(tag) == _opaque(etag) for tag in tags)


def last_modified_of(obj: Model, fields: tuple[str, ...]) -> datetime | None:
    stamps = [getattr(obj, name, None) for name in fields]
    present = [stamp for stamp in stamps if isinstance(stamp, datetime)]
    return max(present) if present else None


class ConditionalDetailMixin(viewsets.GenericViewSet):
    """Validators on ``retrieve``, ``If-Match`` on writes.

    ``etag_data(obj)`` is the representation a GET of the object answers; viewsets whose
    ``retrieve`` needs extra serializer context override it.
    """

    def etag_data(self, obj: Model) -> Any:
        serializer_class = self.serializer_class
        assert serializer_class is not None  # noqa: S101  (every API viewset names one)
        return serializer_class(obj, context=self.get_serializer_context()).data

    def get_object(self) -> Any:
        obj = super().get_object()
        self._conditional_object = obj
        header = self.request.META.get("HTTP_IF_MATCH")
        if (
            header
            and self.request.method not in SAFE
            and not etag_matches(header, representation_etag(self.etag_data(obj)))
        ):
            raise PreconditionFailed()
        return obj

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        obj = getattr(self, "_conditional_object", None)
        if (
            request.method in SAFE
            and self.action == "retrieve"
            and response.status_code == status.HTTP_200_OK
            and isinstance(response, Response)
            and obj is not None
        ):
            response = self._conditional(request, response, obj)
        return super().finalize_response(request, response, *args, **kwargs)

    def _conditional(self, request: Request, response: Response, obj: Model) -> Response:
        etag = representation_etag(response.data)
        modified = last_modified_of(obj, modified_fields_of(self, type(obj)))
        headers = {"ETag": etag}
        if modified is not None:
            headers["Last-Modified"] = http_date(modified.timestamp())
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
        if if_none_match is not None:
            not_modified = etag_matches(if_none_match, etag)
        elif if_modified_since is not None and modified is not None:
            since = parse_http_date_safe(if_modified_since)
            not_modified = since is not None and int(modified.timestamp()) <= since
        else:
            not_modified = False
        if not_modified:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        for name, value in headers.items():
            response[name] = value
        return response
