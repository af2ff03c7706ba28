"""HTML pages of the core app: home, accounts, organisations, notifications, settings.

Each view parses the request, calls a query or a service and renders. Services raise
ValidationError, PermissionDenied or InvalidTransition; views show the first and last as form
errors or messages, and let PermissionDenied become a 403.

The home, dashboard and organisation pages show listings. Listings sit above the core app,
so those pages load them through template tags the listings app registers (``listing_tags``:
``latest_listings``, ``organisation_listings_page``, ``listing_status_counts``); no module
of ``exchange`` imports ``listings``.
"""

from exchange.views.accounts import (
    dashboard,
    home,
    profile,
    rate_limited_login,
    rate_limited_password_reset,
    signup,
)
from exchange.views.organisations import (
    invitation_accept,
    organisation_create,
    organisation_detail,
    organisation_edit,
    organisation_join,
    organisation_leave,
    organisation_list,
    organisation_members,
)
from exchange.views.personal import api_tokens, notification_list, notification_settings

__all__ = [
    "api_tokens",
    "dashboard",
    "home",
    "invitation_accept",
    "notification_list",
    "notification_settings",
    "organisation_create",
    "organisation_detail",
    "organisation_edit",
    "organisation_join",
    "organisation_leave",
    "organisation_list",
    "organisation_members",
    "profile",
    "rate_limited_login",
    "rate_limited_password_reset",
    "signup",
]
