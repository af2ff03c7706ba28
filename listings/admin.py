from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from listings.models import (
    Answer,
    CaseStudy,
    CoOwner,
    Follow,
    Interest,
    Listing,
    PilotMessage,
    PilotRequest,
    PilotTransition,
    Question,
    RequestResponse,
    SavedSearch,
    Shortlist,
    ShortlistEvent,
    ShortlistItem,
)


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


class _ReadOnlyInline(admin.TabularInline):
    """Audit records (transitions, shortlist events) are history: staff read them only."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class PilotTransitionInline(_ReadOnlyInline):
    model = PilotTransition
    readonly_fields = ("created_at", "from_status", "to_status", "actor", "organisation", "note")
    fields = readonly_fields


class PilotMessageInline(_ReadOnlyInline):
    model = PilotMessage


@admin.register(PilotRequest)
class PilotRequestAdmin(GuardedModelAdmin):
    list_display = ["title", "requester", "supplier", "status", "starts_on", "created_at"]
    list_filter = ["status", "outcome", "decline_reason"]
    search_fields = ["title", "requester__name", "supplier__name"]
    raw_id_fields = ["offer", "response", "origin_request", "requester", "supplier", "created_by"]
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [PilotTransitionInline, PilotMessageInline]


@admin.register(CaseStudy)
class CaseStudyAdmin(GuardedModelAdmin):
    list_display = ["title", "organisation", "origin", "status", "published_at"]
    list_filter = ["origin", "status", "region"]
    search_fields = ["title", "summary", "organisation__name"]
    raw_id_fields = ["organisation", "partner", "created_by", "consent_by"]
    readonly_fields = ["created_at", "updated_at", "published_at", "consent_at"]


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    raw_id_fields = ["author", "organisation"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "listing", "case_study", "organisation", "status", "created_at"]
    list_filter = ["status", "anonymous", "decline_reason"]
    search_fields = ["text", "organisation__name"]
    raw_id_fields = ["listing", "case_study", "asker", "organisation", "status_by"]
    readonly_fields = ["created_at", "closed_at"]
    inlines = [AnswerInline]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["listing", "organisation", "anonymous", "created_at"]
    list_filter = ["anonymous", "organisation__kind"]
    search_fields = ["listing__title", "organisation__name"]
    raw_id_fields = ["listing", "organisation", "created_by"]


@admin.register(CoOwner)
class CoOwnerAdmin(admin.ModelAdmin):
    list_display = ["listing", "organisation", "status", "created_at", "responded_at"]
    list_filter = ["status"]
    raw_id_fields = ["listing", "organisation", "invited_by", "responded_by"]


@admin.register(RequestResponse)
class RequestResponseAdmin(admin.ModelAdmin):
    list_display = ["request", "organisation", "status", "created_at"]
    list_filter = ["status", "decline_reason"]
    search_fields = ["request__title", "organisation__name", "idea_title"]
    raw_id_fields = ["request", "organisation", "author", "proposed_listing", "decided_by"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "listing", "organisation", "case_study", "created_at"]
    raw_id_fields = ["user", "listing", "organisation", "case_study"]


class ShortlistItemInline(admin.TabularInline):
    model = ShortlistItem
    extra = 0
    raw_id_fields = ["listing", "added_by"]


class ShortlistEventInline(_ReadOnlyInline):
    model = ShortlistEvent
    readonly_fields = ("created_at", "actor", "action", "listing", "detail")
    fields = readonly_fields


@admin.register(Shortlist)
class ShortlistAdmin(GuardedModelAdmin):
    list_display = ["name", "organisation", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["organisation", "created_by", "chosen_listing", "outcome_by"]
    inlines = [ShortlistItemInline, ShortlistEventInline]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "frequency", "last_sent_at"]
    list_filter = ["frequency"]
    raw_id_fields = ["user"]
