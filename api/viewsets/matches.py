"""A listing's matches, for the people who manage it (owners and accepted co-owners)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import error_responses
from api.serializers.matches import MatchDismissalSerializer, MatchSerializer
from matching.queries import matches_for_listing
from matching.services import match_dismiss

MATCH_ACTIONS_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Decided by matching (owners and co-owners), not by the listing's change permission.
    "matches": (),
    "dismiss_match": (),
}


class ListingMatchesMixin:
    """``GET listings/{id}/matches/`` and ``POST listings/{id}/matches/{target}/dismiss/``."""

    @extend_schema(
        summary="The listing's best matches, best first (its owners and co-owners)",
        description="At most MATCH_LIMIT (20) matches among listings you may see; dismissed "
        "ones are left out. `403` for anyone else who can see the listing.",
        responses={200: MatchSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def matches(self, request: Request, pk: str | None = None) -> Response:
        listing = self.get_object()  # type: ignore[attr-defined]
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        found = matches_for_listing(request.user, listing)
        if found is None:
            raise exceptions.PermissionDenied("Matches are shown to the listing's owners only.")
        context = self.get_serializer_context()  # type: ignore[attr-defined]
        return Response(MatchSerializer(found, many=True, context=context).data)

    @extend_schema(
        summary="Dismiss a match for good (its owners and co-owners)",
        request=None,
        parameters=[OpenApiParameter("target_id", int, OpenApiParameter.PATH)],
        responses={200: MatchDismissalSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"matches/(?P<target_id>\d+)/dismiss",
        url_name="match-dismiss",
    )
    def dismiss_match(
        self, request: Request, pk: str | None = None, target_id: str = ""
    ) -> Response:
        listing = self.get_object()  # type: ignore[attr-defined]
        dismissal = match_dismiss(
            actor=self.actor,  # type: ignore[attr-defined]
            source=listing,
            target_id=int(target_id),
        )
        return Response(MatchDismissalSerializer(dismissal).data, status=status.HTTP_200_OK)
