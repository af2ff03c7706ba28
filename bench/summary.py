"""``make bench``: run every benchmark in bench/, then print one summary table.

Each benchmark runs as ``python -m bench.<name>`` on the embedded SQLite and, when
DATABASE_URL is set, again on that PostgreSQL server; its output streams through unchanged.
Benchmarks print ``name=value`` lines; the table at the end (figure, value, target, met?)
gathers every figure that has a target, in any of the forms the benchmarks use:

- ``F=value``, ``F.target=<= 2`` and ``F.met=yes`` (bench/load.py);
- ``X.ratio_to_baseline``, ``X.target_ratio`` and ``X.target_met`` (bench/search.py);
- ``X.meets_<goal>=True`` with a ratio or projection beside it (bench/matching.py);
- figures named in TARGETS below, whose benchmark states its target only in its docstring.

A benchmark that fails shows as a FAILED row and makes ``make bench`` exit non-zero; a
skipped figure shows as skipped. BENCH_ONLY=search,load runs only those.

``python -m bench.summary --table FILE`` prints the table of a saved output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_BENCHMARKS = {"__init__", "common", "summary"}
LINE = re.compile(r"^([A-Za-z0-9_.\-]+)=(.*)$")
# Targets stated in a benchmark's docstring rather than printed: pattern → (op, goal).
TARGETS: dict[str, tuple[str, float]] = {
    r"booking\.[a-z]+\.api_free_booking\.ratio_to_baseline": ("<=", 3.0),
    r"booking\..*server_errors": ("<=", 0.0),
    r"feeds\.[a-z]+\.organiser_feed_200\.p50_ms": ("<=", 100.0),
    r"feeds\.[a-z]+\.organiser_feed_304\.ratio_to_baseline": ("<=", 1.0),
}


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    target: str
    met: str


def benchmarks() -> list[str]:
    names = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if p.stem not in NOT_BENCHMARKS)
    only = {n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}
    return [n for n in names if not only or n in only]


def passes() -> list[tuple[str, dict[str, str]]]:
    """(label, environment) per database: SQLite always, PostgreSQL when DATABASE_URL is set."""
    sqlite = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    runs = [("sqlite", sqlite)]
    if os.environ.get("DATABASE_URL"):
        runs.append(("postgresql", dict(os.environ)))
    return runs


def run(name: str, label: str, env: dict[str, str]) -> tuple[int, list[str]]:
    print(f"== bench.{name} ({label})", flush=True)
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", f"bench.{name}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line.rstrip("\n"))
    return process.wait(), lines


def figures(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        match = LINE.match(line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _met(value: str, op: str, goal: float) -> str:
    try:
        number = float(value)
    except ValueError:
        return "?"
    return "yes" if (number <= goal if op == "<=" else number >= goal) else "no"


def _yes(flag: str) -> str:
    return {"true": "yes", "yes": "yes", "false": "no", "no": "no"}.get(flag.lower(), flag)


def _near(prefix: str, found: dict[str, str]) -> tuple[str, str] | None:
    """The figure a ``meets_…`` flag judges: a ratio or projection beside it."""
    siblings = [k for k in found if k.startswith(prefix + ".") and ".meets_" not in k]
    for word in ("p50_ratio", "ratio", "projected", "seconds"):
        for key in siblings:
            if word in key.rsplit(".", 1)[-1]:
                return key, found[key]
    return None


def rows(found: dict[str, str]) -> list[Row]:
    table: list[Row] = []
    judged: set[str] = set()
    for key, value in found.items():
        if key.endswith(".target") and key.removesuffix(".target") in found:
            figure = key.removesuffix(".target")
            table.append(Row(figure, found[figure], value, _yes(found.get(figure + ".met", "?"))))
            judged.add(figure)
        elif key.endswith(".target_met"):
            prefix = key.removesuffix(".target_met")
            figure = prefix + ".ratio_to_baseline"
            goal = found.get(prefix + ".target_ratio", "?")
            table.append(Row(figure, found.get(figure, "?"), f"<= {goal}", _yes(value)))
            judged.add(figure)
        elif key.rsplit(".", 1)[-1].startswith("meets_"):
            prefix, _, goal = key.rpartition(".meets_")
            beside = _near(prefix, found)
            figure, number = beside if beside else (key, value)
            table.append(Row(figure, number, goal.replace("_", " "), _yes(value)))
            judged.add(figure)
        elif key.endswith(".skipped") or value.startswith("skipped"):
            table.append(Row(key, "skipped", value.removeprefix("skipped: "), "-"))
    for key, value in found.items():
        if key in judged:
            continue
        for pattern, (op, limit) in TARGETS.items():
            if re.fullmatch(pattern, key):
                table.append(Row(key, value, f"{op} {limit:g}", _met(value, op, limit)))
    return table


def _short(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value
    return f"{number:.3g}" if abs(number) < 1000 else f"{number:,.0f}"


def print_table(table: list[Row]) -> None:
    header = Row("figure", "value", "target", "met?")
    shown = [header] + [Row(r.figure, _short(r.value), r.target, r.met) for r in table]
    widths = [max(len(getattr(r, col)) for r in shown) for col in ("figure", "value", "target")]
    print("\n=== bench summary ===")
    for i, r in enumerate(shown):
        print(f"{r.figure:<{widths[0]}}  {r.value:>{widths[1]}}  {r.target:<{widths[2]}}  {r.met}")
        if i == 0:
            print("-" * (sum(widths) + 12))
    missed = sum(1 for r in table if r.met in {"no", "FAILED"})
    skipped = sum(1 for r in table if r.value == "skipped")
    print(
        f"{len(table) - skipped} figures with targets, {missed} missed or failed, "
        f"{skipped} skipped."
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--table"]:
        print_table(rows(figures(Path(argv[1]).read_text().splitlines())))
        return 0
    found: dict[str, str] = {}
    failures: list[Row] = []
    for label, env in passes():
        for name in benchmarks():
            status, lines = run(name, label, env)
            found.update(figures(lines))
            if status != 0:
                failures.append(
                    Row(f"bench.{name} ({label})", f"exit {status}", "exit 0", "FAILED")
                )
    table = rows(found) + failures
    print_table(table)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
