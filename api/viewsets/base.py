from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.serializers import BaseSerializer

from api.conditional import ConditionalDetailMixin
from api.pagination import CursorPagination, PageNumberPagination
from exchange.models import User


class ReadWriteViewSet(ConditionalDetailMixin):
    """``serializer_class`` is what is read; ``write_serializers`` names each write's input.

    Writes answer with ``serializer_class`` too, so a client always reads one representation.
    Detail GETs carry ``ETag`` and ``Last-Modified`` and honour ``If-None-Match`` /
    ``If-Modified-Since``; writes honour ``If-Match`` (``api.conditional``). Collections take
    ``modified_since``, judged by ``modified_fields`` (``api.filters.modified``).
    """

    modified_fields: tuple[str, ...] = ()
    # Large collections page by cursor (their ``list`` only; a detail action listing other
    # rows, such as an event's attendees, keeps page numbers). See ``api.pagination``.
    cursor_pagination: bool = False

    _pagination_override: type[BasePagination] | None = None
    _pagination_overridden = False

    @property
    def pagination_class(self) -> type[BasePagination] | None:  # type: ignore[override]
        if self._pagination_overridden:  # an @action(pagination_class=…) said so
            return self._pagination_override
        if self.cursor_pagination and getattr(self, "action", None) == "list":
            return CursorPagination
        return PageNumberPagination

    @pagination_class.setter
    def pagination_class(self, value: type[BasePagination] | None) -> None:
        self._pagination_override, self._pagination_overridden = value, True

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # PostgreSQL cannot store or even compare text holding NUL; a lookup by such a slug
        # would be a server error. Refuse it at the door, naming the parameter or field.
        for where in (request.query_params, request.data):
            name = _holding_nul(where)
            if name is not None:
                raise exceptions.ValidationError({name: ["Null characters are not allowed."]})

    write_serializers: dict[str, type[BaseSerializer[Any]]] = {}
    # OPTIONS and the browsable API describe another method's input through a cloned request
    # while ``action`` still names the page being shown ("list", "retrieve", "metadata").
    _ACTION_OF_FORM = {"POST": "create", "PUT": "update", "PATCH": "partial_update"}

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        action = self.action
        if action in ("list", "retrieve", "metadata"):
            action = self._ACTION_OF_FORM.get(self.request.method or "", action)
        return self.write_serializers.get(action or "") or super().get_serializer_class()

    @property
    def actor(self) -> User:
        """The signed-in requester, as the services want them (writes require sign-in)."""
        user = self.request.user
        if not isinstance(user, User):
            raise exceptions.NotAuthenticated()
        return user


def _holding_nul(value: Any, name: str = "non_field_errors") -> str | None:
    """The top-level name under which ``value`` holds a NUL character, if it does."""
    if isinstance(value, str):
        return name if "\x00" in value else None
    if hasattr(value, "lists"):  # QueryDict: every value of every key
        value = dict(value.lists())
    if isinstance(value, dict):
        for key, item in value.items():
            top = str(key) if name == "non_field_errors" else name
            if "\x00" in str(key):
                return top.replace("\x00", "")
            found = _holding_nul(item, top)
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = _holding_nul(item, name)
            if found is not None:
                return found
    return None
