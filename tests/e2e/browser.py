"""Chromium for the browser tests, and the pages a test opens in it (see conftest.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.test import Client

if TYPE_CHECKING:
    from playwright.sync_api import Browser as Chromium
    from playwright.sync_api import BrowserContext, Page

    from exchange.models import User

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


class Pages:
    """Opens pages on the live server; remembers them to save them when the test fails."""

    def __init__(self, chromium: Chromium, base_url: str) -> None:
        self.chromium = chromium
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.pages: list[Page] = []

    def new_page(self, *, viewport: dict[str, int] = DESKTOP, user: User | None = None) -> Page:
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

    def session_cookie(self, user: User) -> dict[str, Any]:
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
