"""Shared by the council-workflow viewsets: validate an input serializer, answer with the
read representation fetched back through the viewset's visibility query."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.viewsets.base import ReadWriteViewSet


class WorkflowViewSet(ReadWriteViewSet):
    def validated(self, serializer_class: type[BaseSerializer[Any]]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def represent(self, obj: Model, *, created: bool = False) -> Response:
        # Read back through the visibility query so a write answers exactly what a GET would.
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        read = self.serializer_class
        assert read is not None  # noqa: S101  (every workflow viewset names its read serializer)
        data = read(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
