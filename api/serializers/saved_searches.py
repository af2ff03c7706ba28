from __future__ import annotations

from django.http import QueryDict
from rest_framework import serializers

from listings.enums import AlertFrequency
from listings.models import SavedSearch
from listings.queries import SearchParams


class SavedSearchSerializer(serializers.ModelSerializer):
    search_url = serializers.SerializerMethodField(help_text="The search page for this search.")

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "frequency", "search_url", "created_at", "last_sent_at"]
        read_only_fields = fields

    def get_search_url(self, saved: SavedSearch) -> str:
        request = self.context.get("request")
        url = saved.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class SavedSearchWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    query = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="A search query string as on the search page, e.g. 'q=befriending&kind=request'.",
    )
    frequency = serializers.ChoiceField(choices=AlertFrequency.choices, required=False)

    def validate_query(self, value: str) -> SearchParams:
        return SearchParams.from_query(QueryDict(value))
