"""``GET``, ``PATCH me/``: the caller's profile, as the profile page (``/accounts/profile/``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import error_responses
from api.serializers.me import ProfileSerializer, ProfileUpdateSerializer
from api.viewsets.base import ReadWriteViewSet
from exchange.models import User
from exchange.services import user_update_profile


class _Yourself(viewsets.GenericViewSet):
    """The object of ``me/`` is the requester. Below ``ConditionalDetailMixin`` in the MRO, so
    ``ETag`` and ``If-Match`` work as on every other detail URL."""

    def get_object(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # noqa: S101  (IsAuthenticated ran first)
        self.check_object_permissions(self.request, user)
        return user


@extend_schema(tags=["me"])
class MeViewSet(ReadWriteViewSet, _Yourself):
    """Your name and job title (the email address is your login: staff change it)."""

    serializer_class = ProfileSerializer
    write_serializers = {"partial_update": ProfileUpdateSerializer}
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list[Any] = []
    pagination_class = None

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.none()

    @extend_schema(
        summary="Your profile and the organisations you belong to",
        responses={200: ProfileSerializer, **error_responses(401)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.etag_data(self.get_object()))

    @extend_schema(
        summary="Change your name or job title",
        request=ProfileUpdateSerializer,
        responses={200: ProfileSerializer, **error_responses(400, 401)},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_object()
        serializer = ProfileUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = user_update_profile(
            actor=user,
            full_name=data.get("full_name", user.full_name),
            job_title=data.get("job_title", user.job_title),
        )
        return Response(self.etag_data(user))
