"""Typing helpers shared by views."""

from django.http import HttpRequest

from exchange.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``request.user`` is a real ``User``."""

    user: User
