"""Browser tests: Python Playwright driving Debian's Chromium against pytest-django's live server.

- Chromium is the system one, ``/usr/bin/chromium`` (``OIX_CHROMIUM`` to point elsewhere),
  installed by ``.ci/install-browser.sh``. Never ``playwright install``: that downloads a browser
  build, which this project's machines cannot fetch.
- A missing Chromium or ``playwright`` package FAILS these tests. ``OIX_SKIP_E2E=1`` skips them
  instead (a laptop without Chromium); CI never sets it.
- One browser per test module, a fresh context (cookies, storage) per test: 1280×800 by
  default, 360×740 (a phone) for tests that ask for ``phone``.
- ``OIX_E2E_SHOTS=/some/folder`` saves named screenshots at the journeys' key steps.
- On failure each page of the test is saved as a PNG and its HTML into ``tests/e2e/artifacts/``
  (``OIX_E2E_ARTIFACTS`` to choose another folder); the paths are printed with the failure.
- The live server answers from another thread, so tests need committed data:
  ``django_db(transaction=True)`` (the ``pages`` fixture asks for it too). The flush after such a
  test also empties what migrations loaded (the needs vocabulary); the ``pages`` fixture and a
  teardown hook put it back, before and after each browser test.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from exchange.models import Need, NeedArea
from exchange.taxonomy import load_vocabulary
from listings import search

CHROMIUM = Path(os.environ.get("OIX_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# project's machines (and CI) refuse.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 10_000
ARTIFACTS = Path(os.environ.get("OIX_E2E_ARTIFACTS", Path(__file__).parent / "artifacts"))
SKIP = os.environ.get("OIX_SKIP_E2E") == "1"
DB_BLOCKER = pytest.StashKey[Any]()

if SKIP:
    try:
        import playwright  # noqa: F401
    except ImportError:  # the modules import it: without it they cannot even be collected
        collect_ignore_glob = ["test_*.py"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not SKIP:
        return
    skip = pytest.mark.skip(reason="OIX_SKIP_E2E=1: browser tests skipped")
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After the flush that ends a browser test, put back what migrations loaded.

    pytest-django runs transactional tests after the others, but ``--dist loadfile`` hands out
    the biggest files first, so in a worker ordinary tests can follow these and expect the
    shipped needs vocabulary. The flush is the last fixture teardown: only this hook runs later.
    After the session's last test the test database itself is gone (no ``nextitem``).
    """
    try:
        return (yield)
    finally:
        blocker = item.stash.get(DB_BLOCKER, None)
        if blocker is not None and nextitem is not None:
            with blocker.unblock():
                restore_migration_data()


def restore_migration_data() -> None:
    """What data migrations load and a flush removes: the needs vocabulary (idempotent)."""
    load_vocabulary(NeedArea, Need)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module, started and stopped with it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run .ci/install-browser.sh (as root), "
            "or set OIX_SKIP_E2E=1 to skip the browser tests."
        )
    try:
        # Imported here so the failure above names what to do; the test modules import it too.
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("The playwright package is missing: pip install -e '.[dev]'.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the tests
    # and fixtures in the same thread, refuses to run while a loop is running unless told.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)  # CI machines are busy: 5 s is tight for a first render
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Browser:
    """Opens pages on the live server; remembers them to save them when the test fails."""

    def __init__(self, chromium: Any, base_url: str) -> None:
        self.chromium = chromium
        self.base_url = base_url
        self.contexts: list[Any] = []
        self.pages: list[Any] = []

    def new_page(self, *, viewport: dict[str, int] = DESKTOP, user: Any = None) -> Any:
        """A page in a fresh context; logged in as ``user`` when given (a real session)."""
        phone = viewport["width"] < 600
        context = self.chromium.new_context(
            base_url=self.base_url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(TIMEOUT_MS)
        if user is not None:
            context.add_cookies([self.session_cookie(user)])
        self.contexts.append(context)
        page = context.new_page()
        self.pages.append(page)
        return page

    def session_cookie(self, user: Any) -> dict[str, Any]:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        return {"name": "sessionid", "value": cookie.value, "url": self.base_url}

    def save_artifacts(self, name: str) -> list[Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for number, page in enumerate(self.pages, start=1):
            if page.is_closed():
                continue
            stem = ARTIFACTS / f"{name}-{number}"
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
            except Exception as exc:  # a page that cannot be saved must not hide the failure
                sys.stderr.write(f"Could not save {stem}: {exc}\n")
                continue
            saved.append(Path(f"{stem}.png"))
        return saved

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _fresh_process_state() -> None:
    """The live server runs in this process: start each test with an empty cache (rate-limit
    counters live there) and a search index without the rows of listings that earlier
    transactional tests created (the index is outside Django's models, so no flush empties it).
    """
    cache.clear()
    search.uninstall()
    search.install()
    search.rebuild_index()
    if not Need.objects.exists():  # an earlier transactional test flushed it
        restore_migration_data()


@pytest.fixture
def pages(
    request: pytest.FixtureRequest,
    browser: Any,
    live_server: Any,
    transactional_db: None,
    django_db_blocker: Any,
) -> Iterator[Browser]:
    """Opens pages on the live server (``pages.new_page(viewport=..., user=...)``)."""
    request.node.stash[DB_BLOCKER] = django_db_blocker
    _fresh_process_state()
    opened = Browser(browser, live_server.url)
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        for path in opened.save_artifacts(name):
            sys.stderr.write(f"Screenshot of the failed test: {path} (and .html)\n")
    opened.close()


@pytest.fixture
def shot() -> Callable[[Any, str], None]:
    """``shot(page, "name")`` saves a full-page PNG into ``$OIX_E2E_SHOTS`` when that is set
    (``OIX_E2E_SHOTS=/tmp/oix-shots .venv/bin/pytest tests/e2e``): pictures to look at."""
    folder = os.environ.get("OIX_E2E_SHOTS")

    def save(page: Any, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def page(pages: Browser) -> Any:
    """A desktop page (1280×800), logged out."""
    return pages.new_page()


@pytest.fixture
def phone(pages: Browser) -> Any:
    """A phone-sized page (360×740), logged out."""
    return pages.new_page(viewport=PHONE)


@pytest.fixture
def page_as(pages: Browser) -> Callable[..., Any]:
    """``page_as(user)``: a desktop page with ``user`` logged in."""

    def open_as(user: Any, *, viewport: dict[str, int] = DESKTOP) -> Any:
        return pages.new_page(viewport=viewport, user=user)

    return open_as
