"""Pilot requests: a council or third-sector group asks a supplier to pilot an offer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from exchange.models import Organisation
from listings.models.interests import RequestResponse
from listings.models.listing import Listing
from listings.workflow_enums import DeclineReason, PilotOutcome, PilotStatus


class PilotRequest(models.Model):
    """The pilot of an offer (or of an idea proposed in a response), between two organisations.

    States: requested → accepted / declined / withdrawn; accepted → active / cancelled;
    active → completed / cancelled (see ``listings.workflows.pilots.PILOT_ACTIONS``).
    """

    offer = models.ForeignKey(
        Listing, on_delete=models.PROTECT, null=True, blank=True, related_name="pilot_requests"
    )
    response = models.ForeignKey(
        RequestResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="pilots"
    )
    origin_request = models.ForeignKey(
        Listing,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilots_from_request",
        help_text="The request this pilot answers, when it came from a response.",
    )
    requester = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pilots_requested"
    )
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pilots_received"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    scope = models.TextField(max_length=5000)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    budget_pence = models.PositiveIntegerField(default=0, help_text="May be zero.")
    success_criteria = models.TextField(max_length=5000)
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=10, choices=PilotStatus.choices, default=PilotStatus.REQUESTED
    )
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(max_length=2000, blank=True)
    outcome = models.CharField(max_length=12, choices=PilotOutcome.choices, blank=True)
    report = models.TextField(max_length=10000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("answer_pilotrequest", "Can accept or decline the pilot request (supplier)"),
            ("run_pilotrequest", "Can withdraw, start and complete the pilot (requester)"),
            ("cancel_pilotrequest", "Can cancel an accepted or active pilot"),
            ("message_pilotrequest", "Can write in the pilot's message thread"),
        ]
        indexes = [
            models.Index(fields=["requester", "status"], name="pilot_requester_status"),
            models.Index(fields=["supplier", "status"], name="pilot_supplier_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PilotStatus.values), name="pilot_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("supplier")),
                name="pilot_two_organisations",
            ),
            models.CheckConstraint(
                condition=models.Q(offer__isnull=False) | models.Q(response__isnull=False),
                name="pilot_has_offer_or_response",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="pilot_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="pilot_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | ~models.Q(outcome=""),
                name="pilot_completed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilot-detail", kwargs={"pk": self.pk})


class PilotTransition(models.Model):
    """Every state change of a pilot: who, when, from, to, and why."""

    pilot = models.ForeignKey(PilotRequest, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=PilotStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=PilotStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=10000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.pilot_id}: {self.from_status or '—'} → {self.to_status}"


class PilotMessage(models.Model):
    """The thread both sides of a pilot see."""

    pilot = models.ForeignKey(PilotRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class PilotRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PilotRequest, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class PilotRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(PilotRequest, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass
