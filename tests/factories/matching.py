"""Builders for matching tests: plain scoring data (no database) and real listings."""

from __future__ import annotations

from exchange.models import Need, Organisation
from listings import services as listing_services
from listings.models import Listing
from matching.scoring import CorpusStats, ListingData, NeedRef, TagRef
from tests.factories.exchange import NeedAreaFactory, NeedFactory
from tests.factories.listings import make_listing

ISOLATION = NeedRef(1, "Reducing isolation", 10, "Adult social care")
FALLS = NeedRef(2, "Falls prevention", 10, "Adult social care")
POTHOLES = NeedRef(3, "Pothole reporting and repair", 20, "Highways and transport")
BEFRIENDING = TagRef(1, "befriending")
VOLUNTEERS = TagRef(2, "volunteers")
RURAL = TagRef(3, "rural")


def data(
    id: int = 1,
    *,
    kind: str = "request",
    organisation_id: int | None = None,
    title: str = "",
    summary: str = "",
    needs: tuple[NeedRef, ...] = (),
    tags: tuple[TagRef, ...] = (),
    region: str = "north_west",
    region_name: str = "North West",
    **extra,
) -> ListingData:
    """Scoring data of one listing; each listing its own organisation unless told."""
    return ListingData(
        id=id,
        kind=kind,
        organisation_id=organisation_id if organisation_id is not None else 100 + id,
        title=title,
        summary=summary,
        needs=needs,
        tags=tags,
        region=region,
        region_name=region_name,
        **extra,
    )


def flat_stats(documents: int = 10) -> CorpusStats:
    """Statistics in which every need, area, tag and word is unseen: all rarities equal."""
    return CorpusStats(documents=documents)


def needs(*slugs: str) -> list[Need]:
    """Needs of the shipped vocabulary (loaded by a migration), in the order named."""
    found = Need.objects.select_related("area").in_bulk(slugs, field_name="slug")
    return [found[slug] for slug in slugs]


def make_needs(*names: str) -> list[Need]:
    """New needs in one new area, in order."""
    area = NeedAreaFactory()
    return [NeedFactory(area=area, name=name) for name in names]


def make_match_listing(
    organisation: Organisation,
    *,
    kind: str,
    title: str,
    summary: str = "A listing for matching tests.",
    needs: list[Need] | None = None,
    tags: list[str] | None = None,
    publish: bool = True,
    **extra,
) -> Listing:
    """A listing through the real services with the needs and tags matching reads."""
    return make_listing(
        organisation=organisation,
        kind=kind,
        title=title,
        summary=summary,
        needs=needs or [],
        tag_names=tags or [],
        publish=publish,
        **extra,
    )


def archive(listing: Listing) -> Listing:
    author = listing.organisation.memberships.first().user
    return listing_services.listing_archive(actor=author, listing=listing)
