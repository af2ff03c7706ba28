"""Production settings must pass Django's deploy checks; embedded defaults must not."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "exchange.settings",
    "SECRET_KEY": "x9!t2#kq7@p4z&w8m$v1n^c6b%r3y*h5j0g-f+d=s_a~l.e,u?o:i;Q" * 2,
    "DATABASE_URL": "postgres://exchange:secret@db.internal:5432/exchange",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "REDIS_URL": "redis://redis.internal:6379/1",
    "ALLOWED_HOSTS": "exchange.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://exchange.example.org",
    "SITE_URL": "https://exchange.example.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.org",
}


def _check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_clean_with_production_settings():
    result = _check(PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_deploy_check_fails_on_embedded_defaults():
    env = {
        k: v for k, v in PRODUCTION_ENV.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }

    result = _check(env)

    assert result.returncode == 1
    assert "exchange.E001" in result.stderr
    assert "exchange.E002" in result.stderr


def test_deploy_check_fails_on_stripe_without_webhook_secret():
    result = _check({**PRODUCTION_ENV, "STRIPE_SECRET_KEY": "sk_live_example"})

    assert result.returncode == 1
    assert "exchange.E003" in result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}

    result = _check(env)

    assert result.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
