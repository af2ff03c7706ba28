"""Deploy checks: production must not run on the embedded defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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
