"""Browser tests: Python Playwright driving Debian's Chromium against pytest-django's live server.

- Chromium is the system one, ``/usr/bin/chromium`` (``OIX_CHROMIUM`` to point elsewhere),
  installed by ``.ci/install-browser.sh``. Never ``playwright install``: that downloads a browser
  build, which this project's machines cannot fetch.
- A missing Chromium or ``playwright`` package FAILS these tests. ``OIX_SKIP_E2E=1`` skips them
  instead (a laptop without Chromium); CI never sets it.
- One browser per test module, a fresh context (cookies, storage) per page: ``page`` is
  1280×800, ``phone`` 360×740; ``pages.new_page(viewport=PHONE, user=someone)`` opens more,
  logged in through a real session.
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
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache

from exchange.models import Need, NeedArea
from exchange.taxonomy import load_vocabulary
from listings import search
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, TIMEOUT_MS, Pages

if TYPE_CHECKING:
    from playwright.sync_api import Browser as Chromium
    from playwright.sync_api import Page

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
def browser() -> Iterator[Chromium]:
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
    browser: Chromium,
    live_server: Any,
    transactional_db: None,
    django_db_blocker: Any,
) -> Iterator[Pages]:
    """Opens pages on the live server (``pages.new_page(viewport=..., user=...)``)."""
    request.node.stash[DB_BLOCKER] = django_db_blocker
    _fresh_process_state()
    opened = Pages(browser, live_server.url)
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        for path in opened.save_artifacts(name):
            sys.stderr.write(f"Screenshot of the failed test: {path} (and .html)\n")
    opened.close()


@pytest.fixture
def shot() -> Callable[[Page, str], None]:
    """``shot(page, "name")`` saves a full-page PNG into ``$OIX_E2E_SHOTS`` when that is set
    (``OIX_E2E_SHOTS=/tmp/oix-shots .venv/bin/pytest tests/e2e``): pictures to look at."""
    folder = os.environ.get("OIX_E2E_SHOTS")

    def save(page: Page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def page(pages: Pages) -> Page:
    """A desktop page (1280×800), logged out."""
    return pages.new_page()


@pytest.fixture
def phone(pages: Pages) -> Page:
    """A phone-sized page (360×740), logged out."""
    return pages.new_page(viewport=PHONE)
