"""Settings for Open Innovation Exchange.

Everything comes from environment variables. Without any, the embedded defaults run the
exchange on one machine: SQLite (WAL, IMMEDIATE transactions), eager Celery, console email,
local-memory cache, Stripe off. Production sets DJANGO_ENV=production and the variables
listed in README.md; ``exchange/checks.py`` refuses the embedded defaults there.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    # A fresh random key per process start is fine for local development only.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "guardian",
    "drf_spectacular",
    "exchange",
    "listings",
    "matching",
    "events",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "exchange.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "api.idempotency.IdempotencyMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "exchange.urls"
WSGI_APPLICATION = "exchange.wsgi.application"
ASGI_APPLICATION = "exchange.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exchange.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so capacity checks inside
                # transaction.atomic cannot interleave (DESIGN.md flow 2).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "exchange.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous sees public data only
GUARDIAN_RAISE_403 = False

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Open Innovation Exchange <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has run, and handed back to the queue when the process
# running it dies (OOM kill, SIGKILL, a lost node), so a crash mid-task means it runs again.
# Tasks are idempotent for that reason: they take ids and check state before acting.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With acks late, a task still running when the broker connection drops cannot be acked
# any more; it is cancelled and the broker delivers it again.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "300"))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", "500"))
# Worker logs go through LOGGING below (JSON, secrets redacted), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands an unacknowledged task to another worker after the visibility timeout. It must
# be longer than any countdown or ETA (retry backoff tops out at 600 s) and than the longest
# task (recompute_all_matches: 3600 s), or the task would run twice; checks.py verifies it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "7200")),
}
# Publishing rides out a broker blip of about a second, then fails instead of hanging a request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Mail tasks must not hang a worker on a silent SMTP server.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Named queues, so slow work (a full match recompute, a digest run) never delays an email or a
# booking confirmation: run workers per queue (docs/scaling.md). Routes go by task name; exact
# names win over patterns, patterns are tried in order.
CELERY_TASK_DEFAULT_QUEUE = "default"
WORKER_QUEUES = ("default", "mail", "matching", "webhooks", "search")
CELERY_TASK_ROUTES = {
    # Stripe calls, not email, despite their names.
    "events.tasks.send_refund": {"queue": "default"},
    "events.tasks.send_requested_refunds": {"queue": "default"},
    "*webhook*": {"queue": "webhooks"},
    "*.tasks.send_*": {"queue": "mail"},
    "matching.tasks.*": {"queue": "matching"},
    "listings.tasks.reindex_*": {"queue": "search"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "send-saved-search-alerts": {
        "task": "listings.tasks.send_saved_search_alerts",
        "schedule": crontab(hour=6, minute=30),
    },
    "analyse-database": {
        "task": "exchange.tasks.analyse_database",
        "schedule": crontab(hour=3, minute=15),
    },
    "send-notification-digests": {
        "task": "exchange.tasks.send_notification_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "recompute-matches": {
        "task": "matching.tasks.recompute_all_matches",
        "schedule": crontab(hour=2, minute=30),
    },
    # Events: release lapsed card holds, pass on lapsed waitlist offers, resend refunds that
    # never reached Stripe, remind attendees the day before.
    "release-expired-booking-holds": {
        "task": "events.tasks.release_expired_holds",
        "schedule": crontab(minute="*"),
    },
    "expire-waitlist-offers": {
        "task": "events.tasks.expire_waitlist_offers",
        "schedule": crontab(minute="*/5"),
    },
    "send-requested-refunds": {
        "task": "events.tasks.send_requested_refunds",
        "schedule": crontab(minute="*/15"),
    },
    "send-event-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # The transactional outbox (exchange/outbox.py): messages whose after-commit nudge never
    # reached the broker, and scheduled retries (webhook deliveries), go out from here.
    "relay-outbox": {
        "task": "exchange.tasks.outbox_relay",
        "schedule": float(os.environ.get("OUTBOX_RELAY_SECONDS", "5")),
    },
    "purge-outbox": {
        "task": "exchange.tasks.purge_outbox",
        "schedule": crontab(hour=3, minute=45),
    },
}
# A short schedule for integration tests and post-deploy smoke tests, e.g.
# CELERY_BEAT_TEST_SCHEDULE="listings.tasks.send_saved_search_alerts=2": only those tasks,
# every N seconds. Never set in production.
if os.environ.get("CELERY_BEAT_TEST_SCHEDULE"):
    CELERY_BEAT_SCHEDULE = {
        task: {"task": task, "schedule": float(seconds)}
        for task, _, seconds in (
            item.strip().partition("=")
            for item in os.environ["CELERY_BEAT_TEST_SCHEDULE"].split(",")
            if item.strip()
        )
    }
# Outbox: who handles each kind of message (import names, so apps never import ``api``), the
# waits between a failing handler's attempts (the last repeats until it succeeds), and how
# long sent rows are kept.
OUTBOX_HANDLERS = {
    "task": "exchange.outbox.task_publish",
    "domain_event": "api.webhooks.services.domain_event_fan_out",
}
OUTBOX_RETRY_SECONDS = [5, 30, 120, 600, 1800, 3600]
OUTBOX_KEEP_DAYS = int(os.environ.get("OUTBOX_KEEP_DAYS", "7"))
# Outgoing webhooks (api/webhooks/): waits before each retry of a failed delivery (about
# three days in all; WEBHOOK_FIRST_RETRY_SECONDS shortens the first, for tests), the request
# timeout, and when an endpoint is switched off: after this many failed deliveries in a row,
# or when nothing has succeeded for WEBHOOK_DISABLE_AFTER_DAYS. Plain http:// URLs only for
# the hosts listed (local receivers in tests); everything else must be https://.
WEBHOOK_RETRY_SECONDS = [
    int(os.environ.get("WEBHOOK_FIRST_RETRY_SECONDS", "60")),
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    24 * 3600,
    24 * 3600,
]
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "20"))
WEBHOOK_DISABLE_AFTER_DAYS = int(os.environ.get("WEBHOOK_DISABLE_AFTER_DAYS", "3"))
WEBHOOK_ALLOW_HTTP_HOSTS = env_list("WEBHOOK_ALLOW_HTTP_HOSTS")
# Matching: matches kept per listing, candidates scored per listing, the lowest score kept,
# "Good" and "Strong" (notified) levels, and how long corpus statistics (IDF) are cached.
MATCH_LIMIT = int(os.environ.get("MATCH_LIMIT", "20"))
MATCH_CANDIDATES = int(os.environ.get("MATCH_CANDIDATES", "300"))
MATCH_MIN_SCORE = float(os.environ.get("MATCH_MIN_SCORE", "0.2"))
MATCH_GOOD_THRESHOLD = float(os.environ.get("MATCH_GOOD_THRESHOLD", "0.45"))
MATCH_NOTIFY_THRESHOLD = float(os.environ.get("MATCH_NOTIFY_THRESHOLD", "0.6"))
MATCH_STATS_TTL = int(os.environ.get("MATCH_STATS_TTL", "900"))

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "api.filters.modified.ModifiedSinceFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenRateThrottle",
        "api.throttling.AnonymousRateThrottle",
    ],
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")) or None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_THROTTLE_RATES = {
    "token": os.environ.get("API_RATE_TOKEN", "3000/hour"),
    "anon": os.environ.get("API_RATE_ANON", "600/hour"),
}
# Web forms that attract guessing and spam (django-ratelimit, counted in the default cache).
LOGIN_RATE = os.environ.get("LOGIN_RATE", "10/m")
SIGNUP_RATE = os.environ.get("SIGNUP_RATE", "5/h")
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "5/h")
RATELIMIT_VIEW = "exchange.views.common.rate_limited"
SPECTACULAR_SETTINGS = {
    "TITLE": "Open Innovation Exchange API",
    "DESCRIPTION": "Listings, organisations and taxonomy of the exchange. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Product settings -----------------------------------------------------------------------
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# Events and bookings: how long card seats are held for payment (plus a grace period for
# in-flight webhooks before the hold is released), and how long a waitlist offer stands.
BOOKING_HOLD_MINUTES = int(os.environ.get("BOOKING_HOLD_MINUTES", "30"))
BOOKING_HOLD_GRACE_MINUTES = int(os.environ.get("BOOKING_HOLD_GRACE_MINUTES", "5"))
WAITLIST_OFFER_HOURS = int(os.environ.get("WAITLIST_OFFER_HOURS", "48"))
INVITATION_MAX_AGE = timedelta(days=14)
# Relevance ranking scores at most this many matches (the newest); the rest follow by date.
SEARCH_CANDIDATE_CAP = int(os.environ.get("SEARCH_CANDIDATE_CAP", "500"))
# Above this many raw matches, totals and facet counts come from an even sample ("about").
SEARCH_EXACT_LIMIT = int(os.environ.get("SEARCH_EXACT_LIMIT", "2000"))

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Load balancers probe over plain HTTP: no redirect to HTTPS for the health endpoints.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]


def _proxy_ssl_header(default: str) -> tuple[str, str] | None:
    """``SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"`` → Django's tuple; empty → off.

    Trust the header only behind a proxy that always sets it: a client could send it too.
    """
    raw = os.environ.get("SECURE_PROXY_SSL_HEADER", default)
    name, _, value = raw.partition(":")
    if not name.strip() or not value.strip():
        return None
    return ("HTTP_" + name.strip().upper().replace("-", "_"), value.strip())


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header("X-Forwarded-Proto: https" if PRODUCTION else "")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content Security Policy, sent by exchange.middleware (Django 5.2 has none built in). Pages
# load scripts, styles, fonts and images from this origin only; no inline script anywhere.
# style="…" attributes in templates are allowed (style-src-attr); <style> blocks are not.
# Stripe Checkout is reached by a redirect after a form post, which form-action governs.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'", "https://checkout.stripe.com"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
if PRODUCTION:
    CONTENT_SECURITY_POLICY["upgrade-insecure-requests"] = []
if os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["report-uri"] = [os.environ["CSP_REPORT_URI"]]
# Per path prefix, directives that replace the defaults: Swagger UI (drf-spectacular) loads
# its bundle from jsDelivr and starts it with an inline script.
CONTENT_SECURITY_POLICY_PATHS = {
    "/api/docs/": {
        "script-src": ["'self'", "'unsafe-inline'", "https://cdn.jsdelivr.net"],
        "style-src": ["'self'", "'unsafe-inline'", "https://cdn.jsdelivr.net"],
        "img-src": ["'self'", "data:", "https://cdn.jsdelivr.net"],
    },
}
# Report-only first when changing the policy on a live site: violations are reported, not blocked.
CONTENT_SECURITY_POLICY_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)

# --- Logging --------------------------------------------------------------------------------
# One line per record on stderr: JSON in production (LOG_FORMAT=json), plain text otherwise.
# Every handler passes records through RedactSecrets: Authorization headers, oix_ API tokens,
# ?token= feed tokens and secret links are cut to a short prefix before anything is written.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "exchange.logs.RedactSecrets"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "exchange.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
