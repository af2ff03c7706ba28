"""The council-workflow list endpoints run a fixed number of queries (no N+1).

Each endpoint is run with 1 and with 3 items against the same constant, by a member of the
organisations concerned (the heaviest viewer: every per-viewer field is computed).
"""

import pytest

from listings import workflows
from tests.factories.exchange import NeedAreaFactory, NeedFactory, make_organisation
from tests.factories.listings import make_listing, make_nomination, make_pilot, make_request

pytestmark = pytest.mark.django_db

# count, page (listing, organisation and the viewer's flags as subqueries)
INTERESTS_QUERIES = 2
# count, page
CO_OWNERS_QUERIES = 2
RESPONSES_QUERIES = 2
FOLLOWS_QUERIES = 2
# count, page, answers
QUESTIONS_QUERIES = 3
# count, page, items
SHORTLISTS_QUERIES = 3
# count, page, transitions, the viewer's user and group object permissions (prefetch_perms)
PILOTS_QUERIES = 5
# count, page, tags, needs, need areas
CASE_STUDIES_QUERIES = 5


@pytest.fixture
def owner():
    organisation = make_organisation(name="Northshire County Council", kind="council")
    return organisation, organisation.memberships.get().user


def _others(n, kind="council"):
    return [make_organisation(name=f"Org {i}", kind=kind) for i in range(n)]


@pytest.mark.parametrize("n", [1, 3])
def test_interest_list_query_count_is_constant(client_as, django_assert_num_queries, owner, n):
    organisation, person = owner
    for i, other in enumerate(_others(n, "third_sector")):
        request = make_request(organisation=organisation, title=f"Need {i}")
        workflows.interest_register(
            actor=other.memberships.get().user, listing=request, organisation=other, anonymous=True
        )
    client = client_as(person)

    with django_assert_num_queries(INTERESTS_QUERIES):
        response = client.get("/api/v1/interests/")

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_co_owner_list_query_count_is_constant(client_as, django_assert_num_queries, owner, n):
    organisation, person = owner
    request = make_request(organisation=organisation)
    for other in _others(n):
        workflows.interest_register(
            actor=other.memberships.get().user, listing=request, organisation=other
        )
        workflows.co_owner_invite(actor=person, listing=request, organisation=other)
    client = client_as(person)

    with django_assert_num_queries(CO_OWNERS_QUERIES):
        response = client.get("/api/v1/co-owners/")

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_response_list_query_count_is_constant(client_as, django_assert_num_queries, owner, n):
    organisation, person = owner
    request = make_request(organisation=organisation)
    for other in _others(n, "supplier"):
        offer = make_listing(organisation=other)
        workflows.response_create(
            actor=other.memberships.get().user,
            request=request,
            organisation=other,
            proposed_listing=offer,
            pitch="Pitch",
        )
    client = client_as(person)

    with django_assert_num_queries(RESPONSES_QUERIES):
        response = client.get("/api/v1/responses/")

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_question_list_query_count_is_constant(client_as, django_assert_num_queries, owner, n):
    organisation, person = owner
    listing = make_listing(organisation=organisation)
    for i, other in enumerate(_others(n)):
        question = workflows.question_ask(
            actor=other.memberships.get().user,
            listing=listing,
            organisation=other,
            text=f"Question {i}?",
            anonymous=bool(i % 2),
        )
        workflows.question_answer(actor=person, question=question, body="Answer")
    client = client_as(person)

    with django_assert_num_queries(QUESTIONS_QUERIES):
        response = client.get("/api/v1/questions/")

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_follow_list_query_count_is_constant(client_as, django_assert_num_queries, owner, n):
    _, person = owner
    for i, other in enumerate(_others(n)):
        if i % 2:
            workflows.follow_create(actor=person, organisation=other)
        else:
            workflows.follow_create(actor=person, listing=make_listing(organisation=other))
    client = client_as(person)

    with django_assert_num_queries(FOLLOWS_QUERIES):
        response = client.get("/api/v1/follows/")

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_shortlist_list_query_count_is_constant(client_as, django_assert_num_queries, owner, n):
    organisation, person = owner
    for i in range(n):
        shortlist = workflows.shortlist_create(
            actor=person, organisation=organisation, name=f"List {i}"
        )
        for j in range(2):
            workflows.shortlist_item_add(
                actor=person, shortlist=shortlist, listing=make_listing(title=f"L{i}{j}")
            )
    client = client_as(person)

    with django_assert_num_queries(SHORTLISTS_QUERIES):
        response = client.get("/api/v1/shortlists/")

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_pilot_list_query_count_is_constant(client_as, django_assert_num_queries, owner, n):
    organisation, person = owner
    for _ in range(n):
        make_pilot(requester=organisation, status="accepted")
    client = client_as(person)

    with django_assert_num_queries(PILOTS_QUERIES):
        response = client.get("/api/v1/pilots/")

    assert response.json()["count"] == n
    assert [p["actions"] for p in response.json()["results"]] == [["start", "cancel"]] * n


@pytest.mark.parametrize("n", [1, 3])
def test_case_study_list_query_count_is_constant(client_as, django_assert_num_queries, owner, n):
    _, person = owner
    area = NeedAreaFactory()
    for i, other in enumerate(_others(n)):
        nomination = make_nomination(
            organisation=other,
            title=f"Story {i}",
            tag_names=[f"tag {i}", "common"],
            needs=[NeedFactory(area=area)],
        )
        workflows.case_study_publish(actor=other.memberships.get().user, case_study=nomination)
    client = client_as(person)

    with django_assert_num_queries(CASE_STUDIES_QUERIES):
        response = client.get("/api/v1/case-studies/")

    assert response.json()["count"] == n
