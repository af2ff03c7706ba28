"""``GET recommendations/``: the dashboard's "Recommended for you" block."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import error_responses
from api.serializers.recommendations import RecommendationSerializer
from api.viewsets.base import ReadWriteViewSet
from matching.models import Match
from matching.queries import recommended_for

# As many as the dashboard shows.
RECOMMENDATIONS = 6


@extend_schema(tags=["matches"])
class RecommendationViewSet(ReadWriteViewSet):
    """Listings that answer what your organisations need, best first."""

    serializer_class = RecommendationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list[Any] = []
    pagination_class = None

    def get_queryset(self) -> QuerySet[Match]:
        return Match.objects.none()

    @extend_schema(
        summary="Recommended for you (as on the dashboard)",
        description=f"At most {RECOMMENDATIONS} published listings you may see, from other "
        "organisations, that answer your organisations' published listings, the requests "
        'they said "we need this too" on or co-own; each once, with the listing it answers '
        "best (`because_of`). Dismissed matches are left out.",
        responses={200: RecommendationSerializer(many=True), **error_responses(401)},
    )
    def list(self, request: Request) -> Response:
        found = recommended_for(self.actor, limit=RECOMMENDATIONS)
        context = self.get_serializer_context()
        return Response(
            RecommendationSerializer([r.match for r in found], many=True, context=context).data
        )
