"""API: public Q&A — anonymous askers are never revealed to the public; owners' actions."""

import pytest

from listings import workflows
from listings.models import Answer, Question
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing, make_nomination

pytestmark = pytest.mark.django_db

NOT_ALLOWED = {
    "error": {
        "status": 403,
        "code": "permission_denied",
        "message": "Only the owning organisation can do that.",
    }
}


@pytest.fixture
def qa():
    owner = make_organisation(name="Brightbin Ltd", kind="supplier")
    council = make_organisation(name="Northshire County Council", kind="council")
    asker = council.memberships.get().user
    asker.full_name = "Alex Asker"
    asker.save()
    listing = make_listing(organisation=owner, title="Smart bins")
    question = workflows.question_ask(
        actor=asker,
        listing=listing,
        organisation=council,
        text="Does it work with wheelie bins?",
        anonymous=True,
    )
    return {
        "owner": owner,
        "owner_person": owner.memberships.get().user,
        "council": council,
        "asker": asker,
        "listing": listing,
        "question": question,
    }


@pytest.mark.parametrize("viewer", ["anonymous", "stranger", "asker_colleague"])
def test_question_api_never_reveals_anonymous_asker_to_public(client_as, qa, viewer):
    user = {
        "anonymous": None,
        "stranger": UserFactory(),
        "asker_colleague": add_member(qa["council"]),
    }[viewer]
    client = client_as(user)

    listed = client.get("/api/v1/questions/").json()["results"]
    one = client.get(f"/api/v1/questions/{qa['question'].pk}/").json()

    assert [(q["asker"], q["organisation"], q["anonymous"]) for q in listed] == [(None, None, True)]
    assert (one["asker"], one["organisation"]) == (None, None)
    assert "Alex Asker" not in str(listed) + str(one)
    assert "Northshire" not in str(listed) + str(one)


def test_question_api_shows_owner_the_organisation_not_the_person(client_as, qa):
    body = client_as(qa["owner_person"]).get(f"/api/v1/questions/{qa['question'].pk}/").json()

    assert (body["asker"], body["organisation"]) == (
        None,
        {"slug": qa["council"].slug, "name": "Northshire County Council", "kind": "council"},
    )


def test_question_api_shows_asker_themselves(client_as, qa):
    body = client_as(qa["asker"]).get(f"/api/v1/questions/{qa['question'].pk}/").json()

    assert (body["asker"], body["organisation"]["name"]) == (
        "Alex Asker",
        "Northshire County Council",
    )


def test_question_api_cannot_be_filtered_by_organisation_or_asker(client_as, qa):
    client = client_as(None)

    by_org = client.get(f"/api/v1/questions/?organisation={qa['council'].slug}").json()
    ordered = client.get("/api/v1/questions/?ordering=organisation__name")

    assert by_org["count"] == 1  # unknown filter ignored: it narrows nothing, reveals nothing
    assert ordered.status_code == 200
    assert [q["id"] for q in ordered.json()["results"]] == [qa["question"].pk]


def test_question_create_api_anonymous(client_as, qa):
    other = make_organisation(name="Quiet Trust", kind="third_sector")
    person = other.memberships.get().user

    response = client_as(person).post(
        "/api/v1/questions/",
        {
            "listing": qa["listing"].pk,
            "text": "Price for 50?",
            "organisation": other.slug,
            "anonymous": True,
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["text"], body["anonymous"], body["organisation"]["slug"]) == (
        "Price for 50?",
        True,
        other.slug,
    )
    public = client_as(None).get(f"/api/v1/questions/{body['id']}/").json()
    assert (public["asker"], public["organisation"]) == (None, None)


def test_question_create_api_unauthenticated_is_401(client_as, qa):
    response = client_as(None).post(
        "/api/v1/questions/", {"listing": qa["listing"].pk, "text": "Hi"}, format="json"
    )

    assert response.status_code == 401
    assert Question.objects.count() == 1


def test_question_answer_api_by_owner(client_as, qa):
    response = client_as(qa["owner_person"]).post(
        f"/api/v1/questions/{qa['question'].pk}/answer/", {"body": "Yes."}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], [a["body"] for a in body["answers"]]) == ("answered", ["Yes."])
    assert body["answers"][0]["organisation"]["name"] == "Brightbin Ltd"


def test_question_answer_api_by_asker_is_403_and_changes_nothing(client_as, qa):
    response = client_as(qa["asker"]).post(
        f"/api/v1/questions/{qa['question'].pk}/answer/", {"body": "I know!"}, format="json"
    )

    assert (response.status_code, response.json()) == (403, NOT_ALLOWED)
    assert Answer.objects.count() == 0
    assert Question.objects.get().status == "open"


def test_question_decline_api_hides_text_from_public(client_as, qa):
    client_as(qa["owner_person"]).post(
        f"/api/v1/questions/{qa['question'].pk}/decline/",
        {"reason": "off_topic", "note": "Ask sales."},
        format="json",
    )

    public = client_as(None).get(f"/api/v1/questions/{qa['question'].pk}/").json()
    asker = client_as(qa["asker"]).get(f"/api/v1/questions/{qa['question'].pk}/").json()

    assert (public["status"], public["decline_reason"], public["status_note"], public["text"]) == (
        "declined",
        "off_topic",
        "Ask sales.",
        None,
    )
    assert asker["text"] == "Does it work with wheelie bins?"


def test_question_answered_elsewhere_api(client_as, qa):
    response = client_as(qa["owner_person"]).post(
        f"/api/v1/questions/{qa['question'].pk}/answered-elsewhere/",
        {"note": "At the webinar"},
        format="json",
    )

    assert (response.status_code, response.json()["status"], response.json()["status_note"]) == (
        200,
        "answered_elsewhere",
        "At the webinar",
    )


def test_questions_on_private_listing_are_hidden_from_api(client_as, qa):
    partner = make_organisation(kind="council")
    private = make_listing(organisation=qa["owner"], visibility="shared", shared_with=[partner])
    question = workflows.question_ask(
        actor=partner.memberships.get().user, listing=private, text="Private?"
    )

    stranger = client_as(UserFactory()).get("/api/v1/questions/").json()
    single = client_as(UserFactory()).get(f"/api/v1/questions/{question.pk}/")
    listing_filter = client_as(UserFactory()).get(f"/api/v1/questions/?listing={private.pk}")

    assert [q["id"] for q in stranger["results"]] == [qa["question"].pk]
    assert single.status_code == 404
    assert listing_filter.json()["count"] == 0


def test_questions_on_case_study_api(client_as):
    named = make_organisation(kind="council")
    nomination = make_nomination(organisation=named)
    unpublished = client_as(UserFactory()).post(
        "/api/v1/questions/", {"case_study": nomination.pk, "text": "How?"}, format="json"
    )
    workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)

    published = client_as(UserFactory()).post(
        "/api/v1/questions/", {"case_study": nomination.pk, "text": "How?"}, format="json"
    )

    assert unpublished.status_code == 403
    assert published.status_code == 201
    assert published.json()["case_study"]["id"] == nomination.pk
