"""Case studies: finished pilots and nominated "shining lights" others can replicate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from exchange.enums import Region
from exchange.models import Need, Organisation, Tag
from listings.models.pilots import PilotRequest
from listings.workflow_enums import CaseStudyOrigin, CaseStudyStatus, PilotOutcome


class CaseStudy(models.Model):
    """What was tried, what worked and what didn't, and a recipe to do it again.

    ``organisation`` is the organisation the story is about: it publishes (for a nomination,
    publishing is its consent). ``partner`` is the supplier of a pilot.
    """

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=180)
    origin = models.CharField(max_length=10, choices=CaseStudyOrigin.choices)
    status = models.CharField(
        max_length=16, choices=CaseStudyStatus.choices, default=CaseStudyStatus.DRAFT
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="case_studies"
    )
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_studies_as_partner",
    )
    pilot = models.OneToOneField(
        PilotRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_study",
    )
    summary = models.CharField(max_length=400)
    what_tried = models.TextField("what was tried", max_length=10000)
    what_worked = models.TextField(max_length=10000, blank=True)
    what_didnt = models.TextField("what didn't work", max_length=10000, blank=True)
    costs = models.TextField(max_length=5000, blank=True)
    cost_pence = models.PositiveIntegerField(null=True, blank=True)
    recipe = models.JSONField(default=list, blank=True, help_text="Replication steps, in order.")
    links = models.JSONField(default=list, blank=True, help_text="Web links (URLs).")
    video_url = models.URLField(blank=True)
    outcome = models.CharField(max_length=12, choices=PilotOutcome.choices, blank=True)
    region = models.CharField(max_length=20, choices=Region.choices, default=Region.NATIONAL)
    tags = models.ManyToManyField(Tag, blank=True, related_name="case_studies")
    needs = models.ManyToManyField(Need, blank=True, related_name="case_studies")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    nomination_note = models.TextField(
        max_length=2000, blank=True, help_text="Why the nominator thinks this shines."
    )
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name_plural = "case studies"
        permissions = [
            ("publish_casestudy", "Can publish the case study (the featured organisation)")
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="casestudy_browse"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(origin__in=CaseStudyOrigin.values),
                name="casestudy_origin_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStudyStatus.values),
                name="casestudy_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(origin="pilot") | models.Q(pilot__isnull=False),
                name="casestudy_pilot_origin_has_pilot",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="casestudy_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("case-study-detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == CaseStudyStatus.PUBLISHED


class CaseStudyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(CaseStudy, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class CaseStudyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CaseStudy, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass
