"""The notification centre: one service every capability uses to tell people things.

``notify`` stores an in-app notification per recipient and, by each person's preference for
that kind, emails it at once (after commit), leaves it for the daily digest, or never emails
it. ``send_digests`` gathers everything still waiting into one email per person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from exchange.enums import ALWAYS_IMMEDIATE_KINDS, Delivery, NotificationKind
from exchange.exceptions import ValidationError
from exchange.models import Notification, NotificationPreference, User
from exchange.outbox import outbox_task


def delivery_for(user: User, kind: str) -> str:
    """The person's email delivery choice for ``kind`` (digest when never chosen)."""
    if kind in ALWAYS_IMMEDIATE_KINDS:
        return Delivery.IMMEDIATE
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return pref.delivery if pref else Delivery.DIGEST


def preferences_for(user: User) -> dict[str, str]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.DIGEST) for kind in NotificationKind.values}


@transaction.atomic
def notification_preferences_set(*, actor: User, choices: dict[str, str]) -> dict[str, str]:
    """Save the person's delivery choice per kind. Unknown kinds or choices are refused."""
    for kind, delivery in choices.items():
        if kind not in NotificationKind.values or delivery not in Delivery.values:
            raise ValidationError(f"Unknown notification kind or delivery: {kind}={delivery}.")
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"delivery": delivery}
        )
    return preferences_for(actor)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    text: str,
    link: str = "",
    target: models.Model | None = None,
    exclude: Iterable[User] = (),
) -> list[Notification]:
    """Notify each recipient once (duplicates and ``exclude`` dropped).

    Side effects: one Notification row per recipient; immediate emails through the outbox.
    """
    excluded = {u.pk for u in exclude}
    unique: dict[int, User] = {}
    for user in recipients:
        if user.pk not in excluded and user.is_active:
            unique.setdefault(user.pk, user)
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    created: list[Notification] = []
    for user in unique.values():
        delivery = delivery_for(user, kind)
        notification = Notification.objects.create(
            recipient=user,
            kind=kind,
            text=text[:300],
            link=link,
            target_type=target_type,
            target_id=str(target.pk) if target is not None else "",
            email_skipped=delivery == Delivery.NEVER,
        )
        created.append(notification)
        if delivery == Delivery.IMMEDIATE:
            # Through the outbox: a broker outage at commit must not lose a receipt.
            outbox_task("exchange.tasks.send_notification_email", notification.pk)
    return created


@transaction.atomic
def notifications_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread when ``ids`` is None)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _absolute(link: str) -> str:
    return link if link.startswith("http") else f"{settings.SITE_URL}{link}"


def _send(user: User, subject: str, template: str, context: dict[str, object]) -> None:
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    # A newline in a header raises BadHeaderError; names inside notification texts may have one.
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification now. Idempotent: a notification already emailed is skipped."""
    notification = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True, email_skipped=False)
        .first()
    )
    if notification is None:
        return False
    _send(
        notification.recipient,
        notification.text[:120],
        "notification",
        {"notification": notification, "url": _absolute(notification.link)},
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def send_digests(*, now: datetime | None = None) -> int:
    """Send one digest email per person with notifications waiting. Returns emails sent.

    Only notifications whose kind the person gets by digest are included; a person with
    nothing waiting gets no email. Each person is handled in their own transaction so one
    failure does not resend the others.
    """
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(
            emailed_at__isnull=True, email_skipped=False, created_at__lte=now
        )
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    per_user: dict[int, list[Notification]] = defaultdict(list)
    deliveries: dict[tuple[int, str], str] = {}
    for n in waiting:
        key = (n.recipient_id, n.kind)
        if key not in deliveries:
            deliveries[key] = delivery_for(n.recipient, n.kind)
        if deliveries[key] == Delivery.DIGEST:
            per_user[n.recipient_id].append(n)
    sent = 0
    for items in per_user.values():
        with transaction.atomic():
            ids = [n.pk for n in items]
            locked = list(
                Notification.objects.select_for_update()
                .filter(pk__in=ids, emailed_at__isnull=True)
                .order_by("created_at", "id")
            )
            if not locked:
                continue
            user = items[0].recipient
            count = len(locked)
            plural = "s" if count != 1 else ""
            subject = f"Your Open Innovation Exchange digest: {count} update{plural}"
            _send(
                user,
                subject,
                "digest",
                {"items": [(n, _absolute(n.link)) for n in locked]},
            )
            Notification.objects.filter(pk__in=[n.pk for n in locked]).update(emailed_at=now)
            sent += 1
    return sent
