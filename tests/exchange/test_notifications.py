from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from exchange import notifications
from exchange.enums import Delivery, NotificationKind
from exchange.models import Notification, NotificationPreference
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = "http://testserver" + reverse("notification-settings")


def notify(user, text, kind=NotificationKind.MEMBERSHIP, link="/dashboard/"):
    return notifications.notify(recipients=[user], kind=kind, text=text, link=link)


def prefer(user, kind, delivery):
    NotificationPreference.objects.create(user=user, kind=kind, delivery=delivery)


def test_notify_stores_one_notification_per_recipient():
    alice, bob = UserFactory(), UserFactory()

    created = notifications.notify(
        recipients=[alice, bob, alice],
        kind=NotificationKind.MATCH,
        text="A new match",
        exclude=[bob],
    )

    assert [(n.recipient, n.text) for n in created] == [(alice, "A new match")]
    assert Notification.objects.count() == 1


def test_notify_immediate_preference_emails_once_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    prefer(user, NotificationKind.MATCH, Delivery.IMMEDIATE)

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user,
            "Brightbin matches your request",
            kind=NotificationKind.MATCH,
            link="/listings/1/bins/",
        )

    message = mail.outbox[0]
    assert len(mail.outbox) == 1
    assert (message.to, message.subject) == ([user.email], "Brightbin matches your request")
    assert "http://testserver/listings/1/bins/" in message.body
    assert SETTINGS_URL in message.body
    assert SETTINGS_URL in message.alternatives[0][0]
    assert Notification.objects.get().emailed_at is not None


def test_notify_always_immediate_kind_ignores_preference(django_capture_on_commit_callbacks):
    user = UserFactory()
    prefer(user, NotificationKind.SYSTEM, Delivery.NEVER)

    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "Your password was changed", kind=NotificationKind.SYSTEM)

    assert [m.subject for m in mail.outbox] == ["Your password was changed"]


def test_notify_digest_preference_sends_nothing_at_once(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "Someone asked to join")

    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_notification_email_subject_with_newline_is_one_line(django_capture_on_commit_callbacks):
    user = UserFactory()
    prefer(user, NotificationKind.MEMBERSHIP, Delivery.IMMEDIATE)

    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "Amira\nKhan asked to join Northshire.")

    assert [m.subject for m in mail.outbox] == ["Amira Khan asked to join Northshire."]


def test_notification_email_send_is_idempotent():
    user = UserFactory()
    notification = notify(user, "Hello")[0]

    first = notifications.notification_email_send(notification_id=notification.pk)
    second = notifications.notification_email_send(notification_id=notification.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_send_digests_sends_one_email_per_person_with_waiting_notifications():
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    notify(alice, "First for Alice", link="/organisations/a/")
    notify(alice, "Second for Alice", kind=NotificationKind.LISTING)
    notify(bob, "Only one for Bob")

    sent = notifications.send_digests()

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sent == 2
    assert sorted(by_recipient) == sorted([alice.email, bob.email])
    assert carol.email not in by_recipient
    alice_mail = by_recipient[alice.email]
    assert alice_mail.subject == "Your Open Innovation Exchange digest: 2 updates"
    assert by_recipient[bob.email].subject == "Your Open Innovation Exchange digest: 1 update"
    assert alice_mail.body.index("First for Alice") < alice_mail.body.index("Second for Alice")
    assert "http://testserver/organisations/a/" in alice_mail.body
    assert SETTINGS_URL in alice_mail.body
    assert SETTINGS_URL in alice_mail.alternatives[0][0]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_send_digests_with_nothing_waiting_sends_nothing():
    UserFactory()

    sent = notifications.send_digests()

    assert sent == 0
    assert mail.outbox == []


def test_send_digests_run_again_sends_nothing_more():
    user = UserFactory()
    notify(user, "Waiting")
    notifications.send_digests()

    sent_again = notifications.send_digests()

    assert sent_again == 0
    assert len(mail.outbox) == 1


def test_send_digests_skips_never_and_immediate_kinds():
    user = UserFactory()
    prefer(user, NotificationKind.MATCH, Delivery.NEVER)
    prefer(user, NotificationKind.QUESTION, Delivery.IMMEDIATE)
    notify(user, "A match", kind=NotificationKind.MATCH)
    notify(user, "A question", kind=NotificationKind.QUESTION)
    notify(user, "A membership change")

    sent = notifications.send_digests()

    assert sent == 1
    assert "A membership change" in mail.outbox[0].body
    assert "A match" not in mail.outbox[0].body
    assert "A question" not in mail.outbox[0].body
    assert Notification.objects.get(text="A match").email_skipped is True


def test_send_digests_person_with_only_never_kinds_gets_nothing():
    user = UserFactory()
    prefer(user, NotificationKind.MEMBERSHIP, Delivery.NEVER)
    notify(user, "Quiet")

    sent = notifications.send_digests()

    assert sent == 0
    assert mail.outbox == []


def test_send_digests_leaves_notifications_newer_than_now_for_next_time():
    user = UserFactory()
    notify(user, "Waiting")

    sent = notifications.send_digests(now=timezone.now() - timedelta(hours=1))

    assert sent == 0
    assert Notification.objects.get().emailed_at is None


def test_preferences_set_refuses_unknown_values_and_saves_nothing():
    user = UserFactory()

    with pytest.raises(notifications.ValidationError):
        notifications.notification_preferences_set(
            actor=user, choices={"match": "immediate", "listing": "hourly"}
        )

    assert NotificationPreference.objects.count() == 0


def test_mark_read_only_touches_the_actors_notifications():
    alice, bob = UserFactory(), UserFactory()
    mine = notify(alice, "Mine")[0]
    theirs = notify(bob, "Theirs")[0]

    count = notifications.notifications_mark_read(actor=alice, ids=[mine.pk, theirs.pk])

    assert count == 1
    assert notifications.unread_count(alice) == 0
    assert notifications.unread_count(bob) == 1
