"""HTTP middleware of the exchange: the Content Security Policy header.

Django 5.2 has no Content Security Policy support (6.0 adds one); this small middleware sends
the policy written in settings, ``CONTENT_SECURITY_POLICY`` (directive → sources), with
per-path-prefix replacements in ``CONTENT_SECURITY_POLICY_PATHS``. A response that already
carries the header (a view that needs its own policy) is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Directives = Mapping[str, Sequence[str]]


def policy_text(directives: Directives) -> str:
    """``{"default-src": ["'self'"], "upgrade-insecure-requests": []}`` → header value."""
    return "; ".join(
        " ".join([name, *sources]) for name, sources in directives.items() if sources is not None
    )


def policy_for(path: str) -> str:
    """The policy for a request path: the defaults, with the longest matching prefix's
    directives replacing theirs."""
    directives: dict[str, Sequence[str]] = dict(settings.CONTENT_SECURITY_POLICY)
    prefixes: Mapping[str, Directives] = getattr(settings, "CONTENT_SECURITY_POLICY_PATHS", {})
    matching = [prefix for prefix in prefixes if path.startswith(prefix)]
    if matching:
        directives.update(prefixes[max(matching, key=len)])
    return policy_text(directives)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if header not in response:
            response[header] = policy_for(request.path)
        return response
