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
