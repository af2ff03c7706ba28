"""Calendar feed figures (issue 7). Prints name=value lines. Run: python -m bench.feeds

In process, one run, Django's test client against a fresh database:

- baseline: the API event detail endpoint (``/api/v1/events/<id>/``);
- the organiser feed of 200 events and the public feed of 2,000 events, as served (the
  rendering is cached under the feed's ETag, so a request that follows no edit answers from
  the cache) and uncached (cache and VEVENT memo cleared before every request: the full
  build);
- the feeds rebuilt after an edit (the feed's cached body gone, its entries' VEVENT blocks
  still cached: only edited entries are serialised again);
- a conditional request hitting the organiser feed's ETag (304).

Each p50 in milliseconds and as a ratio to the baseline. Targets: 200-event feed p50
<= 100 ms; the 304 no slower than the event detail endpoint. The run also checks that an
edit shows in the very next request (a stale cache would fail it).

BENCH_REPEAT (default 40) sets the samples of the fast figures; uncached renderings take
BENCH_REPEAT // 4 (public feed: // 8) samples.
"""

from __future__ import annotations

import os
from datetime import timedelta

from bench.common import measure, p50, p95, report, setup_django

REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
ORGANISER_EVENTS = 200
PUBLIC_EVENTS = 2000


def seed():  # type: ignore[no-untyped-def]
    """An organiser with 200 published events (through the services), and 1,800 more events
    of other organisers bulk-inserted as published, each with two tags."""
    from django.utils import timezone
    from django.utils.text import slugify

    from events import services
    from events.models import Event
    from exchange import services as core
    from exchange.models import Tag, User

    organiser = User.objects.create_user("organiser@bench.example", "x" * 12)
    organisation = core.organisation_create(
        actor=organiser, name="Bench County Council", kind="council"
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=7)
    first = None
    for i in range(ORGANISER_EVENTS):
        starts = start + timedelta(days=i, hours=i % 5)
        event = services.event_create(
            actor=organiser,
            organisation=organisation,
            kind="breakfast",
            title=f"Bench breakfast {i}: digital care, housing and roads",
            summary="Councils and suppliers talk about what works, over coffee.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=50,
            venue_name="Bench Hall",
            venue_address="1 Market Street\nBenchton",
            tag_names=["care", "housing"],
        )
        services.ticket_type_create(actor=organiser, event=event, name="Free", capacity=50)
        event = services.event_publish(actor=organiser, event=event)
        first = first or event
    others = [
        core.organisation_create(
            actor=User.objects.create_user(f"other{n}@bench.example", "x" * 12),
            name=f"Bench organiser {n}",
            kind="supplier",
        )
        for n in range(10)
    ]
    now = timezone.now()
    rows = []
    for i in range(PUBLIC_EVENTS - ORGANISER_EVENTS):
        starts = start + timedelta(days=i % 700, hours=i % 9)
        title = f"Bench workshop {i}: open data for local services"
        rows.append(
            Event(
                organiser=others[i % len(others)],
                kind="workshop",
                title=title,
                slug=f"{slugify(title)}-{i}",
                summary="A hands-on session.",
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                venue_name="Workshop Hub",
                capacity=30,
                status="published",
                published_at=now,
                sequence=1,
                last_modified=now,
            )
        )
    created = Event.objects.bulk_create(rows, batch_size=500)
    tags = list(Tag.objects.filter(slug__in=["care", "housing"]))
    through = Event.tags.through
    through.objects.bulk_create(
        [through(event_id=e.pk, tag_id=t.pk) for e in created for t in tags], batch_size=1000
    )
    return organiser, organisation, first


def main() -> None:
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # the figures, not every eager task's log
    vendor = setup_django("feeds")
    from django.core.cache import cache
    from django.test import Client

    from events import services
    from events.views.feeds import _vevent_block

    organiser, organisation, event = seed()
    client = Client()
    detail_url = f"/api/v1/events/{event.pk}/"
    organiser_url = f"/events/organisers/{organisation.slug}/feed.ics"
    public_url = "/events/feed.ics"

    def get(url: str, expect: int = 200, **headers: str) -> bytes:
        response = client.get(url, **headers)  # type: ignore[arg-type]
        assert response.status_code == expect, (url, response.status_code)
        return response.content

    organiser_body = get(organiser_url)
    public_body = get(public_url)
    assert organiser_body.count(b"BEGIN:VEVENT") == ORGANISER_EVENTS
    assert public_body.count(b"BEGIN:VEVENT") == PUBLIC_EVENTS
    etag = client.get(organiser_url)["ETag"]

    def uncached(url: str) -> None:
        cache.clear()
        _vevent_block.cache_clear()  # no memoised VEVENT blocks either: the full build
        get(url)

    def rebuilt(url: str) -> None:
        """The whole feed rebuilt, its entries' VEVENT blocks still cached: what the first
        request after an edit of one event costs."""
        etag = client.head(url)["ETag"].strip('"')
        cache.delete(f"events:feed:{etag}")
        get(url)

    baseline = measure(lambda: get(detail_url), repeat=REPEAT)
    organiser_cached = measure(lambda: get(organiser_url), repeat=REPEAT)
    organiser_cold = measure(lambda: uncached(organiser_url), repeat=max(3, REPEAT // 4))
    organiser_rebuilt = measure(lambda: rebuilt(organiser_url), repeat=max(3, REPEAT // 4))
    public_cached = measure(lambda: get(public_url), repeat=REPEAT)
    public_rebuilt = measure(lambda: rebuilt(public_url), repeat=max(3, REPEAT // 8), warmup=1)
    public_cold = measure(lambda: uncached(public_url), repeat=max(3, REPEAT // 8), warmup=1)
    not_modified = measure(
        lambda: get(organiser_url, expect=304, HTTP_IF_NONE_MATCH=etag), repeat=REPEAT
    )

    # An edit shows in the very next request, cache or not.
    services.event_update(actor=organiser, event=event, title="Renamed bench breakfast")
    assert b"SUMMARY:Renamed bench breakfast" in get(organiser_url)
    get(organiser_url, expect=200, HTTP_IF_NONE_MATCH=etag)

    base = p50(baseline)
    prefix = f"feeds.{vendor}"
    report(f"{prefix}.api_event_detail.p50_ms", base)
    report(f"{prefix}.api_event_detail.p95_ms", p95(baseline))
    for name, samples in (
        ("organiser_feed_200", organiser_cached),
        ("organiser_feed_200_uncached", organiser_cold),
        ("organiser_feed_200_after_edit", organiser_rebuilt),
        ("public_feed_2000", public_cached),
        ("public_feed_2000_uncached", public_cold),
        ("public_feed_2000_after_edit", public_rebuilt),
        ("organiser_feed_304", not_modified),
    ):
        report(f"{prefix}.{name}.p50_ms", p50(samples))
        report(f"{prefix}.{name}.ratio_to_baseline", p50(samples) / base)
    report(f"{prefix}.organiser_feed_200.bytes", len(organiser_body))
    report(f"{prefix}.public_feed_2000.bytes", len(public_body))
    report(f"{prefix}.target_200_feed_p50_le_100ms", str(p50(organiser_cached) <= 100).lower())
    report(f"{prefix}.target_304_le_event_detail", str(p50(not_modified) <= base).lower())


if __name__ == "__main__":
    main()
