"""Every ```bash example / ```python example block of docs/api.md runs against a live server.

Each block gets ``OIX_BASE_URL``, ``OIX_TOKEN`` (a member's API token) and
``OIX_ORGANISATION`` (that member's organisation), must exit 0 and must print the lines its
``# prints: …`` comments name, in that order. The convention is written at the top of
docs/api.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"^```(bash|python) example[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
PRINTS = re.compile(r"^\s*# prints: (.*)$", re.MULTILINE)


def _section_at(text: str, offset: int) -> str:
    """The heading above ``offset``, skipping comment lines inside fenced blocks."""
    section, fenced = "", False
    for line in text[:offset].splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            section = line.lstrip("# ").strip()
    return section


def _blocks() -> list[tuple[str, str, str]]:
    found = []
    text = DOC.read_text()
    for match in BLOCK.finditer(text):
        line = text[: match.start()].count("\n") + 1
        name = f"{match.group(1)}-line{line}-{_section_at(text, match.start())}"
        found.append((name, match.group(1), match.group(2)))
    return found


BLOCKS = _blocks()


def test_docs_have_examples_for_every_partner_topic():
    sections = {name.split("-", 2)[2] for name, _, _ in BLOCKS}
    languages = {language for _, language, _ in BLOCKS}

    assert languages == {"bash", "python"}
    for topic in ("Authentication", "Pagination", "Errors", "Idempotency", "Rate limits"):
        assert any(topic in section for section in sections), topic


@pytest.fixture
def partner(transactional_db, live_server, settings):
    from exchange.services import api_token_create
    from tests.factories.exchange import add_member, make_organisation
    from tests.factories.listings import make_listing

    council = make_organisation(name="Northshire County Council", kind="council")
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    member = add_member(supplier)
    for title in ("Smart bins", "Bin sensors", "Route planner"):
        make_listing(organisation=council, title=title)
    _, raw = api_token_create(actor=member, name="docs")
    settings.ALLOWED_HOSTS = ["*"]
    return {
        **os.environ,
        "OIX_BASE_URL": live_server.url,
        "OIX_TOKEN": raw,
        "OIX_ORGANISATION": supplier.slug,
    }


@pytest.mark.parametrize(("name", "language", "code"), BLOCKS, ids=[b[0] for b in BLOCKS])
def test_docs_example_runs(partner, settings, name, language, code):
    if "Rate limits" in name:
        settings.API_THROTTLE_RATES = {"token": "5/min", "anon": "5/min"}
    if language == "bash":
        if shutil.which("curl") is None:
            pytest.skip("curl is not installed")
        command = ["bash", "-c", "set -euo pipefail\n" + code]
    else:
        command = [sys.executable, "-c", code]

    result = subprocess.run(  # noqa: S603  (our own documentation, run on purpose)
        command, env=partner, capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    printed = [line.strip() for line in result.stdout.splitlines()]
    expected = [line.strip() for line in PRINTS.findall(code)]
    assert expected, "an example must say what it prints"
    position = 0
    for line in expected:
        assert line in printed[position:], (line, printed)
        position = printed.index(line, position) + 1
