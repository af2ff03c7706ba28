"""HTML pages of the council workflows: what each viewer sees, and that POSTs call services."""

import pytest
from django.urls import reverse

from exchange.models import Notification
from listings import workflows
from listings.models import Interest, Listing, PilotRequest, RequestResponse, ShortlistItem
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import (
    PILOT_DEFAULTS,
    make_listing,
    make_nomination,
    make_pilot,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    owner = make_organisation(name="Brightbin Ltd", kind="supplier")
    council = make_organisation(name="Northshire County Council", kind="council")
    asker = council.memberships.get().user
    asker.full_name = "Alex Asker"
    asker.save()
    listing = make_listing(organisation=owner, title="Smart bins")
    return {
        "owner": owner,
        "owner_person": owner.memberships.get().user,
        "council": council,
        "asker": asker,
        "listing": listing,
    }


def _html(client, user, url):
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _question_block(html, question):
    start = html.index(f'id="question-{question.pk}"')
    return html[start : html.index("</li>", start)]


@pytest.mark.parametrize("viewer", ["anonymous", "stranger", "asker_colleague"])
def test_listing_page_never_reveals_anonymous_asker_to_public(client, page, viewer):
    question = workflows.question_ask(
        actor=page["asker"],
        listing=page["listing"],
        organisation=page["council"],
        text="Does it work with wheelie bins?",
        anonymous=True,
    )
    user = {
        "anonymous": None,
        "stranger": UserFactory(),
        "asker_colleague": add_member(page["council"]),
    }[viewer]

    html = _html(client, user, page["listing"].get_absolute_url())
    block = _question_block(html, question)

    assert "Does it work with wheelie bins?" in block
    assert "A member of the exchange" in block
    assert "Alex Asker" not in html
    assert "Northshire County Council" not in block
    if viewer != "asker_colleague":  # colleagues see their own organisation in the form
        assert "Northshire County Council" not in html


def test_listing_page_shows_owner_the_anonymous_askers_organisation_only(client, page):
    workflows.question_ask(
        actor=page["asker"],
        listing=page["listing"],
        organisation=page["council"],
        text="Does it work with wheelie bins?",
        anonymous=True,
    )

    html = _html(client, page["owner_person"], page["listing"].get_absolute_url())

    assert "Someone at Northshire County Council" in html
    assert "Alex Asker" not in html


def test_listing_page_names_asker_of_public_question(client, page):
    workflows.question_ask(
        actor=page["asker"], listing=page["listing"], organisation=page["council"], text="Q?"
    )

    html = _html(client, None, page["listing"].get_absolute_url())

    assert "Alex Asker, Northshire County Council" in html


def test_listing_page_shows_demand_named_and_anonymous(client):
    request = make_request(organisation=make_organisation(kind="council"))
    named = make_organisation(name="Southshire Council", kind="council")
    hidden = make_organisation(name="Hidden Trust", kind="third_sector")
    workflows.interest_register(
        actor=named.memberships.get().user, listing=request, organisation=named
    )
    workflows.interest_register(
        actor=hidden.memberships.get().user, listing=request, organisation=hidden, anonymous=True
    )

    html = _html(client, None, request.get_absolute_url())

    assert "2 organisations</strong> need this too (1 counted anonymously)" in html
    assert "Southshire Council" in html
    assert "Hidden Trust" not in html


def test_browse_and_card_show_demand_badge(client):
    request = make_request(organisation=make_organisation(kind="council"), title="Falls at home")
    named = make_organisation(kind="council")
    workflows.interest_register(
        actor=named.memberships.get().user, listing=request, organisation=named
    )

    html = _html(client, None, reverse("listing-browse"))

    assert '<span class="pill pill-demand">1 organisation needs this too</span>' in html


def test_interest_post_registers(client, page):
    client.force_login(page["asker"])

    response = client.post(
        reverse("interest-create"),
        {"listing": page["listing"].pk, "organisation": page["council"].pk, "note": "Soon"},
    )

    assert response.status_code == 302
    assert list(Interest.objects.values_list("organisation__name", "note")) == [
        ("Northshire County Council", "Soon")
    ]
    assert Listing.objects.get(pk=page["listing"].pk).interest_count == 1


def test_interest_post_for_organisation_not_mine_changes_nothing(client, page):
    client.force_login(UserFactory())

    client.post(
        reverse("interest-create"),
        {"listing": page["listing"].pk, "organisation": page["council"].pk},
    )

    assert Interest.objects.count() == 0


def test_interest_post_on_invisible_listing_is_404(client, page):
    hidden = make_listing(organisation=page["owner"], publish=False)
    client.force_login(page["asker"])

    response = client.post(
        reverse("interest-create"), {"listing": hidden.pk, "organisation": page["council"].pk}
    )

    assert response.status_code == 404
    assert Interest.objects.count() == 0


def test_response_page_flow_decline_tells_responder(client):
    council = make_organisation(name="Northshire County Council", kind="council")
    request = make_request(organisation=council, title="Overflowing bins")
    supplier = make_organisation(name="Binco", kind="supplier")
    offer = make_listing(organisation=supplier, title="Compactors")
    supplier_person = supplier.memberships.get().user
    client.force_login(supplier_person)

    created = client.post(
        reverse("response-create"),
        {
            "listing": request.pk,
            "organisation": supplier.pk,
            "proposed_listing": offer.pk,
            "pitch": "Solar compactors.",
        },
    )
    response = RequestResponse.objects.get()
    client.force_login(council.memberships.get().user)
    declined = client.post(
        reverse("response-action", args=[response.pk, "decline"]),
        {"reason": "timing", "note": "Next year."},
    )

    assert (created.status_code, declined.status_code) == (302, 302)
    assert RequestResponse.objects.get().status == "declined"
    assert list(
        Notification.objects.filter(recipient=supplier_person).values_list("text", flat=True)
    ) == [
        "Northshire County Council declined your response “Compactors” to “Overflowing bins”: "
        "the timing does not work. “Next year.”"
    ]


def test_response_decline_post_by_responder_changes_nothing(client):
    council = make_organisation(kind="council")
    request = make_request(organisation=council)
    supplier = make_organisation(kind="supplier")
    response = workflows.response_create(
        actor=supplier.memberships.get().user,
        request=request,
        organisation=supplier,
        idea_title="Idea",
        idea_summary="Summary",
        pitch="Pitch",
    )
    client.force_login(supplier.memberships.get().user)

    client.post(reverse("response-action", args=[response.pk, "decline"]), {"reason": "budget"})

    assert RequestResponse.objects.get().status == "submitted"


def test_response_pilot_page_creates_pilot(client):
    council = make_organisation(kind="council")
    request = make_request(organisation=council)
    supplier = make_organisation(kind="supplier")
    response = workflows.response_create(
        actor=supplier.memberships.get().user,
        request=request,
        organisation=supplier,
        idea_title="Idea",
        idea_summary="Summary",
        pitch="Pitch",
    )
    client.force_login(council.memberships.get().user)
    form = {
        **PILOT_DEFAULTS,
        "requester": council.pk,
        "budget": "5000.00",
        "starts_on": "",
        "ends_on": "",
    }
    form.pop("budget_pence")

    result = client.post(reverse("response-pilot", args=[response.pk]), form)

    pilot = PilotRequest.objects.get()
    assert result["Location"] == pilot.get_absolute_url()
    assert (pilot.budget_pence, pilot.response, pilot.origin_request) == (
        500_000,
        response,
        request,
    )


def test_pilot_pages_for_each_side_and_outsider(client):
    pilot = make_pilot()
    requester = pilot.requester.memberships.get().user
    supplier = pilot.supplier.memberships.get().user

    requester_html = _html(client, requester, pilot.get_absolute_url())
    supplier_html = _html(client, supplier, pilot.get_absolute_url())
    client.force_login(UserFactory())
    outsider = client.get(pilot.get_absolute_url())

    assert f'action="/pilots/{pilot.pk}/withdraw/"' in requester_html
    assert f'action="/pilots/{pilot.pk}/accept/"' not in requester_html
    assert f'action="/pilots/{pilot.pk}/accept/"' in supplier_html
    assert outsider.status_code == 404


def test_pilot_transition_post_by_wrong_side_changes_nothing(client):
    pilot = make_pilot()
    client.force_login(pilot.requester.memberships.get().user)

    client.post(reverse("pilot-transition", args=[pilot.pk, "accept"]))

    assert PilotRequest.objects.get().status == "requested"


def test_pilot_transition_post_decline_with_reason(client):
    pilot = make_pilot()
    client.force_login(pilot.supplier.memberships.get().user)

    client.post(
        reverse("pilot-transition", args=[pilot.pk, "decline"]),
        {"reason": "capacity", "note": "Booked."},
    )

    pilot.refresh_from_db()
    assert (pilot.status, pilot.decline_reason, pilot.decline_note) == (
        "declined",
        "capacity",
        "Booked.",
    )


def test_pilot_message_post_from_page(client):
    pilot = make_pilot()
    client.force_login(pilot.supplier.memberships.get().user)

    client.post(pilot.get_absolute_url(), {"body": "Happy to help."})

    assert list(pilot.messages.values_list("body", flat=True)) == ["Happy to help."]


def test_dashboard_lists_pilots_we_asked_for_and_asked_of_us(client):
    council = make_organisation(kind="council")
    asked_for = make_pilot(requester=council, title="Pilot we want")
    asked_of = make_pilot(
        offer=make_listing(organisation=make_organisation(kind="supplier")),
        title="Pilot asked of us",
    )
    person = council.memberships.get().user
    add_member(asked_of.supplier, person)

    html = _html(client, person, reverse("dashboard"))

    assert "Pilots we asked for" in html
    assert "Pilots asked of us" in html
    assert (
        html.index(asked_for.title) < html.index("Pilots asked of us") < html.index(asked_of.title)
    )


def test_shortlist_add_from_listing_page_with_new_name(client, page):
    client.force_login(page["asker"])

    client.post(
        reverse("shortlist-add"),
        {
            "listing": page["listing"].pk,
            "organisation": page["council"].pk,
            "name": "Bins",
            "note": "Looks good",
        },
    )

    assert list(ShortlistItem.objects.values_list("shortlist__name", "note")) == [
        ("Bins", "Looks good")
    ]


def test_shortlist_export_view(client, page):
    shortlist = workflows.shortlist_create(
        actor=page["asker"], organisation=page["council"], name="Bins 2026"
    )
    workflows.shortlist_item_add(actor=page["asker"], shortlist=shortlist, listing=page["listing"])
    client.force_login(page["asker"])

    response = client.get(reverse("shortlist-export", args=[shortlist.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bins-2026.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0] == (
        "position,title,kind,organisation,status,price_model,price_pence,url,note,added_by,added_at"
    )
    assert lines[1].startswith("1,Smart bins,product,Brightbin Ltd,published,free,,")


def test_shortlist_pages_of_another_organisation_are_404(client, page):
    shortlist = workflows.shortlist_create(
        actor=page["asker"], organisation=page["council"], name="Bins 2026"
    )
    client.force_login(page["owner_person"])

    assert client.get(reverse("shortlist-detail", args=[shortlist.pk])).status_code == 404
    assert client.get(reverse("shortlist-export", args=[shortlist.pk])).status_code == 404


def test_case_study_pages_respect_consent_gate(client):
    named = make_organisation(name="Library Town Council", kind="council")
    nominator = UserFactory()
    nomination = make_nomination(organisation=named, nominator=nominator)

    anonymous = client.get(nomination.get_absolute_url())
    listed = _html(client, None, reverse("case-study-list"))
    nominator_html = _html(client, nominator, nomination.get_absolute_url())
    named_html = _html(client, named.memberships.get().user, nomination.get_absolute_url())

    assert anonymous.status_code == 404
    assert "Library of things" not in listed
    assert "stays private until Library Town Council consents" in nominator_html
    assert "We consent: publish" not in nominator_html
    assert "We consent: publish" in named_html


def test_case_study_list_filters_by_words(client):
    for title, what in (("Library of things", "Tools"), ("Community garden", "Beds")):
        named = make_organisation(kind="council")
        nomination = make_nomination(organisation=named, title=title, what_tried=what)
        workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)

    html = _html(client, None, reverse("case-study-list") + "?q=garden")

    assert "1 case study" in html
    assert "Community garden" in html
    assert "Library of things" not in html


def test_case_study_replicate_post_creates_draft_and_opens_editor(client):
    named = make_organisation(kind="council")
    nomination = make_nomination(organisation=named)
    workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)
    visitor = make_organisation(kind="council")
    client.force_login(visitor.memberships.get().user)

    response = client.post(
        reverse("case-study-replicate", args=[nomination.pk]), {"organisation": visitor.pk}
    )

    listing = Listing.objects.get(organisation=visitor)
    assert response["Location"] == reverse("listing-edit", args=[listing.pk])
    assert (listing.status, listing.kind) == ("draft", "request")


def test_case_study_page_never_reveals_anonymous_asker(client):
    named = make_organisation(kind="council")
    nomination = make_nomination(organisation=named)
    workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)
    asking_org = make_organisation(name="Curious Trust", kind="third_sector")
    asker = asking_org.memberships.get().user
    workflows.question_ask(
        actor=asker,
        case_study=nomination,
        organisation=asking_org,
        text="How many tools?",
        anonymous=True,
    )

    public = _html(client, None, nomination.get_absolute_url())
    owner = _html(client, named.memberships.get().user, nomination.get_absolute_url())

    assert "How many tools?" in public
    assert "Curious Trust" not in public
    assert asker.display_name not in public
    assert "Someone at Curious Trust" in owner


def test_follow_toggle_post(client, page):
    client.force_login(page["asker"])

    client.post(reverse("follow-toggle"), {"target": "organisation", "id": page["owner"].pk})
    html = _html(client, page["asker"], reverse("follow-list"))

    assert "Brightbin Ltd</a> (organisation)" in html
    client.post(
        reverse("follow-toggle"),
        {"target": "organisation", "id": page["owner"].pk, "action": "unfollow"},
    )
    assert page["asker"].follows.count() == 0


def test_workflow_pages_render_for_a_member(client):
    pilot = make_pilot(status="completed")
    person = pilot.requester.memberships.get().user
    shortlist = workflows.shortlist_create(
        actor=person, organisation=pilot.requester, name="Bins 2026"
    )
    workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=pilot.offer)
    case_study = workflows.case_study_draft_from_pilot(actor=person, pilot=pilot)
    request = make_request(organisation=make_organisation(kind="council"))
    pages = {
        reverse("pilot-list"): "Pilots we asked for",
        reverse("pilot-create") + f"?listing={pilot.offer.pk}": "for a pilot",
        reverse("shortlist-list"): "New shortlist",
        shortlist.get_absolute_url(): "Audit trail",
        reverse("response-create") + f"?listing={request.pk}": "How can you help?",
        reverse("case-study-nominate"): "Nominate a shining light",
        reverse("case-study-edit", args=[case_study.pk]): "Edit the case study",
        case_study.get_absolute_url(): "Recipe: how to replicate it",
        pilot.get_absolute_url(): "Case study: Pilot of Smart bins for town centres",
        reverse("follow-list"): "What you follow",
    }

    found = {url: text in _html(client, person, url) for url, text in pages.items()}

    assert found == dict.fromkeys(pages, True)


def test_case_study_list_is_marked_current_in_the_main_navigation(client):
    response = client.get(reverse("case-study-list"))

    assert (
        f'<a href="{reverse("case-study-list")}" aria-current="page">Case studies</a>'
        in response.text
    )
