"""RSS 2.0 and Atom feeds for any search URL (same parameters as the search page)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from listings.models import Listing
from listings.queries import SearchParams, SearchResult, listing_search
from listings.templatetags.listing_tags import price_label

FEED_SIZE = 50


class ListingSearchFeed(Feed):  # type: ignore[type-arg]
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> SearchResult:
        params = SearchParams.from_query(request.GET)
        # Feeds are read by date; relevance order would reshuffle old items.
        params = params.with_value("sort", "newest")
        return listing_search(request.user, params, per_page=FEED_SIZE, with_facets=False)

    def title(self, result: SearchResult) -> str:
        words = f"“{result.params.q}”" if result.params.q else "all listings"
        return f"Open Innovation Exchange: {words}"

    def link(self, result: SearchResult) -> str:
        query = result.params.without("sort").querystring()
        return reverse("listing-browse") + (f"?{query}" if query else "")

    def description(self, result: SearchResult) -> str:
        return "New ideas, requests, products and services matching this search."

    def items(self, result: SearchResult) -> list[Listing]:
        return result.listings

    def item_title(self, item: Listing) -> str:
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item: Listing) -> str:
        return f"{item.summary} — {item.organisation.name} · {price_label(item)}"

    def item_link(self, item: Listing) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Listing) -> str:
        # Stable whatever the title or slug becomes.
        return f"{settings.SITE_URL}/listings/{item.pk}/"

    def item_guid_is_permalink(self, item: Listing) -> bool:
        return True

    def item_pubdate(self, item: Listing) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Listing) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Listing) -> str:
        return item.organisation.name

    def item_categories(self, item: Listing) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class ListingSearchAtomFeed(ListingSearchFeed):
    feed_type = Atom1Feed  # type: ignore[assignment]
    subtitle = ListingSearchFeed.description
