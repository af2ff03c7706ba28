import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from listings.enums import Visibility
from listings.templatetags.listing_tags import pounds, price_label
from tests.factories.exchange import add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def _render(source, user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load listing_tags %}" + source).render(
        Context({"request": request, **context})
    )


@pytest.mark.parametrize(
    ("pence", "text"),
    [(None, ""), (0, "£0"), (1250, "£12.50"), (2_500_000, "£25,000"), (5, "£0.05")],
)
def test_pounds_formats_pence(pence, text):
    assert pounds(pence) == text


@pytest.mark.parametrize(
    ("model", "pence", "text"),
    [
        ("free", None, "Free"),
        ("fixed", 400_000, "£4,000"),
        ("from", 50_000, "From £500"),
        ("per_user_per_year", 1200, "£12 per user per year"),
        ("quote", None, "On quotation"),
    ],
)
def test_price_label_for_every_model(model, pence, text, supplier):
    listing = make_listing(organisation=supplier, price_model=model, price_pence=pence)

    assert price_label(listing) == text


def test_latest_listings_splits_requests_and_offers_within_visibility(supplier, council):
    make_listing(organisation=council, title="Old request", kind="request")
    make_listing(organisation=council, title="New request", kind="request")
    make_listing(organisation=supplier, title="Offer")
    make_listing(organisation=supplier, title="Members offer", visibility=Visibility.MEMBERS)
    source = (
        "{% latest_listings offers=False as r %}{% latest_listings offers=True as o %}"
        "{{ r|join:',' }}|{{ o|join:',' }}"
    )

    assert _render(source, AnonymousUser()) == "New request,Old request|Offer"
    assert _render(source, add_member(council)) == "New request,Old request|Members offer,Offer"


def test_organisation_listings_page_shows_drafts_to_members_only(supplier):
    make_listing(organisation=supplier, title="Draft", publish=False)
    make_listing(organisation=supplier, title="Live")
    source = "{% organisation_listings_page org as page %}{{ page.object_list|join:',' }}"

    assert _render(source, AnonymousUser(), org=supplier) == "Live"
    assert _render(source, add_member(supplier), org=supplier) == "Draft,Live"


def test_listing_status_counts_counts_every_status(supplier):
    make_listing(organisation=supplier, publish=False)
    make_listing(organisation=supplier)
    source = (
        "{% listing_status_counts org as counts %}"
        "{% for label, n in counts %}{{ label }}={{ n }};{% endfor %}"
    )

    assert _render(source, add_member(supplier), org=supplier) == (
        "Draft=1;Published=1;Closed=0;Archived=0;"
    )
