"""Workflow notifications: through the notification centre, once per person, and in the digest."""

import pytest
from django.core import mail

from exchange.enums import Delivery
from exchange.models import Notification
from exchange.notifications import notification_preferences_set, send_digests
from listings import workflows
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing, make_pilot, make_request

pytestmark = pytest.mark.django_db


def test_answer_fan_out_once_for_asker_who_follows_and_belongs_to_two_owners_groups():
    owner = make_organisation(name="Brightbin Ltd", kind="supplier")
    listing = make_listing(organisation=owner, title="Smart bins")
    council = make_organisation(kind="council")
    asker = council.memberships.get().user
    question = workflows.question_ask(actor=asker, listing=listing, text="Warranty?")
    workflows.follow_create(actor=asker, listing=listing)
    workflows.follow_create(actor=asker, organisation=owner)
    follower = UserFactory()
    workflows.follow_create(actor=follower, listing=listing)
    Notification.objects.all().delete()

    workflows.question_answer(
        actor=owner.memberships.get().user, question=question, body="Five years."
    )

    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        [asker.pk, follower.pk]
    )


def test_interest_fan_out_once_to_owner_and_co_owner_member_of_both():
    owner = make_organisation(name="Northshire County Council", kind="council")
    owner_admin = owner.memberships.get().user
    request = make_request(organisation=owner, title="Falls at home")
    partner = make_organisation(name="Southshire Council", kind="council")
    partner_person = partner.memberships.get().user
    both = add_member(owner)
    add_member(partner, both)
    workflows.interest_register(actor=partner_person, listing=request, organisation=partner)
    invitation = workflows.co_owner_invite(actor=owner_admin, listing=request, organisation=partner)
    workflows.co_owner_accept(actor=partner_person, co_owner=invitation)
    third = make_organisation(name="Eastshire Council", kind="council")
    Notification.objects.all().delete()

    workflows.interest_register(
        actor=third.memberships.get().user, listing=request, organisation=third
    )

    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        [owner_admin.pk, both.pk, partner_person.pk]
    )
    assert set(Notification.objects.values_list("kind", "text")) == {
        ("interest", "Eastshire Council needs “Falls at home” too.")
    }


def test_inactive_member_is_not_notified():
    pilot = make_pilot()
    sleeper = add_member(pilot.requester)
    sleeper.is_active = False
    sleeper.save()
    Notification.objects.all().delete()

    workflows.pilot_accept(actor=pilot.supplier.memberships.get().user, pilot=pilot)

    assert list(Notification.objects.values_list("recipient", flat=True)) == [
        pilot.requester.memberships.get(role="admin").user.pk
    ]


def test_digest_contains_workflow_notifications_with_links():
    pilot = make_pilot(title="Pilot of Smart bins")
    requester = pilot.requester.memberships.get().user
    supplier = pilot.supplier.memberships.get().user
    workflows.pilot_accept(actor=supplier, pilot=pilot)
    workflows.pilot_message_post(actor=supplier, pilot=pilot, body="Monday?")
    mail.outbox.clear()

    sent = send_digests()

    digests = [m for m in mail.outbox if m.to == [requester.email]]
    assert sent == 2  # the supplier was told of the request; the requester of two updates
    assert len(digests) == 1
    body = digests[0].body
    assert digests[0].subject == "Your Open Innovation Exchange digest: 2 updates"
    assert f"{pilot.supplier.name} accepted the pilot “Pilot of Smart bins”." in body
    assert f"New message from {pilot.supplier.name} on the pilot “Pilot of Smart bins”." in body
    assert f"http://testserver/pilots/{pilot.pk}/" in body


def test_immediate_preference_emails_pilot_updates_at_once(django_capture_on_commit_callbacks):
    pilot = make_pilot()
    requester = pilot.requester.memberships.get().user
    notification_preferences_set(actor=requester, choices={"pilot": Delivery.IMMEDIATE})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflows.pilot_accept(actor=pilot.supplier.memberships.get().user, pilot=pilot)

    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert mail.outbox[0].subject == f"{pilot.supplier.name} accepted the pilot “{pilot.title}”."
