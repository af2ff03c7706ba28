from exchange.models import Organisation, User
from listings import services
from listings.enums import ListingKind, PriceModel, Visibility
from listings.models import Listing
from tests.factories.exchange import UserFactory, add_member, make_organisation


def make_listing(
    *,
    organisation: Organisation | None = None,
    author: User | None = None,
    kind: str = ListingKind.PRODUCT,
    title: str = "Smart bins for town centres",
    summary: str = "Sensors that report fill levels so crews empty bins only when needed.",
    publish: bool = True,
    visibility: str = Visibility.PUBLIC,
    shared_with: list[Organisation] | None = None,
    price_model: str = PriceModel.FREE,
    price_pence: int | None = None,
    **extra,
) -> Listing:
    """A listing made through the real services (create, then publish unless told not to)."""
    if organisation is None:
        organisation = make_organisation(admin=author)
    if author is None:
        author = organisation.memberships.first().user
    elif not organisation.memberships.filter(user=author).exists():
        add_member(organisation, author)
    listing = services.listing_create(
        actor=author,
        organisation=organisation,
        kind=kind,
        title=title,
        summary=summary,
        visibility=visibility,
        shared_with=shared_with or [],
        price_model=price_model,
        price_pence=price_pence,
        **extra,
    )
    if publish:
        listing = services.listing_publish(actor=author, listing=listing)
    return listing


__all__ = ["UserFactory", "make_listing"]


# --- Council workflows (issue 5) -----------------------------------------------------------------


def make_request(*, organisation: Organisation | None = None, **extra) -> Listing:
    """A published request ("we need …"), by default from a new council."""
    if organisation is None:
        organisation = make_organisation(kind="council")
    extra.setdefault("title", "Reduce isolation among older residents")
    extra.setdefault("summary", "Befriending that reaches people who live alone.")
    return make_listing(organisation=organisation, kind=ListingKind.REQUEST, **extra)


PILOT_DEFAULTS = {
    "scope": "Twelve bins on the high street.\nMonthly review.",
    "success_criteria": "Fewer overflowing bins.\nFewer collections.",
    "contact_name": "Pat Officer",
    "contact_email": "pat@northshire.example",
    "budget_pence": 500_000,
}

# The actions that lead from "requested" to each state, and which side takes them.
PILOT_PATHS = {
    "requested": [],
    "accepted": [("accept", "supplier")],
    "declined": [("decline", "supplier")],
    "withdrawn": [("withdraw", "requester")],
    "active": [("accept", "supplier"), ("start", "requester")],
    "completed": [("accept", "supplier"), ("start", "requester"), ("complete", "requester")],
    "cancelled": [("accept", "supplier"), ("cancel", "requester")],
}


def make_pilot(
    *,
    requester: Organisation | None = None,
    offer: Listing | None = None,
    status: str = "requested",
    **extra,
):
    """A pilot request made and moved to ``status`` through the real services."""
    from listings import workflows

    requester = requester or make_organisation(kind="council")
    offer = offer or make_listing(organisation=make_organisation(kind="supplier"))
    asker = requester.memberships.first().user
    supplier_person = offer.organisation.memberships.first().user
    pilot = workflows.pilot_request_create(
        actor=asker, offer=offer, requester=requester, **{**PILOT_DEFAULTS, **extra}
    )
    people = {"requester": asker, "supplier": supplier_person}
    arguments = {
        "decline": {"reason": "budget", "note": "Not this year."},
        "complete": {"outcome": "met", "report": "Overflows fell by half."},
        "cancel": {"note": "Funding withdrawn."},
    }
    for action, side in PILOT_PATHS[status]:
        service = getattr(workflows, f"pilot_{action}")
        pilot = service(actor=people[side], pilot=pilot, **arguments.get(action, {}))
    return pilot


def make_nomination(
    *, organisation: Organisation | None = None, nominator: User | None = None, **extra
):
    """A "shining light" nomination awaiting the named organisation's consent."""
    from listings import workflows

    organisation = organisation or make_organisation(kind="council")
    values = {
        "title": "Library of things",
        "summary": "Lending tools instead of buying them.",
        "what_tried": "A lending library in the old bank.",
        "recipe": ["Find a space", "Collect donations", "Open on Saturdays"],
    }
    values.update(extra)
    return workflows.case_study_nominate(
        actor=nominator or UserFactory(), organisation=organisation, **values
    )


__all__ += ["make_nomination", "make_pilot", "make_request"]
