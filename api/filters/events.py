from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_filters import rest_framework as filters

from events.enums import EventKind, EventStatus
from events.models import Event
from events.queries import events_visible_to
from exchange.enums import Region
from exchange.models import Tag


def _tags_for(request: HttpRequest | None) -> QuerySet[Tag]:
    # Only tags of events the requester may see: a draft's tags must not be confirmable.
    user = getattr(request, "user", None) or AnonymousUser()
    return Tag.objects.filter(events__in=events_visible_to(user).values("pk")).distinct()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class EventFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=EventKind.choices)
    status = filters.ChoiceFilter(choices=EventStatus.choices)
    region = filters.ChoiceFilter(choices=Region.choices)
    tag = filters.ModelChoiceFilter(
        field_name="tags", to_field_name="slug", queryset=_tags_for, help_text="Tag slug."
    )
    price = filters.ChoiceFilter(
        choices=[("free", "Free"), ("paid", "Paid")],
        method="filter_price",
        help_text="free: some ticket is free; paid: some ticket costs money.",
    )
    date_from = filters.DateFilter(method="filter_from", help_text="Events still on from this day.")
    date_to = filters.DateFilter(method="filter_to", help_text="Events starting by this day.")
    upcoming = filters.BooleanFilter(method="filter_upcoming", help_text="Not yet ended.")

    class Meta:
        model = Event
        fields = ["kind", "status", "region", "tag", "price", "date_from", "date_to", "upcoming"]

    def filter_price(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        qs = queryset.annotate(
            _min=Min("ticket_types__price_pence"), _max=Max("ticket_types__price_pence")
        )
        return qs.filter(_min=0) if value == "free" else qs.filter(_max__gt=0)

    def filter_from(self, queryset: QuerySet[Event], name: str, value: date) -> QuerySet[Event]:
        return queryset.filter(ends_at__gte=_start_of(value))

    def filter_to(self, queryset: QuerySet[Event], name: str, value: date) -> QuerySet[Event]:
        return queryset.filter(starts_at__lt=_start_of(value) + timedelta(days=1))

    def filter_upcoming(self, queryset: QuerySet[Event], name: str, value: bool) -> QuerySet[Event]:
        now = timezone.now()
        return queryset.filter(ends_at__gte=now) if value else queryset.filter(ends_at__lt=now)
