"""Template helpers of the core app, usable by every app's templates."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from exchange.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render user Markdown as sanitised HTML: ``{{ listing.body|markdown }}``."""
    return render_markdown(text)
