"""The trends grid drawn as a heat map: cell geometry, colour levels and the legend.

Pure presentation of ``matching.trends.TrendGrid`` for ``templates/matching/trends.html``,
which renders it as inline SVG. Five blues plus white for zero; the number is printed in every
cell in a colour that keeps 4.5:1 contrast with the cell (ink on the light blues, white on the
dark ones), so colour never carries the value alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.trends import TrendGrid

LEVELS = 5
# (fill, text colour) per level; level 0 is an empty cell.
PALETTE = [
    ("#ffffff", "#505a64"),
    ("#deebf7", "#1b1f24"),
    ("#b6d2ec", "#1b1f24"),
    ("#7fb0dc", "#1b1f24"),
    ("#2f6ea8", "#ffffff"),
    ("#083d6e", "#ffffff"),
]
LABEL_WIDTH = 300
CELL_WIDTH = 56
CELL_HEIGHT = 30
HEADER_HEIGHT = 44


def level(count: int, max_count: int) -> int:
    """0 for nothing, else 1–5: the share of the busiest cell, rounded up to fifths."""
    if count <= 0 or max_count <= 0:
        return 0
    return (LEVELS * count + max_count - 1) // max_count


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    count: int
    fill: str
    ink: str
    label: str  # the hover title: "Waste and recycling, June 2026: 3"


@dataclass(frozen=True)
class LegendEntry:
    fill: str
    label: str  # "0", "1", "2–3"


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    label_width: int
    cell_width: int
    cell_height: int
    header_height: int
    months: list[tuple[int, str, str]]  # (x centre, "Jun", "2026")
    rows: list[tuple[int, str]]  # (y baseline, area name)
    cells: list[Cell]
    legend: list[LegendEntry]


def legend(max_count: int) -> list[LegendEntry]:
    entries = [LegendEntry(PALETTE[0][0], "0")]
    for k in range(1, LEVELS + 1):
        low = max_count * (k - 1) // LEVELS + 1
        high = max_count * k // LEVELS
        if low > high:
            continue
        entries.append(LegendEntry(PALETTE[k][0], str(low) if low == high else f"{low}–{high}"))
    return entries


def heatmap(grid: TrendGrid) -> Heatmap:
    months = [
        (LABEL_WIDTH + i * CELL_WIDTH + CELL_WIDTH // 2, f"{m:%b}", f"{m:%Y}")
        for i, m in enumerate(grid.months)
    ]
    rows = []
    cells = []
    for r, row in enumerate(grid.rows):
        y = HEADER_HEIGHT + r * CELL_HEIGHT
        rows.append((y + CELL_HEIGHT // 2 + 5, row.area.name))
        for i, (month, count) in enumerate(zip(grid.months, row.counts, strict=True)):
            fill, ink = PALETTE[level(count, grid.max_count)]
            cells.append(
                Cell(
                    x=LABEL_WIDTH + i * CELL_WIDTH,
                    y=y,
                    count=count,
                    fill=fill,
                    ink=ink,
                    label=f"{row.area.name}, {month:%B %Y}: {count}",
                )
            )
    return Heatmap(
        width=LABEL_WIDTH + len(grid.months) * CELL_WIDTH,
        height=HEADER_HEIGHT + len(grid.rows) * CELL_HEIGHT,
        label_width=LABEL_WIDTH,
        cell_width=CELL_WIDTH,
        cell_height=CELL_HEIGHT,
        header_height=HEADER_HEIGHT,
        months=months,
        rows=rows,
        cells=cells,
        legend=legend(grid.max_count),
    )
