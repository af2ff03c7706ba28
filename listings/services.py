"""Writes of listings: create, update, publish, close, archive, share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from exchange.enums import Region
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, Need, Organisation, User
from exchange.outbox import domain_event_record
from exchange.permissions import (
    LISTING_CHANGE,
    LISTING_MEMBER_PERMS,
    LISTING_PUBLISH,
    grant_to_organisation,
    require_perm,
)
from exchange.queue import enqueue_after_commit
from exchange.services import tags_from_names
from listings import search
from listings.enums import (
    PRICED_MODELS,
    STATUS_TRANSITIONS,
    AlertFrequency,
    ListingKind,
    ListingStatus,
    PriceModel,
    Visibility,
)
from listings.models import Listing, SavedSearch
from listings.queries import SearchParams, new_matches

# follows imports no other listings service, so this import makes no cycle.
from listings.workflows.follows import followers_notify_listing_status

EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "title",
        "summary",
        "body",
        "price_model",
        "price_pence",
        "budget_pence",
        "region",
        "visibility",
        "video_url",
        "website_url",
    }
)


def _changed(listing: Listing) -> None:
    """Keep derived data in step with a written listing (DESIGN.md flow 1).

    The search index is updated now, inside the writing transaction; after commit a task
    recomputes the listing's matches (matching sits above listings: named, not imported).
    """
    search.index_listings([listing.pk])
    enqueue_after_commit("matching.tasks.listing_changed", listing.pk)


def _check_price(listing: Listing) -> None:
    errors: dict[str, str] = {}
    if listing.price_model in PRICED_MODELS and listing.price_pence is None:
        errors["price_pence"] = "Enter the price for this price model."
    if listing.price_model in (PriceModel.FREE, PriceModel.QUOTE):
        listing.price_pence = None
    if listing.kind != ListingKind.REQUEST:
        listing.budget_pence = None
    if errors:
        raise ValidationError(errors)


def _set_relations(
    listing: Listing,
    *,
    tag_names: Iterable[str] | None,
    needs: Iterable[Need] | None,
    shared_with: Iterable[Organisation] | None,
) -> None:
    if tag_names is not None:
        listing.tags.set(tags_from_names(tag_names))
    if needs is not None:
        listing.needs.set(list(needs))
    if shared_with is not None:
        orgs = [org for org in shared_with if org.pk != listing.organisation_id]
        listing.shared_with.set(orgs)
    if listing.visibility == Visibility.SHARED and not listing.shared_with.exists():
        raise ValidationError(
            {"shared_with": "Name at least one organisation to share this listing with."}
        )


@transaction.atomic
def listing_create(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    title: str,
    summary: str,
    body: str = "",
    tag_names: Sequence[str] = (),
    needs: Sequence[Need] = (),
    price_model: str = PriceModel.FREE,
    price_pence: int | None = None,
    budget_pence: int | None = None,
    region: str = Region.NATIONAL,
    visibility: str = Visibility.PUBLIC,
    shared_with: Sequence[Organisation] = (),
    video_url: str = "",
    website_url: str = "",
) -> Listing:
    """Create a draft listing owned by ``organisation``; the actor must be one of its members.

    Side effects: tags created as needed; change/publish permissions granted to the
    organisation's member group.
    """
    if not (
        actor.is_superuser
        or Membership.objects.filter(user=actor, organisation=organisation).exists()
    ):
        raise PermissionDenied("You can only create listings for your own organisation.")
    listing = Listing(
        kind=kind,
        title=title.strip(),
        slug=slugify(title)[:180] or "listing",
        summary=summary.strip(),
        body=body,
        organisation=organisation,
        author=actor,
        price_model=price_model,
        price_pence=price_pence,
        budget_pence=budget_pence,
        region=region,
        visibility=visibility,
        video_url=video_url,
        website_url=website_url,
        status=ListingStatus.DRAFT,
    )
    _check_price(listing)
    listing.full_clean()
    listing.save()
    _set_relations(listing, tag_names=tag_names, needs=needs, shared_with=shared_with)
    grant_to_organisation(listing, organisation, member_perms=LISTING_MEMBER_PERMS)
    _changed(listing)
    return listing


@transaction.atomic
def listing_update(
    *,
    actor: User,
    listing: Listing,
    tag_names: Sequence[str] | None = None,
    needs: Sequence[Need] | None = None,
    shared_with: Sequence[Organisation] | None = None,
    **fields: Any,
) -> Listing:
    """Change a listing's content. Archived listings are frozen."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    require_perm(actor, LISTING_CHANGE, listing)
    if listing.status == ListingStatus.ARCHIVED:
        raise InvalidTransition("An archived listing cannot be edited.")
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    for key, value in fields.items():
        setattr(listing, key, value)
    if "title" in fields:
        listing.title = listing.title.strip()
        listing.slug = slugify(listing.title)[:180] or "listing"
    _check_price(listing)
    listing.full_clean()
    listing.save(update_fields=[*fields, "slug", "price_pence", "budget_pence", "updated_at"])
    _set_relations(listing, tag_names=tag_names, needs=needs, shared_with=shared_with)
    _changed(listing)
    domain_event_record("listing.updated", resource="listing", id=listing.pk)
    return listing


def _transition(actor: User, listing: Listing, target: str) -> Listing:
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    require_perm(actor, LISTING_PUBLISH, listing)
    if target not in STATUS_TRANSITIONS[listing.status]:
        state = listing.get_status_display().lower()
        article = "An" if state[0] in "aeiou" else "A"
        raise InvalidTransition(
            f"{article} {state} listing cannot be {ListingStatus(target).label.lower()}."
        )
    previous_status = listing.status
    listing.status = target
    update = ["status", "updated_at"]
    if target == ListingStatus.PUBLISHED and listing.published_at is None:
        listing.published_at = timezone.now()
        update.append("published_at")
    if target == ListingStatus.ARCHIVED and listing.published_at is None:
        # Archived drafts keep the constraint "not draft → has a date".
        listing.published_at = timezone.now()
        update.append("published_at")
    listing.save(update_fields=update)
    _changed(listing)
    followers_notify_listing_status(listing=listing, previous_status=previous_status)
    if event_type := TRANSITION_EVENTS.get(target):
        domain_event_record(event_type, resource="listing", id=listing.pk)
    return listing


@transaction.atomic
def listing_publish(*, actor: User, listing: Listing) -> Listing:
    """draft/closed → published. Side effects: published_at set on first publication."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    require_perm(actor, LISTING_PUBLISH, listing)
    if listing.visibility == Visibility.SHARED and not listing.shared_with.exists():
        raise ValidationError("Share the listing with at least one organisation first.")
    return _transition(actor, listing, ListingStatus.PUBLISHED)


@transaction.atomic
def listing_close(*, actor: User, listing: Listing) -> Listing:
    """published → closed: still visible, no longer open for responses."""
    return _transition(actor, listing, ListingStatus.CLOSED)


@transaction.atomic
def listing_archive(*, actor: User, listing: Listing) -> Listing:
    """any → archived: hidden from everyone but its organisation. Final."""
    return _transition(actor, listing, ListingStatus.ARCHIVED)


@transaction.atomic
def listing_share(
    *, actor: User, listing: Listing, organisations: Sequence[Organisation]
) -> Listing:
    """Restrict a listing to its own organisation plus the named organisations."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    require_perm(actor, LISTING_CHANGE, listing)
    if listing.status == ListingStatus.ARCHIVED:
        raise InvalidTransition("An archived listing cannot be shared.")
    listing.visibility = Visibility.SHARED
    listing.save(update_fields=["visibility", "updated_at"])
    _set_relations(listing, tag_names=None, needs=None, shared_with=organisations)
    _changed(listing)
    return listing


@transaction.atomic
def listings_reindex(*, organisation_id: int | None = None, tag_id: int | None = None) -> int:
    """Refresh the search documents of an organisation's or a tag's listings."""
    qs = Listing.objects.all()
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if tag_id is not None:
        qs = qs.filter(tags__id=tag_id)
    ids = list(qs.values_list("pk", flat=True))
    search.index_listings(ids)
    return len(ids)


# --- Saved searches and alerts ----------------------------------------------------------------

# Partner webhooks for status changes (closing a listing is not an event partners subscribe to).
TRANSITION_EVENTS: dict[str, str] = {
    ListingStatus.PUBLISHED: "listing.published",
    ListingStatus.ARCHIVED: "listing.archived",
}
UNSUBSCRIBE_SALT = "listings.saved-search.unsubscribe"
ALERT_PERIODS = {
    AlertFrequency.DAILY: timedelta(hours=23),
    AlertFrequency.WEEKLY: timedelta(days=6, hours=23),
}


def _saved_search_clean(saved: SavedSearch) -> None:
    try:
        saved.full_clean()
    except ValidationError as exc:
        if (
            "__all__" in exc.message_dict
            and SavedSearch.objects.filter(user_id=saved.user_id, name=saved.name)
            .exclude(pk=saved.pk)
            .exists()
        ):
            raise ValidationError(
                {"name": "You already have a saved search with this name."}
            ) from exc
        raise


@transaction.atomic
def saved_search_create(
    *, actor: User, name: str, params: SearchParams, frequency: str = AlertFrequency.DAILY
) -> SavedSearch:
    """Save a search. Alerts cover listings published from now on."""
    saved = SavedSearch(
        user=actor,
        name=name.strip(),
        query=params.querystring(),
        frequency=frequency,
        last_sent_at=timezone.now(),
    )
    _saved_search_clean(saved)
    saved.save()
    return saved


@transaction.atomic
def saved_search_update(
    *,
    actor: User,
    saved: SavedSearch,
    name: str | None = None,
    frequency: str | None = None,
    params: SearchParams | None = None,
) -> SavedSearch:
    saved = SavedSearch.objects.select_for_update().get(pk=saved.pk)
    if saved.user_id != actor.pk:
        raise PermissionDenied("This is not your saved search.")
    if name is not None:
        saved.name = name.strip()
    if params is not None:
        saved.query = params.querystring()
    if frequency is not None:
        if saved.frequency == AlertFrequency.OFF and frequency != AlertFrequency.OFF:
            saved.last_sent_at = timezone.now()  # resuming: do not replay the quiet weeks
        saved.frequency = frequency
    _saved_search_clean(saved)
    saved.save(update_fields=["name", "query", "frequency", "last_sent_at", "updated_at"])
    return saved


@transaction.atomic
def saved_search_delete(*, actor: User, saved: SavedSearch) -> None:
    if saved.user_id != actor.pk:
        raise PermissionDenied("This is not your saved search.")
    saved.delete()


def saved_search_unsubscribe_token(saved: SavedSearch) -> str:
    return signing.dumps({"s": saved.pk}, salt=UNSUBSCRIBE_SALT)


@transaction.atomic
def saved_search_unsubscribe(*, token: str) -> SavedSearch:
    """Turn alerts off through a signed link; no login needed. Idempotent."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ValidationError("This unsubscribe link is not valid.") from exc
    saved = SavedSearch.objects.select_for_update().filter(pk=data.get("s")).first()
    if saved is None:
        raise ValidationError("This saved search no longer exists.")
    if saved.frequency != AlertFrequency.OFF:
        saved.frequency = AlertFrequency.OFF
        saved.save(update_fields=["frequency", "updated_at"])
    return saved


def _due(saved: SavedSearch, now: datetime) -> bool:
    period = ALERT_PERIODS.get(AlertFrequency(saved.frequency))
    if period is None:
        return False
    return saved.last_sent_at is None or now - saved.last_sent_at >= period


def saved_search_alerts_send(*, now: datetime | None = None) -> int:
    """Email each person one digest of what newly matches their due saved searches.

    Returns the number of emails sent. A person with nothing new gets no email, but their
    due searches still move on (so the next digest holds only newer listings). Each person
    is handled in their own transaction: one failure does not resend the others.
    """
    now = now or timezone.now()
    due = [
        s
        for s in SavedSearch.objects.exclude(frequency=AlertFrequency.OFF).select_related("user")
        if _due(s, now) and s.user.is_active
    ]
    by_user: dict[int, list[SavedSearch]] = {}
    for saved in due:
        by_user.setdefault(saved.user_id, []).append(saved)
    sent = 0
    for searches in by_user.values():
        with transaction.atomic():
            locked = list(
                SavedSearch.objects.select_for_update()
                .filter(pk__in=[s.pk for s in searches])
                .select_related("user")
                .order_by("name", "pk")
            )
            locked = [s for s in locked if _due(s, now)]
            if not locked:
                continue
            user = locked[0].user
            sections = []
            for saved in locked:
                since = saved.last_sent_at or saved.created_at
                params = SearchParams.from_query(QueryDict(saved.query))
                count, items = new_matches(user, params, since=since, until=now)
                if count:
                    sections.append(
                        {
                            "saved": saved,
                            "count": count,
                            "items": items,
                            "url": settings.SITE_URL + saved.get_absolute_url(),
                            "unsubscribe_url": settings.SITE_URL
                            + reverse(
                                "saved-search-unsubscribe",
                                kwargs={"token": saved_search_unsubscribe_token(saved)},
                            ),
                        }
                    )
            SavedSearch.objects.filter(pk__in=[s.pk for s in locked]).update(last_sent_at=now)
            if sections:
                _send_alert(user, sections)
                sent += 1
    return sent


def _send_alert(user: User, sections: list[dict[str, Any]]) -> None:
    total = sum(section["count"] for section in sections)
    context = {
        "user": user,
        "sections": sections,
        "site_url": settings.SITE_URL,
        "manage_url": settings.SITE_URL + reverse("saved-search-list"),
    }
    message = EmailMultiAlternatives(
        f"{total} new listing{'s' if total != 1 else ''} match your saved searches",
        render_to_string("emails/saved_search_alert.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={
            "List-Unsubscribe": f"<{sections[0]['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("emails/saved_search_alert.html", context), "text/html"
    )
    message.send()
