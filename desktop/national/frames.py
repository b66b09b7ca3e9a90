"""The basic allocation frames (基本配分枠, 市町村分, 千円) per fiscal year.

Shipped as data (``resources/national/allocation-frames.yaml``: R6 from the ministry's
budget paper); the user enters other years' frames, which the library stores and which
take precedence over the shipped figures.
"""

from __future__ import annotations

import yaml

from desktop import paths
from desktop.catalog.registry import parse_year

FRAMES_FILE = ("national", "allocation-frames.yaml")
GRANTS = ("suishin", "shien")


def shipped_frames() -> dict[int, dict[str, float]]:
    path = paths.resource(*FRAMES_FILE)
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    frames = {}
    for year, entry in data.items():
        frames[parse_year(str(year))] = {
            grant: float(entry[grant]) for grant in GRANTS if entry.get(grant) is not None
        }
    return frames


def frames_for(
    fiscal_year: int, entered: dict[str, float] | None = None
) -> dict[str, float | None]:
    """Frames of a year: the user's where entered, else the shipped ones, else None."""
    shipped = shipped_frames().get(fiscal_year, {})
    entered = entered or {}
    return {grant: entered.get(grant, shipped.get(grant)) for grant in GRANTS}
