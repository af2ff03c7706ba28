"""Case studies and "shining light" nominations (published only with consent)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters.workflows import CaseStudyFilterSet
from api.permissions import ObjectPermissions
from api.schema import error_responses
from api.serializers.case_studies import (
    CaseStudySerializer,
    CaseStudyUpdateSerializer,
    ConsentDeclineSerializer,
    NominationSerializer,
    ReplicateSerializer,
)
from api.serializers.listings import ListingSerializer
from api.viewsets.workflow_base import WorkflowViewSet
from listings import workflows
from listings.models import CaseStudy
from listings.permissions import CASE_STUDY_CHANGE, CASE_STUDY_PUBLISH
from listings.queries import case_studies_visible_to, listings_for_api

_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema(tags=["case studies"])
@extend_schema_view(
    list=extend_schema(
        summary="Case studies you can see",
        description="Published case studies for everyone; drafts and nominations awaiting "
        "consent for the organisations concerned and the nominator. `q`, `need`, `need_area` "
        "and `tag` search published case studies.",
    ),
    retrieve=extend_schema(
        summary="One case study", responses={200: CaseStudySerializer, **error_responses(404)}
    ),
    create=extend_schema(
        summary="Nominate a “shining light” (the named organisation must consent)",
        request=NominationSerializer,
        responses={201: CaseStudySerializer, **error_responses(400, 401)},
    ),
    partial_update=extend_schema(
        summary="Edit a case study (its organisations)",
        request=CaseStudyUpdateSerializer,
        responses={200: CaseStudySerializer, **_WRITE_ERRORS},
    ),
)
class CaseStudyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    WorkflowViewSet,
):
    """What worked where, and a recipe to do it again."""

    serializer_class = CaseStudySerializer
    permission_classes = [ObjectPermissions]
    object_permissions = {
        "partial_update": (CASE_STUDY_CHANGE,),
        "publish": (CASE_STUDY_PUBLISH,),
        "decline": (CASE_STUDY_PUBLISH,),
        "withdraw": (),  # the nominator; checked by the service
        "replicate": (),  # anyone who can see it, for their own organisation
    }
    write_serializers = {
        "create": NominationSerializer,
        "partial_update": CaseStudyUpdateSerializer,
        "decline": ConsentDeclineSerializer,
        "replicate": ReplicateSerializer,
    }
    filterset_class = CaseStudyFilterSet
    ordering_fields = ["published_at", "created_at", "updated_at", "title", "id"]
    modified_fields = ("updated_at",)
    ordering = ["-published_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[CaseStudy]:
        return case_studies_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = NominationSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        nomination = workflows.case_study_nominate(
            actor=self.actor, **serializer.service_arguments()
        )
        return self.represent(nomination, created=True)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case_study = self.get_object()
        serializer = CaseStudyUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return self.represent(
            workflows.case_study_update(
                actor=self.actor, case_study=case_study, **serializer.service_arguments()
            )
        )

    @extend_schema(
        summary="Publish (for a nomination: the named organisation's consent)",
        request=None,
        responses={200: CaseStudySerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self.represent(
            workflows.case_study_publish(actor=self.actor, case_study=self.get_object())
        )

    @extend_schema(
        summary="Refuse consent to publish a nomination",
        request=ConsentDeclineSerializer,
        responses={200: CaseStudySerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        case_study = self.get_object()
        data = self.validated(ConsentDeclineSerializer)
        return self.represent(
            workflows.case_study_decline(actor=self.actor, case_study=case_study, **data)
        )

    @extend_schema(
        summary="Withdraw your nomination",
        request=None,
        responses={200: CaseStudySerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self.represent(
            workflows.case_study_withdraw(actor=self.actor, case_study=self.get_object())
        )

    @extend_schema(
        summary="Replicate this: a draft request for your organisation",
        request=ReplicateSerializer,
        responses={201: ListingSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def replicate(self, request: Request, pk: str | None = None) -> Response:
        case_study = self.get_object()
        data = self.validated(ReplicateSerializer)
        listing = workflows.case_study_replicate(actor=self.actor, case_study=case_study, **data)
        fresh = listings_for_api(request.user).get(pk=listing.pk)
        return Response(
            ListingSerializer(fresh, context=self.get_serializer_context()).data, status=201
        )
