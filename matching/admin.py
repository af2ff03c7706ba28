"""Staff views of the match engine. Read-only: matches are computed, dismissals and notices
are records of what people did and were told."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from matching.models import Match, MatchDismissal, MatchNotice


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["source", "target", "score", "computed_at"]
    list_select_related = ["source", "target"]
    search_fields = ["source__title", "target__title"]
    raw_id_fields = ["source", "target"]
    date_hierarchy = "computed_at"


@admin.register(MatchDismissal)
class MatchDismissalAdmin(ReadOnlyAdmin):
    list_display = ["source", "target", "dismissed_by", "dismissed_at"]
    list_select_related = ["source", "target", "dismissed_by"]
    search_fields = ["source__title", "target__title"]
    raw_id_fields = ["source", "target", "dismissed_by"]


@admin.register(MatchNotice)
class MatchNoticeAdmin(ReadOnlyAdmin):
    list_display = ["source", "target", "notified", "noticed_at"]
    list_select_related = ["source", "target"]
    list_filter = ["notified"]
    raw_id_fields = ["source", "target"]
