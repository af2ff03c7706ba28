"""Shared helpers of the core app's views."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from exchange.exceptions import ValidationError

PAGE_SIZE = 20


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", "") or str(exc) or "That is not possible."


def paginate(request: HttpRequest, items: QuerySet[Any]) -> dict[str, Any]:
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return {"page_obj": page_obj, "querystring_without_page": f"{query}&" if query else ""}


def posted_pk(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404(f"No {name} given.") from None


def is_local_path(url: str) -> bool:
    """True for a path on this site ("/…"); false for absolute and scheme-relative URLs."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set())


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_local_path(target) else ""


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Shown when a form is sent too often (django-ratelimit): 429, not an error page."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
