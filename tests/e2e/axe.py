"""axe-core in the browser: WCAG 2.0, 2.1 and 2.2 rules at levels A and AA.

``assert_accessible(page)`` fails the test with every serious or critical violation on the page
as it is now (rule, impact, the elements' selectors and what is wrong with them). Minor and
moderate findings are left to review. axe-core is vendored (``vendor/``, see its README) and
evaluated through Playwright rather than added as a script tag: the site's Content Security
Policy allows only its own scripts, and the test must not loosen it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """All WCAG A/AA violations axe finds on the page, whatever their impact."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "),
                    summary: (n.failureSummary || "").replace(/\\s+/g, " ").trim(),
                })),
            }));
        }""",
        WCAG_AA_TAGS,
    )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']} — {node['summary']}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail listing every serious or critical WCAG 2.2 A/AA violation on the page."""
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    if failing:
        version = page.evaluate("() => axe.version")
        pytest.fail(
            f"axe-core {version}: {len(failing)} serious or critical accessibility "
            f"violation(s) on {page.url}\n{describe(failing)}",
            pytrace=False,
        )
