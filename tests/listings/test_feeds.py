import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from listings.enums import Visibility
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed_corpus(supplier, council):
    make_listing(organisation=supplier, title="Smart bin sensors", tag_names=["waste"])
    make_listing(organisation=council, title="Bin collection request", kind="request")
    make_listing(organisation=supplier, title="Hidden bin plan", visibility=Visibility.MEMBERS)
    return supplier


def test_rss_feed_validates_and_follows_search(client, feed_corpus):
    response = client.get(reverse("listing-feed-rss"), {"q": "bin", "kind": "product"})

    root = ET.fromstring(response.content)
    items = root.findall("./channel/item")
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    assert [i.findtext("title") for i in items] == ["Product: Smart bin sensors"]
    listing = feed_corpus.listings.get(title="Smart bin sensors")
    assert items[0].findtext("guid") == f"http://testserver/listings/{listing.pk}/"
    assert items[0].findtext("category") == "waste"
    assert root.findtext("./channel/link") == "http://testserver/listings/?q=bin&kind=product"


def test_atom_feed_validates_newest_first_and_hides_private(client, feed_corpus):
    response = client.get(reverse("listing-feed-atom"), {"q": "bin"})

    root = ET.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert titles == ["Request: Bin collection request", "Product: Smart bin sensors"]


def test_feed_guid_is_stable_across_renames(client, feed_corpus):
    from listings import services

    listing = feed_corpus.listings.get(title="Smart bin sensors")
    author = feed_corpus.memberships.first().user
    before = ET.fromstring(client.get(reverse("listing-feed-rss")).content)
    services.listing_update(actor=author, listing=listing, title="Solar bin sensors")

    after = ET.fromstring(client.get(reverse("listing-feed-rss")).content)

    guids = lambda root: sorted(i.findtext("guid") for i in root.findall("./channel/item"))  # noqa: E731
    assert guids(before) == guids(after)


def test_search_page_links_its_feeds(client, feed_corpus):
    content = client.get(reverse("listing-browse"), {"q": "bin"}).content.decode()

    assert 'href="/listings/feed/rss/?q=bin"' in content
    assert 'type="application/atom+xml"' in content
