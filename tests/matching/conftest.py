from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events import services as event_services
from events.models import Booking
from listings import workflows
from listings.enums import ListingKind, Visibility
from listings.models import Interest, Listing, PilotRequest
from matching import queries
from tests.factories.events import book, make_event, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing, make_pilot
from tests.factories.matching import make_match_listing, needs

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fresh_corpus_stats(settings):
    """Score against the database as it is now: no cached rarity from another test."""
    settings.MATCH_STATS_TTL = 0
    queries.forget_corpus_stats()
    yield
    queries.forget_corpus_stats()


@pytest.fixture
def world(db):
    """A council request about isolation and offers around it, none matched yet.

    - ``befriending``: a charity's service on the same need and tags, in the same region;
    - ``tablets``: a supplier's product on a need in the same area (falls), over budget;
    - ``own_offer``: the council's own service on the same need (never its match);
    - ``other_request``: another council's request on the same need (two requests never match).
    """
    council = make_organisation(name="Northshire County Council", kind="council")
    charity = make_organisation(name="Silver Threads", kind="third_sector")
    supplier = make_organisation(name="Kinlink", kind="supplier", region="national")
    other_council = make_organisation(name="Kingsmere District Council", kind="council")
    isolation, falls = needs("reducing-isolation", "falls-prevention")
    request = make_match_listing(
        council,
        kind="request",
        title="Reducing isolation among older people in rural villages",
        summary="Connect older people living alone with befriending and community groups.",
        needs=[isolation],
        tags=["befriending", "rural"],
        budget_pence=2_500_000,
        region="north_west",
    )
    befriending = make_match_listing(
        charity,
        kind="service",
        title="Telephone befriending for older people",
        summary="Volunteers call older people who live alone every week.",
        needs=[isolation],
        tags=["befriending", "volunteers"],
        region="north_west",
    )
    tablets = make_match_listing(
        supplier,
        kind="product",
        title="Falls sensors for extra care housing",
        summary="Radar sensors that detect falls without cameras.",
        needs=[falls],
        tags=["telecare"],
        price_model="fixed",
        price_pence=3_000_000,
        region="national",
    )
    own_offer = make_match_listing(
        council,
        kind="service",
        title="Befriending volunteers from Northshire",
        needs=[isolation],
        tags=["befriending"],
    )
    other_request = make_match_listing(
        other_council, kind="request", title="Isolation in Kingsmere", needs=[isolation]
    )
    return SimpleNamespace(
        council=council,
        charity=charity,
        supplier=supplier,
        other_council=other_council,
        request=request,
        befriending=befriending,
        tablets=tablets,
        own_offer=own_offer,
        other_request=other_request,
        isolation=isolation,
        falls=falls,
    )


# --- Trends: a seeded exchange in the current month and the two before it -------------------


def month_start(months_ago: int, today: date | None = None) -> date:
    """The first day of the month ``months_ago`` before ``today``'s (London time)."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_ago
    return date(index // 12, index % 12 + 1, 1)


def moment(months_ago: int, day: int, hour: int = 12) -> datetime:
    first = month_start(months_ago)
    return datetime(first.year, first.month, day, hour, tzinfo=LONDON)


def ym(months_ago: int) -> str:
    return f"{month_start(months_ago):%Y-%m}"


@pytest.fixture
def seeded(db):
    """Listings, interests, pilots and bookings placed in known months (M0 = this month).

    Waste (fly-tipping, food waste) and adult social care (isolation, falls):
    - product "Bins" (supplier, North West, waste): published in M0;
    - request "Isolation" (council A, London, isolation + falls): M-1 — one row in ASC;
    - "Both" (supplier, fly-tipping + isolation): M-2 — one in each area;
    - "Private bins" shared with council B only (waste): M0;
    - "Old" (waste): 13 months ago, before the window; a draft (waste) never published;
    - council B says "we need this too" on "Isolation" in M0, and is "interested" in "Bins"
      (an offer: not a "we need this too");
    - council A asks for a pilot of "Bins" in M0;
    - a breakfast showcasing "Bins" and "Both": 2 seats confirmed in M0 (by council A),
      1 seat cancelled.
    """
    fly, food, isolation, falls = needs(
        "fly-tipping-enforcement", "food-waste-collection", "reducing-isolation", "falls-prevention"
    )
    supplier = make_organisation(name="Brightbin", kind="supplier", region="north_west")
    council_a = make_organisation(name="Council A", kind="council", region="london")
    council_b = make_organisation(name="Council B", kind="council", region="north_west")
    bins = make_listing(organisation=supplier, title="Bins", needs=[fly, food], region="north_west")
    request = make_listing(
        organisation=council_a,
        kind=ListingKind.REQUEST,
        title="Isolation",
        needs=[isolation, falls],
        region="london",
    )
    both = make_listing(organisation=supplier, title="Both", needs=[fly, isolation])
    private = make_listing(
        organisation=supplier,
        title="Private bins",
        needs=[food],
        visibility=Visibility.SHARED,
        shared_with=[council_b],
    )
    old = make_listing(organisation=supplier, title="Old", needs=[fly])
    make_listing(organisation=supplier, title="Draft", needs=[fly], publish=False)
    for listing, when in [
        (bins, moment(0, 3)),
        (request, moment(1, 10)),
        (both, moment(2, 1, 0)),
        (private, moment(0, 5)),
        (old, moment(13, 28)),
    ]:
        Listing.objects.filter(pk=listing.pk).update(published_at=when)

    b_officer = council_b.memberships.get().user
    need_too = workflows.interest_register(actor=b_officer, listing=request, organisation=council_b)
    offer_interest = workflows.interest_register(
        actor=b_officer, listing=bins, organisation=council_b
    )
    Interest.objects.filter(pk__in=[need_too.pk, offer_interest.pk]).update(created_at=moment(0, 1))
    pilot = make_pilot(requester=council_a, offer=bins)
    PilotRequest.objects.filter(pk=pilot.pk).update(created_at=moment(0, 2))

    a_admin = council_a.memberships.order_by("pk").first().user
    event = make_event(organisation=council_a, title="Waste breakfast", region="london")
    event_services.event_listing_link(actor=a_admin, event=event, listing=bins)
    event_services.event_listing_link(actor=a_admin, event=event, listing=both)
    booker = add_member(council_a, UserFactory())
    two = book(ticket(event), user=booker, quantity=2, organisation=council_a)
    cancelled = book(ticket(event), quantity=1)
    event_services.booking_cancel(actor=cancelled.booker, booking=cancelled)
    Booking.objects.filter(pk__in=[two.pk, cancelled.pk]).update(created_at=moment(0, 10))
    return SimpleNamespace(
        supplier=supplier,
        supplier_member=supplier.memberships.get().user,
        council_a=council_a,
        council_b=council_b,
        a_officer=a_admin,
        b_officer=b_officer,
        outsider=UserFactory(),
        staff=UserFactory(is_superuser=True),
        bins=bins,
        event=event,
    )
