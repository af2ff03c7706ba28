from django.contrib import admin
from django.urls import include, path

from exchange import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("", include("exchange.health")),  # /healthz and /readyz
    # Accounts: sign up, profile, and Django's auth views (login, logout, password reset).
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.rate_limited_login, name="login"),
    path("accounts/password_reset/", views.rate_limited_password_reset, name="password_reset"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    # Organisations and memberships.
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation-edit"),
    path(
        "organisations/<slug:slug>/members/",
        views.organisation_members,
        name="organisation-members",
    ),
    path("organisations/<slug:slug>/join/", views.organisation_join, name="organisation-join"),
    path("organisations/<slug:slug>/leave/", views.organisation_leave, name="organisation-leave"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    # Notifications and personal settings.
    path("notifications/", views.notification_list, name="notification-list"),
    path("settings/notifications/", views.notification_settings, name="notification-settings"),
    path("settings/tokens/", views.api_tokens, name="api-tokens"),
    path("", include("listings.urls")),
    path("", include("matching.urls")),
    path("", include("events.urls")),
    path("", include("api.webhooks.urls")),  # the HTML pages of outgoing webhooks
    path("", include("api.urls")),
]
