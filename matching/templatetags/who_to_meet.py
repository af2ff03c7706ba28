"""The "Who to meet" fragment of an event page (the events app sits below matching).

The event page passes the organisations involved (the viewer's own, and the other attending
ones, as the events app knows them); this tag reads the stored matches between their
listings, filtered by what the viewer may see, and renders each organisation once with the
reasons of its best match and a "request a meeting" form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from exchange.models import Organisation, User
from listings.enums import ListingStatus
from listings.models import Listing
from listings.queries import visibility_filter
from matching.models import Match, MatchDismissal
from matching.queries import match_level

register = template.Library()

LIMIT = 10


@dataclass
class MeetSuggestion:
    organisation: Organisation
    match: Match
    level: str
    also: list[Match] = field(default_factory=list)


def who_to_meet_for(
    user: User | AnonymousUser, my_org_ids: list[int], other_org_ids: list[int]
) -> list[MeetSuggestion]:
    """Other organisations whose published listings match the user's organisations' ones,
    best match first, each organisation once; both listings visible to ``user``."""
    if not user.is_authenticated or not my_org_ids or not other_org_ids:
        return []
    visible = Listing.objects.filter(visibility_filter(user)).values("pk")
    dismissed = MatchDismissal.objects.filter(
        source_id=OuterRef("source_id"), target_id=OuterRef("target_id")
    )
    matches = (
        Match.objects.filter(
            source__organisation_id__in=my_org_ids,
            target__organisation_id__in=other_org_ids,
            source__status=ListingStatus.PUBLISHED,
            target__status=ListingStatus.PUBLISHED,
            source_id__in=visible,
            target_id__in=visible,
        )
        .filter(~Q(Exists(dismissed)))
        .select_related("source", "target", "target__organisation")
        .order_by("-score", "target_id", "source_id")
    )
    found: dict[int, MeetSuggestion] = {}
    for match in matches[: LIMIT * 5]:
        org = match.target.organisation
        if org.pk in found:
            found[org.pk].also.append(match)
        elif len(found) < LIMIT:
            found[org.pk] = MeetSuggestion(org, match, match_level(match.score))
    return list(found.values())


@register.inclusion_tag("matching/_who_to_meet.html", takes_context=True)
def who_to_meet(
    context: template.Context, event: Any, my_org_ids: list[int], other_org_ids: list[int]
) -> dict[str, Any]:
    request = context["request"]
    mine = list(Organisation.objects.filter(pk__in=my_org_ids).order_by("name"))
    return {
        "event": event,
        "suggestions": who_to_meet_for(request.user, my_org_ids, other_org_ids),
        "my_organisations": mine,
        "csrf_token": context.get("csrf_token"),
    }
