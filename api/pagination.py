"""Two paginations, chosen per collection (docs/api.md lists which uses which).

* ``CursorPagination`` for the large collections that partners sync (listings, events,
  organisations, bookings, notifications): stable under inserts, constant cost per page, no
  total ``count``. The order is the collection's ``ordering`` (or the client's ``ordering``
  parameter) with the id as the tie-breaker.
* ``PageNumberPagination`` for the rest, and for ranked search (``/listings/?q=``), whose
  relevance order has no column a cursor could resume from.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import exceptions, pagination
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination with a client-chosen page size, capped at 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination over the view's ordering, made total with the id as tie-breaker.

    A nullable ordering column cannot carry a cursor position; a view maps such a column to a
    non-null expression in ``cursor_substitutes`` (e.g. a draft's missing ``published_at``
    replaced by its ``created_at``).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-id",)
    invalid_cursor_message = "Invalid cursor: follow the next or previous link as given."

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        if "page" in request.query_params:
            raise exceptions.ValidationError(
                {"page": ["This collection uses cursor pagination: follow the 'next' link."]}
            )
        substitutes = getattr(view, "cursor_substitutes", {})
        if substitutes:
            queryset = queryset.annotate(
                **{f"cursor_{name}": expression for name, expression in substitutes.items()}
            )
        self._substitutes = substitutes
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError, OverflowError) as exc:
            # A hand-made cursor whose position does not fit the ordering column.
            raise exceptions.NotFound(self.invalid_cursor_message) from exc

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        ordering = list(super().get_ordering(request, queryset, view))
        substitutes = getattr(self, "_substitutes", {})
        ordering = [
            ("-" if term.startswith("-") else "") + f"cursor_{term.lstrip('-')}"
            if term.lstrip("-") in substitutes
            else term
            for term in ordering
        ]
        if not any(term.lstrip("-") in ("id", "pk") for term in ordering):
            ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
        return tuple(ordering)
