from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from guardian.admin import GuardedModelAdmin

from exchange import services
from exchange.exceptions import PermissionDenied, ValidationError
from exchange.models import (
    ApiToken,
    Invitation,
    JoinRequest,
    Membership,
    Need,
    NeedArea,
    Notification,
    NotificationPreference,
    Organisation,
    OutboxMessage,
    Tag,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "job_title", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "job_title")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin):
    list_display = ["name", "kind", "region", "verified", "is_small", "created_at"]
    list_filter = ["kind", "region", "verified", "is_small"]
    search_fields = ["name", "slug", "description"]
    readonly_fields = ["slug", "admin_group", "member_group"]
    inlines = [MembershipInline]
    actions = ["mark_verified"]

    @admin.action(description="Mark selected organisations as verified public bodies")
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        updated = queryset.update(verified=True)
        self.message_user(request, f"{updated} organisation(s) verified.")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "status", "created_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organisation__name"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organisation__name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "merged_into", "created_at"]
    list_filter = [("merged_into", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    actions = ["merge_into_first"]

    @admin.action(description="Merge selected tags into the first one (alphabetically)")
    def merge_into_first(self, request: HttpRequest, queryset: QuerySet[Tag]) -> None:
        tags = list(queryset.order_by("slug"))
        if len(tags) < 2:
            self.message_user(request, "Choose at least two tags.", messages.WARNING)
            return
        target = tags[0]
        try:
            for source in tags[1:]:
                services.tag_merge(actor=request.user, source=source, target=target)  # type: ignore[arg-type]
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Merged {len(tags) - 1} tag(s) into “{target.name}”.")


class NeedInline(admin.TabularInline):
    model = Need
    extra = 0


@admin.register(NeedArea)
class NeedAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    inlines = [NeedInline]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "slug"]
    list_filter = ["area"]
    search_fields = ["name", "slug", "area__name"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "text", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "text"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "name", "prefix"]
    readonly_fields = ["prefix", "key_hash"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: the relay owns these rows. Unsent rows past due mean the relay is stuck."""

    list_display = ["id", "kind", "available_at", "attempts", "sent_at", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["kind", "payload", "available_at", "attempts", "sent_at", "last_error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
