"""``?modified_since=`` on every collection, for incremental sync.

One filter backend (in ``DEFAULT_FILTER_BACKENDS``) serves every list endpoint. A viewset
names the timestamp(s) that move when a row changes in ``modified_fields``; with several, a row
matches when any of them is at or after the given time (e.g. a waitlist place that was created,
offered or closed since). Without the attribute the model's ``updated_at``, ``last_modified``
or ``created_at`` is used, in that order of preference.

Deletions are not reported: a partner learns of them by a 404 on the detail URL.
"""

from __future__ import annotations

from datetime import UTC
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

PARAM = "modified_since"
_PREFERRED = ("updated_at", "last_modified", "created_at")


def modified_fields_of(view: Any, model: type[Model] | None = None) -> tuple[str, ...]:
    """The timestamp fields that say when a row of ``view`` last changed."""
    declared = getattr(view, "modified_fields", None)
    if declared:
        return tuple(declared)
    if model is None:
        serializer = getattr(view, "serializer_class", None)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None:
        return ()
    names = {field.name for field in model._meta.get_fields()}
    return tuple(name for name in _PREFERRED if name in names)[:1]


def parse_modified_since(raw: str) -> Any:
    """An aware datetime from ISO 8601 text; 400 naming the parameter otherwise."""
    try:
        value = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise ValidationError(
            {
                PARAM: [
                    "Enter an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z "
                    "(without an offset, UTC is assumed)."
                ]
            }
        )
    try:
        if timezone.is_naive(value):
            return timezone.make_aware(value, UTC)
        # In UTC: PostgreSQL refuses offsets past ±15:59, which Python accepts.
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:  # e.g. 0001-01-01T00:00+01:00
        raise ValidationError({PARAM: ["This date and time is out of range."]}) from exc


class ModifiedSinceFilter(BaseFilterBackend):
    """Rows created or changed at or after ``modified_since`` (an ISO 8601 date and time)."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        # Only collections: get_object() filters too, and a detail URL must not 404 on it.
        if getattr(view, "action", None) != "list" or PARAM not in request.query_params:
            return queryset
        since = parse_modified_since(request.query_params[PARAM])
        fields = modified_fields_of(view, queryset.model)
        if not fields:
            return queryset
        changed = reduce(or_, (Q(**{f"{name}__gte": since}) for name in fields))
        if any("__" in name for name in fields):
            # A related row's time (e.g. a question's later answers): a subquery, not a join,
            # so each row appears once.
            model = queryset.model
            return queryset.filter(pk__in=model._default_manager.filter(changed).values("pk"))
        return queryset.filter(changed)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        if getattr(view, "action", None) != "list":
            return []
        fields = modified_fields_of(view)
        described = " or ".join(f"`{name}`" for name in fields) or "the row's timestamp"
        return [
            {
                "name": PARAM,
                "required": False,
                "in": "query",
                "description": "Only rows created or changed at or after this ISO 8601 date "
                f"and time (UTC when no offset is given), judged by {described}. "
                "Deletions are not reported.",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]
