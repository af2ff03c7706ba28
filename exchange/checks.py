"""Deploy checks: production must not run on the embedded defaults."""

from __future__ import annotations

from typing import Any

from celery.app.routes import MapRoute
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from exchange.celery import app as celery_app


@register(Tags.security, deploy=True)
def production_runtime(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if settings.CELERY_TASK_ALWAYS_EAGER:
        problems.append(
            Error(
                "Celery runs tasks eagerly inside web requests.",
                hint="Set CELERY_BROKER_URL (e.g. redis://…) and run a worker and beat.",
                id="exchange.E001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Error(
                "SQLite is the embedded default, not a production database.",
                hint="Set DATABASE_URL to PostgreSQL.",
                id="exchange.E002",
            )
        )
    if not getattr(settings, "REDIS_URL", ""):
        problems.append(
            Warning(
                "No REDIS_URL: cache and rate limits are per process.",
                hint="Set REDIS_URL so web nodes share cache and limits.",
                id="exchange.W001",
            )
        )
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        problems.append(
            Error(
                "Stripe is enabled but STRIPE_WEBHOOK_SECRET is missing: payments never confirm.",
                hint="Set STRIPE_WEBHOOK_SECRET from the Stripe dashboard.",
                id="exchange.E003",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        problems.append(
            Warning(
                "Email goes to the console.",
                hint="Set EMAIL_BACKEND to the SMTP backend and EMAIL_HOST.",
                id="exchange.W002",
            )
        )
    if settings.SITE_URL.startswith("http://"):
        problems.append(
            Warning(
                "SITE_URL is not HTTPS; links in emails would be insecure.",
                hint="Set SITE_URL=https://your.domain",
                id="exchange.W003",
            )
        )
    return problems


def _longest_countdown(tasks: list[Any]) -> int:
    """The longest delay, in seconds, before a retry of any of these tasks runs."""
    longest = 0
    for task in tasks:
        if getattr(task, "retry_backoff", False):
            longest = max(longest, int(getattr(task, "retry_backoff_max", 600)))
        elif getattr(task, "autoretry_for", ()):
            longest = max(longest, int(getattr(task, "default_retry_delay", 180)))
    return longest


def _project_tasks() -> list[Any]:
    celery_app.loader.import_default_modules()
    apps = ("exchange.", "listings.", "matching.", "events.", "api.")
    return [task for name, task in sorted(celery_app.tasks.items()) if name.startswith(apps)]


@register(Tags.security, deploy=True)
def background_work(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    """Tasks survive crashes, reach a consumed queue, and are not handed out twice."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return []  # E001 already says it
    problems: list[Error | Warning] = []
    if not (settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST):
        problems.append(
            Error(
                "A task whose worker dies mid-run is lost.",
                hint="Keep CELERY_TASK_ACKS_LATE and CELERY_TASK_REJECT_ON_WORKER_LOST on.",
                id="exchange.E004",
            )
        )
    tasks = _project_tasks()
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    longest = max(
        [_longest_countdown(tasks), settings.CELERY_TASK_TIME_LIMIT]
        + [int(getattr(task, "time_limit", None) or 0) for task in tasks]
    )
    if settings.CELERY_BROKER_URL.startswith(("redis", "rediss")) and timeout <= longest:
        problems.append(
            Error(
                f"Broker visibility timeout ({timeout} s) is not longer than the longest task "
                f"or retry countdown ({longest} s): Redis would hand such a task out twice.",
                hint="Raise CELERY_VISIBILITY_TIMEOUT.",
                id="exchange.E005",
            )
        )
    router = MapRoute(settings.CELERY_TASK_ROUTES)
    for task in tasks:
        queue = (router(task.name) or {}).get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)
        if queue not in settings.WORKER_QUEUES:
            problems.append(
                Error(
                    f"Task {task.name} is routed to queue {queue!r}, which no worker consumes.",
                    hint="Route it to one of settings.WORKER_QUEUES.",
                    id="exchange.E006",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def web_hardening(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if "exchange.middleware.ContentSecurityPolicyMiddleware" not in settings.MIDDLEWARE:
        problems.append(
            Warning(
                "No Content-Security-Policy header is sent.",
                hint="Keep exchange.middleware.ContentSecurityPolicyMiddleware in MIDDLEWARE.",
                id="exchange.W004",
            )
        )
    database = settings.DATABASES["default"]
    if database.get("CONN_MAX_AGE") and not database.get("CONN_HEALTH_CHECKS"):
        problems.append(
            Warning(
                "Persistent database connections without health checks: after a database "
                "restart each web process fails one request per stale connection.",
                hint="Set CONN_HEALTH_CHECKS (dj_database_url: conn_health_checks=True).",
                id="exchange.W005",
            )
        )
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and not settings.SECURE_PROXY_SSL_HEADER:
        problems.append(
            Warning(
                "HTTPS redirect without SECURE_PROXY_SSL_HEADER: behind a TLS-terminating "
                "proxy every request redirects to itself.",
                hint='Set SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https" (the default).',
                id="exchange.W006",
            )
        )
    return problems
