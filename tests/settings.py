"""Test settings: the real settings with fast hashing and in-memory email."""

from exchange.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "http://testserver"
# Generous limits: tests that exercise limits set their own rates.
API_THROTTLE_RATES = {"token": "100000/hour", "anon": "100000/hour"}
LOGIN_RATE = SIGNUP_RATE = PASSWORD_RESET_RATE = "1000/m"

# SQLite tests use a real file like production (WAL, IMMEDIATE, busy timeout): the in-memory
# shared-cache database answers "table is locked" to concurrent threads instead of waiting.
# pytest-django adds a suffix per xdist worker.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import tempfile as _tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        # A private directory per process: parallel runs never share a test database.
        "NAME": str(Path(_tempfile.mkdtemp(prefix="oix-test-")) / "test.sqlite3")  # noqa: F405
    }
