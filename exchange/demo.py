"""Demo data: a living exchange for newcomers, and bulk listings for benchmarks.

The hand-written exchange (``data/demo.json``) goes through the real services, so it gets
the same permissions and side effects as real use. Bulk generation uses bulk inserts for
speed and writes the same rows the services would (listing, tags, needs, object grants).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from exchange import services
from exchange.enums import Region
from exchange.models import Membership, Need, Organisation, User
from listings import search
from listings import services as listing_services
from listings.enums import ListingKind, ListingStatus, PriceModel, Visibility
from listings.models import Listing, ListingGroupObjectPermission

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.json"
DEMO_PASSWORD = "exchange-demo"  # noqa: S105  (documented demo password, dev data only)
STAFF_EMAIL = "admin@exchange.example"


@dataclass
class SeedReport:
    organisations: int = 0
    people: int = 0
    listings: int = 0


def _user(
    email: str, full_name: str = "", job_title: str = "", *, staff: bool = False
) -> tuple[User, bool]:
    existing = User.objects.filter(email__iexact=email).first()
    if existing:
        return existing, False
    if staff:
        return User.objects.create_superuser(
            email=email, password=DEMO_PASSWORD, full_name=full_name
        ), True
    return services.user_signup(
        email=email, password=DEMO_PASSWORD, full_name=full_name, job_title=job_title
    ), True


@transaction.atomic
def seed_exchange(path: Path = DEMO_FILE) -> SeedReport:
    """Create the hand-written demo exchange. Idempotent: what exists is left alone."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    report = SeedReport()
    _user(STAFF_EMAIL, "Exchange staff", staff=True)
    orgs: dict[str, Organisation] = {}
    for spec in data["organisations"]:
        people = spec["people"]
        admin, created = _user(people[0]["email"], people[0]["full_name"], people[0]["job_title"])
        report.people += int(created)
        org = Organisation.objects.filter(name=spec["name"]).first()
        if org is None:
            org = services.organisation_create(
                actor=admin,
                name=spec["name"],
                kind=spec["kind"],
                region=spec["region"],
                description=spec["description"],
                website=spec.get("website", ""),
                is_small=spec.get("is_small", True),
            )
            report.organisations += 1
        if spec.get("verified") and not org.verified:
            Organisation.objects.filter(pk=org.pk).update(verified=True)
        for person in people[1:]:
            user, created = _user(person["email"], person["full_name"], person["job_title"])
            report.people += int(created)
            if not Membership.objects.filter(user=user, organisation=org).exists():
                services.membership_add(
                    actor=admin, organisation=org, user=user, role=person["role"]
                )
        orgs[spec["key"]] = org
    needs = {n.slug: n for n in Need.objects.all()}
    for spec in data["listings"]:
        org = orgs[spec["org"]]
        if Listing.objects.filter(organisation=org, title=spec["title"]).exists():
            continue
        author = User.objects.get(email__iexact=spec["author"])
        listing = listing_services.listing_create(
            actor=author,
            organisation=org,
            kind=spec["kind"],
            title=spec["title"],
            summary=spec["summary"],
            body=spec["body"],
            tag_names=spec["tags"],
            needs=[needs[s] for s in spec["needs"] if s in needs],
            price_model=spec["price_model"],
            price_pence=spec["price_pence"],
            budget_pence=spec["budget_pence"],
            region=spec["region"],
            visibility=spec["visibility"],
            shared_with=[orgs[k] for k in spec["shared_with"]],
            video_url=spec.get("video_url", ""),
            website_url=spec.get("website_url", ""),
        )
        status = spec["status"]
        if status in (ListingStatus.PUBLISHED, ListingStatus.CLOSED):
            listing = listing_services.listing_publish(actor=author, listing=listing)
        if status == ListingStatus.CLOSED:
            listing = listing_services.listing_close(actor=author, listing=listing)
        if status == ListingStatus.ARCHIVED:
            listing = listing_services.listing_archive(actor=author, listing=listing)
        report.listings += 1
    return report


WORDS = (
    "digital adult social care housing repairs waste recycling fly-tipping potholes libraries "
    "loneliness telecare sensors retrofit insulation heat-pumps solar ev-charging transport "
    "buses school-meals send-transport youth volunteering befriending foodbank debt advice "
    "chatbot booking portal open-data dashboard analytics ai automation low-code mobile app "
    "accessibility translation community engagement consultation planning licensing noise "
    "air-quality trees parks flooding drainage gritting lighting parking permits payments "
    "council-tax benefits homelessness temporary-accommodation hospital-discharge falls "
    "dementia carers reablement domiciliary procurement training apprenticeships skills"
).split()
KINDS = [ListingKind.REQUEST, ListingKind.PRODUCT, ListingKind.SERVICE, ListingKind.IDEA]
SYLLABLES = "ba ce di fo gu ha ke li mo nu pa re si to vu wa xe yo za qui".split()


def pseudo_word(n: int, syllables: int) -> str:
    """The n-th made-up word of that many syllables (deterministic, pronounceable)."""
    parts = []
    for _ in range(syllables):
        n, digit = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(parts)


# A Zipf-shaped vocabulary so generated text has rare, middling and very common words, like
# real text: the domain words first (most common), then 3,000 made-up words.
VOCABULARY = WORDS + [pseudo_word(n, 3) for n in range(3000)]
VOCABULARY_WEIGHTS = [1.0 / (rank + 1) for rank in range(len(VOCABULARY))]
CODE_NAMES = 20_000  # one rare 4-syllable code name per listing title, ~5 listings each per 100k


def code_name(n: int) -> str:
    return pseudo_word(n, 4)


def _price(rng: random.Random, kind: str) -> tuple[str, int | None, int | None]:
    if kind == ListingKind.REQUEST:
        return PriceModel.FREE, None, rng.choice([None, 500_000, 2_500_000, 10_000_000])
    model = rng.choice(list(PriceModel))
    amount = (
        rng.choice([5_000, 120_000, 450_000, 1_500_000])
        if model in (PriceModel.FIXED, PriceModel.FROM, PriceModel.PER_USER_PER_YEAR)
        else None
    )
    return model, amount, None


def bulk_generate_listings(
    count: int,
    *,
    seed: int = 7,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``count`` published listings quickly, spread over existing organisations.

    Writes exactly what ``listing_create`` + ``listing_publish`` would: the listing, its tags
    and needs, and change/publish grants to the owning organisation's member group.
    """
    rng = random.Random(seed)  # deterministic corpus for benchmarks
    orgs = list(Organisation.objects.select_related("member_group").order_by("pk"))
    if not orgs:
        raise RuntimeError("Run seed_demo without --listings first: no organisations exist.")
    authors = dict(Membership.objects.order_by("pk").values_list("organisation_id", "user_id"))
    need_ids = list(Need.objects.values_list("pk", flat=True))
    tags = services.tags_from_names(WORDS)
    tag_ids = [t.pk for t in tags]
    perm_ids = list(
        Permission.objects.filter(
            content_type__app_label="listings", codename__in=["change_listing", "publish_listing"]
        ).values_list("pk", flat=True)
    )
    regions = list(Region.values)
    now = timezone.now()
    made = 0
    while made < count:
        n = min(batch, count - made)
        with transaction.atomic():
            rows: list[Listing] = []
            for _ in range(n):
                kind = rng.choice(KINDS)
                org = rng.choice(orgs)
                words = rng.sample(WORDS, 6)
                title = (
                    f"{words[0].capitalize()} {words[1]} and {words[2]} {kind} "
                    f"{code_name(rng.randrange(CODE_NAMES))}"
                )
                price_model, price, budget = _price(rng, kind)
                rows.append(
                    Listing(
                        kind=kind,
                        title=title,
                        slug=slugify(title)[:180],
                        summary=(
                            f"A {kind} about {words[0]}, {words[1]} and {words[3]} "
                            f"for {words[4]} services."
                        ),
                        body=" ".join(rng.choices(VOCABULARY, VOCABULARY_WEIGHTS, k=40)),
                        organisation=org,
                        author_id=authors.get(org.pk),
                        price_model=price_model,
                        price_pence=price,
                        budget_pence=budget,
                        region=rng.choice(regions),
                        status=ListingStatus.PUBLISHED,
                        visibility=rng.choices(list(Visibility), weights=[90, 8, 2])[0],
                        published_at=now - timedelta(minutes=rng.randrange(0, 525_600)),
                    )
                )
            created = Listing.objects.bulk_create(rows, batch_size=1000)
            tag_through = Listing.tags.through
            need_through = Listing.needs.through
            share_through = Listing.shared_with.through
            tag_rows, need_rows, share_rows, perm_rows = [], [], [], []
            for listing in created:
                for tid in rng.sample(tag_ids, 3):
                    tag_rows.append(tag_through(listing_id=listing.pk, tag_id=tid))
                for nid in rng.sample(need_ids, 2):
                    need_rows.append(need_through(listing_id=listing.pk, need_id=nid))
                if listing.visibility == Visibility.SHARED:
                    other = rng.choice(orgs)
                    if other.pk != listing.organisation_id:
                        share_rows.append(
                            share_through(listing_id=listing.pk, organisation_id=other.pk)
                        )
                    else:
                        listing.visibility = Visibility.PUBLIC
                        Listing.objects.filter(pk=listing.pk).update(visibility=Visibility.PUBLIC)
                group_id = listing.organisation.member_group_id
                for pid in perm_ids:
                    perm_rows.append(
                        ListingGroupObjectPermission(
                            group_id=group_id, permission_id=pid, content_object_id=listing.pk
                        )
                    )
            tag_through.objects.bulk_create(tag_rows, batch_size=5000)
            need_through.objects.bulk_create(need_rows, batch_size=5000)
            share_through.objects.bulk_create(share_rows, batch_size=5000)
            ListingGroupObjectPermission.objects.bulk_create(perm_rows, batch_size=5000)
            search.index_listings([listing.pk for listing in created])
        made += n
        if progress:
            progress(made)
    services.database_analyse()
    return made


__all__ = ["DEMO_PASSWORD", "SeedReport", "bulk_generate_listings", "seed_exchange"]
