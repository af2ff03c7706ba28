from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from exchange.enums import Region
from exchange.models import Need, Organisation, Tag
from listings.enums import AlertFrequency, ListingKind, ListingStatus, PriceModel, Visibility


class Listing(models.Model):
    """An idea, request, product or service pitched by an organisation."""

    kind = models.CharField(max_length=10, choices=ListingKind.choices)
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=180)
    summary = models.CharField(max_length=400)
    body = models.TextField(blank=True, help_text="Markdown. Rendered sanitised.")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="listings"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="listings"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="listings")
    needs = models.ManyToManyField(Need, blank=True, related_name="listings")
    price_model = models.CharField(
        max_length=20, choices=PriceModel.choices, default=PriceModel.FREE
    )
    price_pence = models.PositiveIntegerField(
        null=True, blank=True, help_text="Amount in pence for fixed / from / per-user prices."
    )
    budget_pence = models.PositiveIntegerField(
        null=True, blank=True, help_text="Requests only: the budget available, in pence."
    )
    region = models.CharField(max_length=20, choices=Region.choices, default=Region.NATIONAL)
    status = models.CharField(
        max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    shared_with = models.ManyToManyField(
        Organisation, blank=True, related_name="listings_shared_with_us"
    )
    video_url = models.URLField(blank=True)
    website_url = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Organisations that registered interest ("we need this too" on a request): kept in step
    # with F() by the interest services so search results show the demand signal for free.
    interest_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_listing", "Can publish, close and archive the listing")]
        indexes = [
            models.Index(fields=["status", "visibility", "-published_at"], name="listing_browse"),
            models.Index(fields=["organisation", "status"], name="listing_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ListingKind.values), name="listing_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ListingStatus.values), name="listing_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="listing_visibility_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        price_model__in=["fixed", "from", "per_user_per_year"],
                        price_pence__isnull=False,
                    )
                    | models.Q(price_model__in=["free", "quote"], price_pence__isnull=True)
                ),
                name="listing_price_matches_model",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="request") | models.Q(budget_pence__isnull=True),
                name="listing_budget_only_on_requests",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="listing_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("listing-detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_offer(self) -> bool:
        return self.kind != ListingKind.REQUEST

    @property
    def is_free(self) -> bool:
        return self.price_model == PriceModel.FREE


class ListingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Listing, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class ListingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Listing, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass


class SavedSearch(models.Model):
    """A person's named search, emailed as a digest of new matches at a chosen frequency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=120)
    query = models.CharField(
        max_length=1000, blank=True, help_text="The canonical query string of the search."
    )
    frequency = models.CharField(
        max_length=10, choices=AlertFrequency.choices, default=AlertFrequency.DAILY
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Listings published after this moment are "new" for the next alert.
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="savedsearch_unique_name"),
            models.CheckConstraint(
                condition=models.Q(frequency__in=AlertFrequency.values),
                name="savedsearch_frequency_valid",
            ),
        ]
        indexes = [models.Index(fields=["frequency", "last_sent_at"], name="savedsearch_due")]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    def get_absolute_url(self) -> str:
        return reverse("listing-browse") + (f"?{self.query}" if self.query else "")
