"""Demand pooling: interest / "we need this too", co-owners of a request, responses to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from exchange.models import Organisation
from listings.enums import ListingKind
from listings.models.listing import Listing
from listings.workflow_enums import (
    LIVE_CO_OWNER_STATUSES,
    CoOwnerStatus,
    DeclineReason,
    ResponseStatus,
)


class Interest(models.Model):
    """An organisation is interested in an offer, or needs a request "too".

    ``anonymous``: counted, but named only to the listing's owners (never for public bodies).
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="interests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    anonymous = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "organisation"], name="interest_one_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.listing}"

    @property
    def label(self) -> str:
        return "We need this too" if self.listing.kind == ListingKind.REQUEST else "Interested"


class CoOwner(models.Model):
    """An organisation invited into a request's joint commissioning group.

    Accepted co-owners hold the listing's change permission through their member group.
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="co_owners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="co_ownerships"
    )
    status = models.CharField(
        max_length=10, choices=CoOwnerStatus.choices, default=CoOwnerStatus.INVITED
    )
    message = models.CharField(max_length=500, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "organisation"],
                condition=models.Q(status__in=LIVE_CO_OWNER_STATUSES),
                name="coowner_one_live_per_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CoOwnerStatus.values), name="coowner_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} co-owns {self.listing} ({self.status})"


class RequestResponse(models.Model):
    """An organisation answers a request: one of its listings, or an idea written on the spot."""

    request = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="request_responses"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_listing = models.ForeignKey(
        Listing,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_in_responses",
    )
    idea_title = models.CharField(max_length=160, blank=True)
    idea_summary = models.TextField(max_length=2000, blank=True)
    pitch = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.SUBMITTED
    )
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(proposed_listing__isnull=False, idea_title="")
                    | (models.Q(proposed_listing__isnull=True) & ~models.Q(idea_title=""))
                ),
                name="response_listing_or_idea",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ResponseStatus.values), name="response_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="response_declined_has_reason",
            ),
            models.UniqueConstraint(
                fields=["request", "proposed_listing"],
                condition=models.Q(proposed_listing__isnull=False) & ~models.Q(status="withdrawn"),
                name="response_listing_proposed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.request}"

    def get_absolute_url(self) -> str:
        return f"{self.request.get_absolute_url()}#response-{self.pk}"

    @property
    def title(self) -> str:
        return self.proposed_listing.title if self.proposed_listing else self.idea_title
