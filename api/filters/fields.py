"""Filter fields shared by the API's FilterSets."""

from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters

# The largest id any of our tables can hold (a 64-bit signed primary key).
MAX_ID = 2**63 - 1


class IdFilter(filters.Filter):
    """A related object's id: a whole number from 1, so ``?listing=1e308`` is a 400, not an
    overflow inside the database driver."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
