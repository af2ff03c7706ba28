from __future__ import annotations

from typing import Any

from rest_framework import exceptions, viewsets
from rest_framework.serializers import BaseSerializer

from exchange.models import User


class ReadWriteViewSet(viewsets.GenericViewSet):
    """``serializer_class`` is what is read; ``write_serializers`` names each write's input.

    Writes answer with ``serializer_class`` too, so a client always reads one representation.
    """

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
