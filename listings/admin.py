from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from listings.models import Listing


@admin.register(Listing)
class ListingAdmin(GuardedModelAdmin):
    list_display = [
        "title",
        "kind",
        "organisation",
        "status",
        "visibility",
        "region",
        "published_at",
    ]
    list_filter = ["kind", "status", "visibility", "price_model", "region", "organisation__kind"]
    search_fields = ["title", "summary", "organisation__name"]
    autocomplete_fields = ["organisation", "tags", "needs", "shared_with"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    date_hierarchy = "published_at"
