"""Celery entry points of the listings app. They take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from listings import services


@shared_task
def send_saved_search_alerts() -> int:
    return services.saved_search_alerts_send()


@shared_task
def reindex_organisation(organisation_id: int) -> int:
    """The organisation's name is in its listings' search documents."""
    return services.listings_reindex(organisation_id=organisation_id)


@shared_task
def reindex_tag(tag_id: int) -> int:
    """Tag names are in search documents; a merge moves listings to another tag."""
    return services.listings_reindex(tag_id=tag_id)
