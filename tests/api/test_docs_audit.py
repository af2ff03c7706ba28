"""docs/api.md's capability table names every API endpoint (so a new one gets its row)."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _audit_section() -> str:
    text = DOC.read_text()
    start = text.index("## Capabilities")
    return text[start : text.index("\n## ", start + 1)]


def test_every_endpoint_has_a_row_in_the_capability_table(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    section = _audit_section()

    missing = sorted(
        {
            f"{segment}/"
            for path in schema["paths"]
            for segment in path.removeprefix("/api/v1/").strip("/").split("/")
            if not segment.startswith("{") and f"{segment}/" not in section
        }
    )

    assert missing == []


def test_capability_rows_say_who_may_call():
    rows = [
        line
        for line in _audit_section().splitlines()
        if line.startswith("| ") and not line.startswith("| ---") and "**" not in line
    ]

    assert len(rows) >= 40
    assert [row for row in rows if len(re.findall(r"(?<!\\)\|", row)) != 4] == []
    assert [row for row in rows if not row.rstrip(" |").rsplit("|", 1)[-1].strip()] == []
