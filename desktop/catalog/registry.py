"""The catalogs the app ships, found in one folder and validated on first use.

A broken file never stops the others from loading: each entry carries either its
catalog or the error that says which file is wrong and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desktop import paths
from desktop.catalog.crosswalk import Crosswalk, load_crosswalk
from desktop.catalog.errors import CatalogError
from desktop.catalog.loader import load_catalog
from desktop.catalog.model import Catalog
from desktop.formats import fiscal_year_of_reiwa, year_label

_YEAR_CODE = re.compile(r"^\s*(?:R|令和)\s*(\d{1,2})\s*(?:年度)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class CatalogEntry:
    path: Path
    catalog: Catalog | None
    error: CatalogError | None


class UnknownCatalog(LookupError):
    pass


def parse_year(text: str | int) -> int:
    """'R8', '令和8年度', '8', 2026 → 2026 (fiscal year)."""
    if isinstance(text, int):
        return text if text > 1000 else fiscal_year_of_reiwa(text)
    match = _YEAR_CODE.match(str(text))
    if match:
        return fiscal_year_of_reiwa(int(match.group(1)))
    stripped = str(text).strip()
    if stripped.isdigit() and len(stripped) == 4:
        return int(stripped)
    raise ValueError(f"年度「{text}」を読めません（例: R8、令和8年度、2026）。")


@lru_cache(maxsize=4)
def _scan(directory: str) -> tuple[CatalogEntry, ...]:
    entries = []
    for path in sorted(Path(directory).glob("*/r*.yaml")):
        try:
            entries.append(CatalogEntry(path, load_catalog(path), None))
        except CatalogError as exc:
            entries.append(CatalogEntry(path, None, exc))
    return tuple(entries)


def entries(directory: Path | None = None) -> tuple[CatalogEntry, ...]:
    return _scan(str(directory or paths.catalogs_dir()))


def catalogs(directory: Path | None = None) -> list[Catalog]:
    """Every shipped catalog that loads, newest fiscal year first."""
    found = [entry.catalog for entry in entries(directory) if entry.catalog is not None]
    return sorted(found, key=lambda c: (-c.fiscal_year, c.level, -c.revision))


def find(catalog_id: str, directory: Path | None = None) -> Catalog:
    for catalog in catalogs(directory):
        if catalog.id == catalog_id:
            return catalog
    for entry in entries(directory):
        if entry.error is not None and entry.path.stem in catalog_id:
            raise entry.error
    known = "、".join(c.id for c in catalogs(directory)) or "なし"
    raise UnknownCatalog(f"評価指標「{catalog_id}」は同梱されていません（同梱: {known}）。")


def for_year(fiscal_year: int, level: str = "municipal", directory: Path | None = None) -> Catalog:
    for catalog in catalogs(directory):
        if catalog.fiscal_year == fiscal_year and catalog.level == level:
            return catalog
    raise UnknownCatalog(f"{year_label(fiscal_year)}の評価指標は同梱されていません。")


def crosswalk(older: Catalog, newer: Catalog, directory: Path | None = None) -> Crosswalk | None:
    """The shipped crosswalk from ``older`` to ``newer`` (consecutive years), if any."""
    folder = Path(directory or paths.catalogs_dir()) / older.level
    path = folder / f"crosswalk-r{older.reiwa_year}-r{newer.reiwa_year}.yaml"
    if not path.is_file():
        return None
    return load_crosswalk(path, older, newer)
