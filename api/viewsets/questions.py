"""Public Q&A on listings and case studies, and follows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters.workflows import QuestionFilterSet
from api.schema import error_responses
from api.serializers.questions import (
    AnswerCreateSerializer,
    AnsweredElsewhereSerializer,
    FollowCreateSerializer,
    FollowSerializer,
    QuestionCreateSerializer,
    QuestionDeclineSerializer,
    QuestionSerializer,
)
from api.viewsets.workflow_base import WorkflowViewSet
from listings import workflows
from listings.models import Follow, Question
from listings.queries import follows_of, questions_for_api

_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema(tags=["questions"])
@extend_schema_view(
    list=extend_schema(
        summary="Public questions and answers on listings and case studies you can see",
        description="Anonymous questions never name the asker; their organisation is shown "
        "only to the owners of the listing or case study.",
    ),
    retrieve=extend_schema(
        summary="One question", responses={200: QuestionSerializer, **error_responses(404)}
    ),
    create=extend_schema(
        summary="Ask a public question",
        request=QuestionCreateSerializer,
        responses={201: QuestionSerializer, **_WRITE_ERRORS},
    ),
)
class QuestionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, WorkflowViewSet
):
    """Clarification Q&A, like an online hot-seat: nothing disappears silently."""

    serializer_class = QuestionSerializer
    write_serializers = {
        "create": QuestionCreateSerializer,
        "answer": AnswerCreateSerializer,
        "answered_elsewhere": AnsweredElsewhereSerializer,
        "decline": QuestionDeclineSerializer,
    }
    filterset_class = QuestionFilterSet
    ordering_fields = ["created_at", "id"]
    # No updated_at: a question changes when it is answered (again), declined or answered
    # elsewhere.
    modified_fields = ("created_at", "closed_at", "answers__created_at")
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[Question]:
        return questions_for_api(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        question = workflows.question_ask(
            actor=self.actor, **self.validated(QuestionCreateSerializer)
        )
        return self.represent(question, created=True)

    @extend_schema(
        summary="Answer publicly (the owning organisation)",
        request=AnswerCreateSerializer,
        responses={200: QuestionSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        question = self.get_object()
        workflows.question_answer(
            actor=self.actor, question=question, **self.validated(AnswerCreateSerializer)
        )
        return self.represent(question)

    @extend_schema(
        summary="Mark answered elsewhere, saying where",
        request=AnsweredElsewhereSerializer,
        responses={200: QuestionSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="answered-elsewhere")
    def answered_elsewhere(self, request: Request, pk: str | None = None) -> Response:
        question = self.get_object()
        workflows.question_mark_answered_elsewhere(
            actor=self.actor, question=question, **self.validated(AnsweredElsewhereSerializer)
        )
        return self.represent(question)

    @extend_schema(
        summary="Decline with a reason (the asker is told)",
        request=QuestionDeclineSerializer,
        responses={200: QuestionSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        question = self.get_object()
        workflows.question_decline(
            actor=self.actor, question=question, **self.validated(QuestionDeclineSerializer)
        )
        return self.represent(question)


@extend_schema(tags=["follows"])
@extend_schema_view(
    list=extend_schema(summary="What you follow"),
    retrieve=extend_schema(
        summary="One follow", responses={200: FollowSerializer, **error_responses(401, 404)}
    ),
    create=extend_schema(
        summary="Follow a listing, an organisation or a case study (idempotent)",
        request=FollowCreateSerializer,
        responses={201: FollowSerializer, **error_responses(400, 401, 403)},
    ),
    destroy=extend_schema(summary="Unfollow", responses={204: None, **error_responses(401, 404)}),
)
class FollowViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    WorkflowViewSet,
):
    """Your follows only. Followers are told of new answers, status changes and case studies."""

    serializer_class = FollowSerializer
    write_serializers = {"create": FollowCreateSerializer}
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = None
    ordering_fields = ["created_at", "id"]
    modified_fields = ("created_at",)  # a follow is created or deleted, never edited
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Follow]:
        return follows_of(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        follow = workflows.follow_create(actor=self.actor, **self.validated(FollowCreateSerializer))
        return self.represent(follow, created=True)

    def perform_destroy(self, instance: Follow) -> None:
        workflows.follow_delete(actor=self.actor, follow=instance)
