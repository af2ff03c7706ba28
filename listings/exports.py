"""CSV exports of the council workflows (written with the ``csv`` module)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.conf import settings

from listings.models import Shortlist, ShortlistItem

SHORTLIST_COLUMNS = [
    "position",
    "title",
    "kind",
    "organisation",
    "status",
    "price_model",
    "price_pence",
    "url",
    "note",
    "added_by",
    "added_at",
]


def _cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def shortlist_csv(shortlist: Shortlist, items: Iterable[ShortlistItem]) -> str:
    """One row per item, in order; ``items`` are those the exporter may see."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SHORTLIST_COLUMNS)
    for item in items:
        listing = item.listing
        writer.writerow(
            [
                item.position,
                _cell(listing.title),
                listing.kind,
                _cell(listing.organisation.name),
                listing.status,
                listing.price_model,
                "" if listing.price_pence is None else listing.price_pence,
                f"{settings.SITE_URL}{listing.get_absolute_url()}",
                _cell(item.note),
                item.added_by.email if item.added_by else "",
                item.added_at.isoformat(timespec="seconds"),
            ]
        )
    return buffer.getvalue()
