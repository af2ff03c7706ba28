"""``GET /api/v1/listings/?q=…``: full-text search with the search page's semantics.

With ``q`` the list is answered by ``listings.queries.listing_search`` — published listings
within visibility, ranked by relevance (or ``ordering=-published_at``), narrowed by the same
filters — and the response carries a ``facets`` object with counts per filter value. Above
``SEARCH_EXACT_LIMIT`` matches, ``count`` and facet counts are estimates from an even sample
and ``approximate`` is true.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from listings.queries import SearchParams, SearchResult, listing_search

SEARCH_ORDERINGS = {"": "relevance", "relevance": "relevance", "-published_at": "newest"}


def facets_json(result: SearchResult) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [
            {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
            for v in values
        ]
        for name, values in result.facets.items()
    }


class SearchListMixin:
    """Answer ``list`` through the search query when the request carries ``q``."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if "q" not in request.query_params:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        # Validate the filters exactly as the plain list does (400 on unknown values).
        self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        if "modified_since" in request.query_params:
            # Ranked search is not a sync feed: say so rather than ignore the filter.
            raise ValidationError(
                {"modified_since": ["Not with q: sync through the plain list (without q)."]}
            )
        ordering = request.query_params.get("ordering", "")
        if ordering not in SEARCH_ORDERINGS:
            raise ValidationError(
                {"ordering": ["With q, order by 'relevance' (default) or '-published_at'."]}
            )
        params = SearchParams.from_query(request.query_params).with_value(
            "sort", SEARCH_ORDERINGS[ordering]
        )
        paginator = self.paginator  # type: ignore[attr-defined]
        size = paginator.get_page_size(request)
        result = listing_search(
            request.user, params, page_number=request.query_params.get("page", 1), per_page=size
        )
        page = result.page
        url = request.build_absolute_uri()
        serializer = self.get_serializer(result.listings, many=True)  # type: ignore[attr-defined]
        return Response(
            {
                "count": result.total,
                "approximate": result.approximate,
                "next": replace_query_param(url, "page", page.next_page_number())
                if page.has_next()
                else None,
                "previous": (
                    remove_query_param(url, "page")
                    if page.previous_page_number() == 1
                    else replace_query_param(url, "page", page.previous_page_number())
                )
                if page.has_previous()
                else None,
                "results": serializer.data,
                "facets": facets_json(result),
            }
        )
