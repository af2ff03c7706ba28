"""Public Q&A and follows: anonymity, owners' actions, who is told."""

import pytest

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Notification
from listings import workflows
from listings.models import Answer, Follow, Question
from listings.queries import follows_of, may_see_asker, questions_on
from listings.workflow_enums import QuestionStatus
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def qa():
    owner = make_organisation(name="Brightbin Ltd", kind="supplier")
    council = make_organisation(name="Northshire County Council", kind="council")
    asker = council.memberships.get().user
    asker.full_name = "Alex Asker"
    asker.save()
    return {
        "owner": owner,
        "owner_person": owner.memberships.get().user,
        "listing": make_listing(organisation=owner, title="Smart bins"),
        "council": council,
        "asker": asker,
    }


def _ask(qa, **extra):
    values = {"text": "Does it work with wheelie bins?", "organisation": qa["council"]}
    values.update(extra)
    return workflows.question_ask(actor=qa["asker"], listing=qa["listing"], **values)


def test_question_ask_notifies_owners_with_name(qa):
    _ask(qa)

    assert list(Notification.objects.values_list("recipient", "kind", "text")) == [
        (
            qa["owner_person"].pk,
            "question",
            "Alex Asker (Northshire County Council) asked a question about “Smart bins”.",
        )
    ]


def test_question_ask_anonymous_tells_owners_only_the_organisation(qa):
    _ask(qa, anonymous=True)

    assert list(Notification.objects.values_list("text", flat=True)) == [
        "Northshire County Council asked a question about “Smart bins”."
    ]


def test_question_ask_for_organisation_not_mine_is_refused(qa):
    with pytest.raises(PermissionDenied):
        _ask(qa, organisation=qa["owner"])

    assert Question.objects.count() == 0


def test_question_ask_on_invisible_listing_is_refused(qa):
    hidden = make_listing(organisation=qa["owner"], visibility="members")

    with pytest.raises(PermissionDenied):
        workflows.question_ask(actor=UserFactory(), listing=hidden, text="Hello?")

    assert Question.objects.count() == 0


def test_may_see_asker_of_anonymous_question_per_viewer(qa):
    question = _ask(qa, anonymous=True)
    stranger = UserFactory()
    colleague_of_asker = add_member(qa["council"])

    assert may_see_asker(stranger, question, manager=False) == (False, False)
    assert may_see_asker(colleague_of_asker, question, manager=False) == (False, False)
    assert may_see_asker(qa["owner_person"], question, manager=True) == (True, False)
    assert may_see_asker(qa["asker"], question, manager=False) == (True, True)


def test_question_answer_tells_asker_and_followers_once_each(qa):
    question = _ask(qa)
    follower = UserFactory()
    workflows.follow_create(actor=follower, listing=qa["listing"])
    workflows.follow_create(actor=qa["asker"], listing=qa["listing"])  # asker also follows
    workflows.follow_create(actor=qa["owner_person"], listing=qa["listing"])  # the answerer
    Notification.objects.all().delete()

    workflows.question_answer(actor=qa["owner_person"], question=question, body="Yes, all sizes.")

    question.refresh_from_db()
    assert (question.status, Answer.objects.get().organisation) == ("answered", qa["owner"])
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        [qa["asker"].pk, follower.pk]
    )
    assert set(Notification.objects.values_list("text", flat=True)) == {
        "Brightbin Ltd answered a question about “Smart bins”."
    }


def test_question_answer_by_non_owner_is_refused(qa):
    question = _ask(qa)

    with pytest.raises(PermissionDenied):
        workflows.question_answer(actor=qa["asker"], question=question, body="I know!")

    assert Answer.objects.count() == 0
    assert Question.objects.get().status == QuestionStatus.OPEN


def test_question_mark_answered_elsewhere_tells_asker(qa):
    question = _ask(qa)
    Notification.objects.all().delete()

    workflows.question_mark_answered_elsewhere(
        actor=qa["owner_person"], question=question, note="See the FAQ at /faq"
    )

    question.refresh_from_db()
    assert (question.status, question.status_note) == ("answered_elsewhere", "See the FAQ at /faq")
    assert list(Notification.objects.values_list("recipient", "text")) == [
        (
            qa["asker"].pk,
            "Your question about “Smart bins” was answered elsewhere: See the FAQ at /faq",
        )
    ]


def test_question_decline_keeps_question_and_tells_asker_why(qa):
    question = _ask(qa)
    Notification.objects.all().delete()

    workflows.question_decline(
        actor=qa["owner_person"], question=question, reason="confidential", note="Pricing."
    )

    question.refresh_from_db()
    assert (question.status, question.decline_reason, question.status_note) == (
        "declined",
        "confidential",
        "Pricing.",
    )
    assert list(Notification.objects.values_list("recipient", "text")) == [
        (
            qa["asker"].pk,
            "Your question about “Smart bins” was declined: commercially confidential.",
        )
    ]
    with pytest.raises(InvalidTransition):
        workflows.question_answer(actor=qa["owner_person"], question=question, body="Oops")
    assert Answer.objects.count() == 0


def test_question_decline_without_reason_is_refused(qa):
    question = _ask(qa)

    with pytest.raises(ValidationError):
        workflows.question_decline(actor=qa["owner_person"], question=question, reason="rude")

    assert Question.objects.get().status == QuestionStatus.OPEN


def test_questions_on_private_listing_are_as_private_as_the_listing(qa):
    partner = make_organisation(kind="council")
    private = make_listing(organisation=qa["owner"], visibility="shared", shared_with=[partner])
    workflows.question_ask(
        actor=partner.memberships.get().user, listing=private, text="Private question?"
    )

    assert questions_on(UserFactory(), private) == []
    assert [q.text for q in questions_on(partner.memberships.get().user, private)] == [
        "Private question?"
    ]
    assert [q.text for q in questions_on(qa["owner_person"], private)] == ["Private question?"]


# --- Follows ------------------------------------------------------------------------------------


def test_follow_create_is_idempotent(qa):
    first = workflows.follow_create(actor=qa["asker"], listing=qa["listing"])
    second = workflows.follow_create(actor=qa["asker"], listing=qa["listing"])

    assert first == second
    assert Follow.objects.count() == 1


def test_follow_create_of_invisible_listing_is_refused(qa):
    draft = make_listing(organisation=qa["owner"], publish=False)

    with pytest.raises(PermissionDenied):
        workflows.follow_create(actor=qa["asker"], listing=draft)

    assert Follow.objects.count() == 0


def test_follow_create_needs_exactly_one_target(qa):
    with pytest.raises(ValidationError):
        workflows.follow_create(actor=qa["asker"], listing=qa["listing"], organisation=qa["owner"])

    assert Follow.objects.count() == 0


def test_follow_delete_of_someone_elses_follow_is_refused(qa):
    follow = workflows.follow_create(actor=qa["asker"], organisation=qa["owner"])

    with pytest.raises(PermissionDenied):
        workflows.follow_delete(actor=UserFactory(), follow=follow)

    assert Follow.objects.count() == 1


def test_follows_of_hides_listings_no_longer_visible(qa):
    from listings import services as listing_services

    workflows.follow_create(actor=qa["asker"], listing=qa["listing"])
    workflows.follow_create(actor=qa["asker"], organisation=qa["owner"])
    listing_services.listing_archive(actor=qa["owner_person"], listing=qa["listing"])

    assert [f.target for f in follows_of(qa["asker"])] == [qa["owner"]]


def test_listing_close_tells_each_follower_once(qa):
    from listings import services as listing_services

    follower = UserFactory()
    workflows.follow_create(actor=follower, listing=qa["listing"])
    workflows.follow_create(actor=qa["asker"], listing=qa["listing"])
    Notification.objects.all().delete()

    listing_services.listing_close(actor=qa["owner_person"], listing=qa["listing"])

    assert sorted(Notification.objects.values_list("recipient", "kind", "text")) == sorted(
        [
            (follower.pk, "listing", "“Smart bins” is now closed."),
            (qa["asker"].pk, "listing", "“Smart bins” is now closed."),
        ]
    )


def test_listing_status_change_without_followers_notifies_nobody(qa):
    from listings import services as listing_services

    Notification.objects.all().delete()

    listing_services.listing_close(actor=qa["owner_person"], listing=qa["listing"])

    assert Notification.objects.count() == 0


def test_followers_notify_listing_status_unchanged_sends_nothing(qa):
    workflows.follow_create(actor=qa["asker"], listing=qa["listing"])
    Notification.objects.all().delete()

    sent = workflows.followers_notify_listing_status(
        listing=qa["listing"], previous_status="published"
    )

    assert sent == 0
    assert Notification.objects.count() == 0
