from __future__ import annotations

from django import forms

from api.webhooks.payloads import EVENT_TYPES
from exchange.forms import ExchangeForm


class WebhookEndpointForm(ExchangeForm):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where we POST signed events: an https:// address of your system.",
    )
    description = forms.CharField(
        max_length=200, required=False, help_text="What receives these events, for your team."
    )
    event_types = forms.MultipleChoiceField(
        choices=[(t, t) for t in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="You hear only of what your organisation may see.",
    )
