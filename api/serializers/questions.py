"""Public Q&A and follows as the API reads and writes them.

An anonymous question never names its asker to the public: ``asker`` is null for everyone but
the asker, and ``organisation`` is null for everyone but the asker and the owners of what
was asked about (``viewer_manages``, annotated by ``listings.queries.questions_for_api``).
The text of a declined question is shown to the owners and the asker only.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.demand import ListingRefSerializer, listing_field, organisation_field
from api.serializers.organisations import OrganisationSummarySerializer
from api.serializers.workflow_fields import (
    QuestionDeclineReasonField,
    QuestionDeclineReasonOrBlankField,
    QuestionStatusField,
)
from listings.models import Answer, CaseStudy, Follow, Question
from listings.workflow_enums import QuestionStatus


class CaseStudyRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:case-study-detail")

    class Meta:
        model = CaseStudy
        fields = ["id", "url", "title"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "organisation", "body", "created_at"]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer):
    listing = ListingRefSerializer(read_only=True, allow_null=True)
    case_study = CaseStudyRefSerializer(read_only=True, allow_null=True)
    text = serializers.SerializerMethodField()
    asker = serializers.SerializerMethodField(help_text="The asker's name; null if anonymous.")
    organisation = serializers.SerializerMethodField(
        help_text="The asker's organisation; null for the public when anonymous."
    )
    answers = AnswerSerializer(many=True, read_only=True)
    status = QuestionStatusField(read_only=True)
    decline_reason = QuestionDeclineReasonOrBlankField(read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "listing",
            "case_study",
            "text",
            "anonymous",
            "asker",
            "organisation",
            "status",
            "decline_reason",
            "status_note",
            "answers",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def _is_asker(self, question: Question) -> bool:
        user = getattr(self.context.get("request"), "user", None)
        return bool(user and user.is_authenticated and question.asker_id == user.pk)

    def _manager(self, question: Question) -> bool:
        return bool(getattr(question, "viewer_manages", False))

    def get_text(self, question: Question) -> str | None:
        if question.status != QuestionStatus.DECLINED:
            return question.text
        return question.text if self._manager(question) or self._is_asker(question) else None

    def get_asker(self, question: Question) -> str | None:
        if question.asker is None or (question.anonymous and not self._is_asker(question)):
            return None
        return question.asker.display_name

    def get_organisation(self, question: Question) -> dict[str, Any] | None:
        if question.organisation is None:
            return None
        if question.anonymous and not (self._manager(question) or self._is_asker(question)):
            return None
        return dict(OrganisationSummarySerializer(question.organisation).data)


class QuestionCreateSerializer(serializers.Serializer):
    listing = listing_field(required=False, allow_null=True, default=None)
    case_study = serializers.PrimaryKeyRelatedField(
        queryset=CaseStudy.objects.all(), required=False, allow_null=True, default=None
    )
    text = serializers.CharField(max_length=2000)
    organisation = organisation_field(
        required=False, allow_null=True, default=None, help_text="Asking for this organisation."
    )
    anonymous = serializers.BooleanField(
        default=False, help_text="Hide who asked from the public (the owners see the organisation)."
    )


class AnswerCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class AnsweredElsewhereSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="Where it was answered.")


class QuestionDeclineSerializer(serializers.Serializer):
    reason = QuestionDeclineReasonField()
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class FollowSerializer(serializers.ModelSerializer):
    listing = ListingRefSerializer(read_only=True, allow_null=True)
    organisation = OrganisationSummarySerializer(read_only=True)
    case_study = CaseStudyRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Follow
        fields = ["id", "listing", "organisation", "case_study", "created_at"]
        read_only_fields = fields


class FollowCreateSerializer(serializers.Serializer):
    """Exactly one of the three."""

    listing = listing_field(required=False, allow_null=True, default=None)
    organisation = organisation_field(required=False, allow_null=True, default=None)
    case_study = serializers.PrimaryKeyRelatedField(
        queryset=CaseStudy.objects.all(), required=False, allow_null=True, default=None
    )
