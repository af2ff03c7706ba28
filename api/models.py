from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to an ``Idempotency-Key``, replayed to retries for 24 hours.

    A row with no ``status_code`` is a request still running: a concurrent retry with the
    same key is told so (409) instead of executing twice.
    """

    scope = models.CharField(max_length=100, help_text="Who sent it: a token, user or IP.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} → {self.status_code}"
