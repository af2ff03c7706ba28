"""Named shortlists shared within an organisation, with an audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from exchange.models import Organisation
from listings.models.listing import Listing
from listings.workflow_enums import ShortlistAction, ShortlistStatus


class Shortlist(models.Model):
    """Listings an organisation is weighing up, closed by an outcome with a reason."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="shortlists"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=15, choices=ShortlistStatus.choices, default=ShortlistStatus.OPEN
    )
    chosen_listing = models.ForeignKey(
        Listing, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_reason = models.TextField(max_length=2000, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="shortlist_unique_name_in_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ShortlistStatus.values),
                name="shortlist_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="chosen", chosen_listing__isnull=False)
                | (~models.Q(status="chosen") & models.Q(chosen_listing__isnull=True)),
                name="shortlist_chosen_names_listing",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(outcome_reason=""),
                name="shortlist_outcome_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shortlist-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == ShortlistStatus.OPEN


class ShortlistItem(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="items")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(max_length=2000, blank=True)
    position = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "listing"], name="shortlistitem_listing_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shortlist}: {self.listing_id}"


class ShortlistEvent(models.Model):
    """The audit trail: who did what to a shortlist, and when."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=15, choices=ShortlistAction.choices)
    listing = models.ForeignKey(
        Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.shortlist}: {self.action}"


class ShortlistUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Shortlist, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class ShortlistGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Shortlist, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass
