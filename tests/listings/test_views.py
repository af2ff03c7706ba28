import pytest
from django.urls import reverse

from exchange.models import Need
from listings.enums import ListingStatus, Visibility
from listings.models import Listing
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def _form(org, **overrides):
    data = {
        "organisation": org.pk,
        "kind": "request",
        "title": "Falls prevention at home",
        "summary": "Sensors or visits that cut falls among people over 75.",
        "body": "**Urgent**",
        "tags": "falls, telecare",
        "needs": [Need.objects.order_by("pk").first().pk],
        "price_model": "free",
        "price": "",
        "budget": "25000.50",
        "region": "north_west",
        "visibility": "public",
        "video_url": "",
        "website_url": "",
    }
    data.update(overrides)
    return data


def test_listing_create_page_saves_draft(client, council):
    author = council.memberships.get().user
    client.force_login(author)

    response = client.post(reverse("listing-create"), _form(council))

    listing = Listing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == listing.get_absolute_url()
    assert (listing.status, listing.budget_pence, listing.author) == ("draft", 2_500_050, author)
    assert sorted(listing.tags.values_list("slug", flat=True)) == ["falls", "telecare"]


def test_listing_create_page_can_publish_now(client, council):
    client.force_login(council.memberships.get().user)

    client.post(reverse("listing-create"), {**_form(council), "publish_now": "1"})

    assert Listing.objects.get().status == ListingStatus.PUBLISHED


def test_listing_create_page_shows_field_errors_and_saves_nothing(client, supplier):
    client.force_login(supplier.memberships.get().user)

    response = client.post(
        reverse("listing-create"),
        _form(supplier, kind="product", title="", price_model="fixed", price="", budget="10"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {
        "title": ["This field is required."],
        "price": ["Enter a price for this price model."],
        "budget": ["Only requests have a budget."],
    }
    assert Listing.objects.count() == 0
    assert "There are problems" in response.content.decode()


def test_listing_create_page_refuses_other_organisation(client, council, supplier):
    client.force_login(council.memberships.get().user)

    response = client.post(reverse("listing-create"), _form(supplier))

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert Listing.objects.count() == 0


def test_listing_create_without_organisation_redirects_to_organisations(client):
    client.force_login(UserFactory())

    response = client.get(reverse("listing-create"))

    assert (response.status_code, response["Location"]) == (302, reverse("organisation-list"))


def test_listing_create_requires_login(client):
    response = client.get(reverse("listing-create"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_listing_detail_renders_sanitised_markdown(client, supplier):
    listing = make_listing(
        organisation=supplier, body="**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
    )

    content = client.get(listing.get_absolute_url()).content.decode()

    assert "<strong>Bold</strong>" in content
    assert "<script>alert(1)" not in content
    assert "javascript:alert" not in content


def test_listing_detail_wrong_slug_redirects_to_canonical(client, supplier):
    listing = make_listing(organisation=supplier)

    response = client.get(reverse("listing-detail", kwargs={"pk": listing.pk, "slug": "old"}))

    assert (response.status_code, response["Location"]) == (301, listing.get_absolute_url())


def test_listing_edit_page_updates(client, supplier):
    listing = make_listing(organisation=supplier)
    client.force_login(supplier.memberships.get().user)

    response = client.post(
        reverse("listing-edit", kwargs={"pk": listing.pk}),
        _form(
            supplier, kind="product", title="Solar bins", budget="", price_model="from", price="450"
        ),
    )

    listing.refresh_from_db()
    assert response.status_code == 302
    assert (listing.title, listing.price_model, listing.price_pence) == (
        "Solar bins",
        "from",
        45000,
    )


def test_listing_edit_page_by_other_organisation_is_forbidden(client, supplier, council):
    listing = make_listing(organisation=supplier)
    client.force_login(council.memberships.get().user)

    response = client.post(reverse("listing-edit", kwargs={"pk": listing.pk}), _form(supplier))

    listing.refresh_from_db()
    assert response.status_code == 403
    assert listing.title == "Smart bins for town centres"


def test_listing_status_close_then_illegal_close_shows_message(client, supplier):
    listing = make_listing(organisation=supplier)
    client.force_login(supplier.memberships.get().user)
    url = reverse("listing-status", kwargs={"pk": listing.pk})

    client.post(url, {"action": "close"})
    response = client.post(url, {"action": "close"}, follow=True)

    listing.refresh_from_db()
    assert listing.status == ListingStatus.CLOSED
    assert [str(m) for m in response.context["messages"]] == [
        "Listing closed: it stays visible but is marked closed.",
        "A closed listing cannot be closed.",
    ]


def test_listing_status_by_outsider_is_forbidden(client, supplier, council):
    listing = make_listing(organisation=supplier)
    client.force_login(council.memberships.get().user)

    response = client.post(
        reverse("listing-status", kwargs={"pk": listing.pk}), {"action": "archive"}
    )

    listing.refresh_from_db()
    assert response.status_code == 403
    assert listing.status == ListingStatus.PUBLISHED


def test_browse_filters_by_kind_tag_and_price(client, supplier, council):
    make_listing(
        organisation=supplier,
        title="Paid bins",
        price_model="fixed",
        price_pence=100,
        tag_names=["bins"],
    )
    make_listing(organisation=supplier, title="Free bins", tag_names=["bins"])
    make_listing(organisation=council, title="Bin request", kind="request", tag_names=["bins"])

    response = client.get(
        reverse("listing-browse"), {"tag": "bins", "price": "free", "kind": "product"}
    )

    assert [item.title for item in response.context["result"].listings] == ["Free bins"]


def test_browse_empty_state_suggests_removing_filters(client):
    response = client.get(reverse("listing-browse"), {"kind": "idea"})

    content = response.content.decode()
    assert "No listings match these filters." in content
    assert "Try removing a filter" in content


def test_browse_says_about_for_estimated_facet_counts_but_not_the_selected_one(
    client, supplier, settings
):
    settings.SEARCH_EXACT_LIMIT = 4
    made = [
        make_listing(
            organisation=supplier, title=f"Gritting route {n}", kind="idea" if n == 0 else "product"
        )
        for n in range(12)
    ]
    products = 3 * sum(1 for x in made if x.kind == "product" and x.pk % 3 == 0)

    content = client.get(reverse("listing-browse"), {"q": "gritting ", "kind": "idea"}).content
    text = " ".join(content.decode().split())

    assert '✓ </span>Idea <span class="count">(1)</span>' in text
    assert f'Product <span class="count">(about {products})</span>' in text


def test_browse_ignores_unknown_filter_values(client, supplier):
    make_listing(organisation=supplier, title="Visible")

    response = client.get(
        reverse("listing-browse"), {"kind": "spaceship", "need": "<script>", "sort": "random"}
    )

    assert response.status_code == 200
    assert [item.title for item in response.context["result"].listings] == ["Visible"]
    assert response.context["params"].querystring() == ""


def test_browse_unknown_slug_shows_removable_filter(client, supplier):
    make_listing(organisation=supplier, title="Visible")

    response = client.get(reverse("listing-browse"), {"need": "retired-need"})

    content = response.content.decode()
    assert response.context["result"].total == 0
    assert "No listings match these filters." in content
    assert 'href="?">Remove need: retired-need</a>' in content


def test_my_listings_shows_drafts_of_my_organisations(client, supplier):
    make_listing(organisation=supplier, title="Draft idea", publish=False)
    make_listing(title="Someone else's")
    client.force_login(add_member(supplier))

    response = client.get(reverse("listing-mine"))

    groups = response.context["groups"]
    assert [(org.name, [item.title for item in ls]) for org, ls in groups] == [
        (supplier.name, ["Draft idea"])
    ]


def test_shared_listing_form_requires_organisations(client, supplier):
    client.force_login(supplier.memberships.get().user)

    response = client.post(reverse("listing-create"), _form(supplier, visibility=Visibility.SHARED))

    assert response.context["form"].errors == {
        "shared_with": ["Choose at least one organisation to share with."]
    }


def test_listing_create_page_lists_only_my_organisations(client, supplier):
    make_organisation(name="Not mine")
    client.force_login(supplier.memberships.get().user)

    response = client.get(reverse("listing-create"))

    choices = [label for _, label in response.context["form"].fields["organisation"].choices]
    assert choices == [supplier.name]
