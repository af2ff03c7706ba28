"""Personal calendar feed tokens: create, rotate, revoke, and resolve a feed URL's secret."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from events.models import CalendarToken
from exchange.exceptions import InvalidTransition
from exchange.models import User

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 256 bits, 43 URL-safe characters
TOUCH_EVERY = timedelta(minutes=10)  # calendar apps poll; record use without a write per poll


def calendar_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _active(user: User) -> CalendarToken | None:
    # FOR UPDATE: two tabs rotating at once must not both think they replaced the old token.
    return (
        CalendarToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
    )


def _new(user: User, now: datetime) -> tuple[CalendarToken, str]:
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = CalendarToken(user=user, token_hash=calendar_token_hash(raw), created_at=now)
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def calendar_token_create(*, actor: User, now: datetime | None = None) -> tuple[CalendarToken, str]:
    """Start a personal feed. Returns the row and the raw secret, shown only once.

    Refused when the person already has an active feed (rotate it instead). Side effect:
    one CalendarToken row holding the SHA-256 of the secret, never the secret.
    """
    now = now or timezone.now()
    if _active(actor) is not None:
        raise InvalidTransition("You already have a calendar feed. Rotate it for a new address.")
    return _new(actor, now)


@transaction.atomic
def calendar_token_rotate(*, actor: User, now: datetime | None = None) -> tuple[CalendarToken, str]:
    """Replace the person's feed address: the old one stops working at once (404).

    Side effects: the active token (if any) is revoked; a new one is created and returned
    with its raw secret, shown only once.
    """
    now = now or timezone.now()
    old = _active(actor)
    if old is not None:
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    return _new(actor, now)


@transaction.atomic
def calendar_token_revoke(*, actor: User, now: datetime | None = None) -> int:
    """Stop the person's feed. Returns how many tokens were revoked (0 or 1).

    Side effect: the active token's ``revoked_at`` is set; its URL answers 404 from now on.
    """
    now = now or timezone.now()
    return CalendarToken.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=now)


@transaction.atomic
def calendar_token_use(*, raw: str, now: datetime | None = None) -> User | None:
    """The owner of an active feed secret, or None (unknown, revoked, or owner inactive).

    Side effect: ``last_used_at`` recorded, at most every ten minutes.
    """
    if not raw or len(raw) > 200:
        return None
    now = now or timezone.now()
    token = (
        CalendarToken.objects.select_related("user")
        .filter(token_hash=calendar_token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
