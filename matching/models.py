from __future__ import annotations

from django.conf import settings
from django.db import models

from listings.models import Listing


class Match(models.Model):
    """``target`` answers ``source`` this well, for these reasons. Recomputed, never edited.

    Each listing keeps its best matches (``MATCH_LIMIT``); the reverse pair is stored too when
    it is among the target's best, with reasons written for the target's owner.
    """

    source = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="matches")
    target = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="matched_by")
    score = models.FloatField(help_text="0 to 1.")
    reasons = models.JSONField(default=list, help_text="Sentences explaining the score.")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "matches"
        ordering = ["source", "-score", "-target_id"]
        indexes = [models.Index(fields=["source", "-score"], name="match_best_first")]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="match_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="match_not_itself"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=1),
                name="match_score_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.score:.2f})"


class MatchDismissal(models.Model):
    """An owner said ``target`` is not relevant to ``source``: it stays hidden for good."""

    source = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-dismissed_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="match_dismissal_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="match_dismissal_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} ✕ {self.target_id}"


class MatchNotice(models.Model):
    """The owners of ``source`` were told about ``target`` (or it was known at a backfill).

    Kept when matches are recomputed or deleted, so a pair is announced at most once, ever.
    """

    source = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    noticed_at = models.DateTimeField(auto_now_add=True)
    notified = models.BooleanField(
        default=True, help_text="False when recorded silently (a backfill without notifications)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="match_notice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} ! {self.target_id}"
