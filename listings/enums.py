from django.db import models


class ListingKind(models.TextChoices):
    IDEA = "idea", "Idea"
    REQUEST = "request", "Request"
    PRODUCT = "product", "Product"
    SERVICE = "service", "Service"


OFFER_KINDS = frozenset({ListingKind.IDEA, ListingKind.PRODUCT, ListingKind.SERVICE})


class PriceModel(models.TextChoices):
    FREE = "free", "Free"
    FIXED = "fixed", "Fixed price"
    FROM = "from", "From"
    PER_USER_PER_YEAR = "per_user_per_year", "Per user per year"
    QUOTE = "quote", "On quotation"


PRICED_MODELS = frozenset({PriceModel.FIXED, PriceModel.FROM, PriceModel.PER_USER_PER_YEAR})


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    MEMBERS = "members", "Members of the exchange"
    SHARED = "shared", "Shared with named organisations"


# Allowed status transitions: current status -> statuses it may move to.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    ListingStatus.DRAFT: frozenset({ListingStatus.PUBLISHED, ListingStatus.ARCHIVED}),
    ListingStatus.PUBLISHED: frozenset({ListingStatus.CLOSED, ListingStatus.ARCHIVED}),
    ListingStatus.CLOSED: frozenset({ListingStatus.PUBLISHED, ListingStatus.ARCHIVED}),
    ListingStatus.ARCHIVED: frozenset(),
}


class AlertFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    OFF = "off", "Off (no emails)"
