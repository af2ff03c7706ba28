"""Errors services raise. Views turn them into messages, the API into 4xx JSON."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["InvalidTransition", "PermissionDenied", "ValidationError"]


class InvalidTransition(Exception):
    """The object is not in a state that allows this action (HTTP 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
