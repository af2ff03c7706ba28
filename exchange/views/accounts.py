"""Home page, sign-up, profile and dashboard."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from exchange import queries, services
from exchange.enums import Role
from exchange.exceptions import ValidationError
from exchange.forms import ProfileForm, SignupForm, add_service_error
from exchange.models import Notification
from exchange.typing import AuthenticatedHttpRequest
from exchange.views.common import safe_next

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


def home(request: HttpRequest) -> HttpResponse:
    # Latest listings come from the listings app's template tags (a fragment, see STYLE.md).
    return render(request, "exchange/home.html", {"popular_tags": services.tags_popular(limit=20)})


def _setting_rate(name: str) -> Callable[[str, HttpRequest], str]:
    """A rate read from settings at request time (so it can change without a restart)."""
    return lambda group, request: getattr(settings, name)


@ratelimit(key="ip", rate=_setting_rate("SIGNUP_RATE"), method="POST")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    next_url = safe_next(request)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_signup(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                job_title=data["job_title"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, f"Welcome to the exchange, {user.display_name}.")
            return HttpResponseRedirect(next_url) if next_url else redirect("dashboard")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "job_title": user.job_title}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your profile was saved.")
            return redirect("profile")
    memberships = queries.memberships_of(user)
    return render(request, "exchange/profile.html", {"form": form, "memberships": memberships})


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    memberships = list(queries.memberships_of(user))
    organisations = [{"membership": m} for m in memberships]
    administered = [m.organisation_id for m in memberships if m.role == Role.ADMIN]
    join_requests = queries.pending_join_requests(administered)
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)[:5]
    return render(
        request,
        "exchange/dashboard.html",
        {
            "organisations": organisations,
            "join_requests": join_requests,
            "unread": unread,
        },
    )


# Guessing passwords and flooding inboxes are limited per IP and per account named in the
# form; the counters live in the shared cache (django-ratelimit). Blocked → 429 page.
rate_limited_login = ratelimit(key="ip", rate=_setting_rate("LOGIN_RATE"), method="POST")(
    ratelimit(key="post:username", rate=_setting_rate("LOGIN_RATE"), method="POST")(
        auth_views.LoginView.as_view()
    )
)
rate_limited_password_reset = ratelimit(
    key="ip", rate=_setting_rate("PASSWORD_RESET_RATE"), method="POST"
)(
    ratelimit(key="post:email", rate=_setting_rate("PASSWORD_RESET_RATE"), method="POST")(
        auth_views.PasswordResetView.as_view()
    )
)
