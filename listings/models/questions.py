"""Public Q&A on listings and case studies, and follows."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from exchange.models import Organisation
from listings.models.listing import Listing
from listings.workflow_enums import QuestionDeclineReason, QuestionStatus


class Question(models.Model):
    """A public question on a listing or a case study (exactly one).

    ``anonymous``: the public never learns who asked; the owners still see the organisation.
    """

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, null=True, blank=True, related_name="questions"
    )
    case_study = models.ForeignKey(
        "listings.CaseStudy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions_asked",
        help_text="The organisation the asker asked for, if any.",
    )
    anonymous = models.BooleanField(default=False)
    text = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    decline_reason = models.CharField(
        max_length=20, choices=QuestionDeclineReason.choices, blank=True
    )
    status_note = models.TextField(
        max_length=2000,
        blank=True,
        help_text="Where it was answered, or why it was declined.",
    )
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(listing__isnull=False, case_study__isnull=True)
                    | models.Q(listing__isnull=True, case_study__isnull=False)
                ),
                name="question_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="question_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="answered_elsewhere") | ~models.Q(status_note=""),
                name="question_elsewhere_says_where",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return f"{self.target.get_absolute_url()}#question-{self.pk}"  # type: ignore[attr-defined]

    @property
    def target(self) -> models.Model:
        return self.listing or self.case_study  # type: ignore[return-value]


class Answer(models.Model):
    """The owning organisation's public answer to a question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Follow(models.Model):
    """A person follows a listing, an organisation or a case study (exactly one)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    case_study = models.ForeignKey(
        "listings.CaseStudy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(listing__isnull=False, organisation__isnull=True)
                    & models.Q(case_study__isnull=True)
                )
                | (
                    models.Q(listing__isnull=True, organisation__isnull=False)
                    & models.Q(case_study__isnull=True)
                )
                | (
                    models.Q(listing__isnull=True, organisation__isnull=True)
                    & models.Q(case_study__isnull=False)
                ),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "listing"],
                condition=models.Q(listing__isnull=False),
                name="follow_listing_once",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="follow_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["user", "case_study"],
                condition=models.Q(case_study__isnull=False),
                name="follow_case_study_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.target}"

    @property
    def target(self) -> models.Model:
        return self.listing or self.organisation or self.case_study  # type: ignore[return-value]
