from __future__ import annotations

from django import template

from listings.enums import PriceModel
from listings.models import Listing

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """2500000 → "£25,000"; 1250 → "£12.50"."""
    if pence is None:
        return ""
    whole, part = divmod(int(pence), 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


@register.filter
def price_label(listing: Listing) -> str:
    """Human price: "Free", "£4,000", "From £500", "£12 per user per year", "On quotation"."""
    amount = pounds(listing.price_pence)
    labels: dict[str, str] = {
        PriceModel.FREE: "Free",
        PriceModel.FIXED: amount,
        PriceModel.FROM: f"From {amount}",
        PriceModel.PER_USER_PER_YEAR: f"{amount} per user per year",
        PriceModel.QUOTE: "On quotation",
    }
    return labels.get(listing.price_model, "")


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters changed (empty value removes it)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()
