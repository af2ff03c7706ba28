"""``Idempotency-Key`` for every unsafe API request.

The first response for a key (per caller: API token, else signed-in user, else IP) is stored
for 24 hours and replayed to retries with the same request; the same key with a different
request answers 422; a retry that arrives while the first is still running answers 409
(a unique row is claimed before the view runs, so two requests with one key never both
execute). Server errors are not stored, so they can be retried.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from api.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LIFETIME = timedelta(hours=24)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message}}, status=status
    )


def _scope(request: HttpRequest) -> str:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + request.META.get("REMOTE_ADDR", "")


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def purge_expired(*, now: object = None) -> int:
    cutoff = (now or timezone.now()) - LIFETIME  # type: ignore[operator]
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if key is None or request.method not in UNSAFE or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not (1 <= len(key) <= 255) or not key.isprintable():
            return _error(
                400,
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 printable characters.",
            )
        scope, fingerprint = _scope(request), _fingerprint(request)
        claimed = self._claim(scope, key, fingerprint)
        if isinstance(claimed, HttpResponse):
            return claimed
        try:
            response = self.get_response(request)
        except Exception:
            claimed.delete()
            raise
        if response.status_code >= 500 or response.streaming:
            claimed.delete()
            return response
        claimed.status_code = response.status_code
        claimed.content_type = response.get("Content-Type", "")
        claimed.body = response.content
        claimed.save(update_fields=["status_code", "content_type", "body"])
        return response

    def _claim(self, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | HttpResponse:
        for _ in range(2):
            try:
                with transaction.atomic():
                    return IdempotencyRecord.objects.create(
                        scope=scope, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
                if existing is None:
                    continue  # finished and removed in between: claim again
                if existing.created_at < timezone.now() - LIFETIME:
                    existing.delete()
                    continue
                return self._answer_retry(existing, fingerprint)
        return _error(409, "idempotency_key_in_progress", "Retry in a moment.")

    def _answer_retry(self, record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
        if record.fingerprint != fingerprint:
            return _error(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used with a different request.",
            )
        if record.status_code is None:
            response = _error(
                409,
                "idempotency_key_in_progress",
                "A request with this Idempotency-Key is still being processed.",
            )
            response["Retry-After"] = "1"
            return response
        replay = HttpResponse(
            bytes(record.body),
            status=record.status_code,
            content_type=record.content_type or "application/json",
        )
        replay["Idempotent-Replayed"] = "true"
        return replay
