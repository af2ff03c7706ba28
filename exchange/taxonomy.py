"""The controlled needs vocabulary shipped in ``exchange/data/needs.json``.

Shared by the data migration (historical models) and ``manage.py load_needs``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NEEDS_FILE = Path(__file__).resolve().parent / "data" / "needs.json"


def read_vocabulary(path: Path = NEEDS_FILE) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def load_vocabulary(
    need_area_model: Any, need_model: Any, path: Path = NEEDS_FILE
) -> tuple[int, int]:
    """Create or update areas and needs by slug. Never deletes. Returns (areas, needs)."""
    areas = needs = 0
    for a_pos, area in enumerate(read_vocabulary(path)):
        area_obj, _ = need_area_model.objects.update_or_create(
            slug=area["slug"], defaults={"name": area["name"], "position": a_pos}
        )
        areas += 1
        for n_pos, need in enumerate(area["needs"]):
            need_model.objects.update_or_create(
                slug=need["slug"],
                defaults={
                    "area": area_obj,
                    "name": need["name"],
                    "description": need.get("description", ""),
                    "position": n_pos,
                },
            )
            needs += 1
    return areas, needs
