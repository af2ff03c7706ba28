from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from exchange.notifications import unread_count


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "unread_notifications": unread_count(user) if user.is_authenticated else 0,  # type: ignore[arg-type]
    }
