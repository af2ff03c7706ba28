from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import error_responses
from api.serializers.trends import TrendGridSerializer, TrendQuerySerializer, grid_data
from matching.trends import TrendFilters, trend_grid


@extend_schema(tags=["trends"])
class TrendViewSet(viewsets.ViewSet):
    """Activity by need area and month over the last twelve months, counted only over what the
    caller may see — the data of the trends heat map (``/trends/``) and its CSV."""

    @extend_schema(
        summary="Activity by need area × month (one measure)",
        parameters=[TrendQuerySerializer],
        responses={200: TrendGridSerializer, **error_responses(400)},
    )
    def list(self, request: Request) -> Response:
        # The page's own links carry empty filters ("all"): treat them as left out.
        given = {key: value for key, value in request.query_params.items() if value}
        query = TrendQuerySerializer(data=given)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        grid = trend_grid(
            request.user,
            measure=data["measure"],
            filters=TrendFilters(
                region=data.get("region", ""), organisation_kind=data.get("organisation_kind", "")
            ),
        )
        return Response(TrendGridSerializer(grid_data(grid)).data)
