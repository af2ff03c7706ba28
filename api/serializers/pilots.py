"""Pilot requests, their transitions and message thread. Money in pence."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.demand import ListingRefSerializer, listing_field, organisation_field
from api.serializers.organisations import OrganisationSummarySerializer
from api.serializers.workflow_fields import (
    DeclineReasonField,
    DeclineReasonOrBlankField,
    PilotOutcomeField,
    PilotOutcomeOrBlankField,
    PilotStatusField,
    PilotStatusOrBlankField,
)
from listings.models import PilotMessage, PilotRequest, PilotTransition
from listings.workflows import PILOT_ACTIONS


class PilotTransitionSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)
    actor = serializers.SerializerMethodField()
    from_status = PilotStatusOrBlankField(read_only=True, help_text="Empty for the creation.")
    to_status = PilotStatusField(read_only=True)

    class Meta:
        model = PilotTransition
        fields = ["from_status", "to_status", "organisation", "actor", "note", "created_at"]
        read_only_fields = fields

    def get_actor(self, transition: PilotTransition) -> str | None:
        return transition.actor.display_name if transition.actor else None


class PilotSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:pilot-detail")
    offer = ListingRefSerializer(read_only=True)
    origin_request = ListingRefSerializer(read_only=True)
    requester = OrganisationSummarySerializer(read_only=True)
    supplier = OrganisationSummarySerializer(read_only=True)
    transitions = PilotTransitionSerializer(many=True, read_only=True)
    status = PilotStatusField(read_only=True)
    decline_reason = DeclineReasonOrBlankField(read_only=True)
    outcome = PilotOutcomeOrBlankField(read_only=True)
    actions = serializers.SerializerMethodField(
        help_text="The transitions you may make now: POST /pilots/{id}/{action}/."
    )

    class Meta:
        model = PilotRequest
        fields = [
            "id",
            "url",
            "title",
            "offer",
            "origin_request",
            "response",
            "requester",
            "supplier",
            "status",
            "scope",
            "starts_on",
            "ends_on",
            "budget_pence",
            "success_criteria",
            "contact_name",
            "contact_email",
            "contact_phone",
            "decline_reason",
            "decline_note",
            "outcome",
            "report",
            "actions",
            "transitions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_actions(self, pilot: PilotRequest) -> list[str]:
        checker = self.context.get("permission_checker")
        if checker is None:
            return []
        return [
            name
            for name, action in PILOT_ACTIONS.items()
            if pilot.status in action.sources and checker.has_perm(action.perm, pilot)
        ]


class PilotFieldsSerializer(serializers.Serializer):
    scope = serializers.CharField(max_length=5000)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    budget_pence = serializers.IntegerField(min_value=0, default=0)
    success_criteria = serializers.CharField(max_length=5000)
    contact_name = serializers.CharField(max_length=150)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )
    requester = organisation_field(
        help_text="Slug of your council or third-sector organisation asking for the pilot."
    )


class PilotCreateSerializer(PilotFieldsSerializer):
    offer = listing_field(help_text="A published idea, product or service.")
    title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class PilotNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class PilotDeclineSerializer(serializers.Serializer):
    reason = DeclineReasonField()
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class PilotCompleteSerializer(serializers.Serializer):
    outcome = PilotOutcomeField()
    report = serializers.CharField(max_length=10000)


class PilotCancelSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="Why the pilot is cancelled.")


class PilotMessageSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)
    author = serializers.SerializerMethodField()

    class Meta:
        model = PilotMessage
        fields = ["id", "organisation", "author", "body", "created_at"]
        read_only_fields = fields

    def get_author(self, message: PilotMessage) -> str | None:
        return message.author.display_name if message.author else None


class PilotMessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)
