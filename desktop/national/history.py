"""Three years of one municipality's official results, item by item.

Years are joined by 通し番号 (the row key, stable across R6–R8) and items by the
catalog crosswalks: an item of the newest year is followed back only through
one-to-one ``same`` mappings; where an item was split, merged or is new, its history
starts in the year it took its present form.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.catalog import registry
from desktop.catalog.model import Catalog
from desktop.formats import year_code
from desktop.national.columns import catalog_columns
from desktop.national.dataset import NationalDataset
from desktop.national.errors import NationalFileError

IMPROVED = "改善"
DECLINED = "低下"
ZERO_EVERY_YEAR = "毎年0点"
FULL_EVERY_YEAR = "毎年満点"
UNCHANGED = "変化なし"
UP_AND_DOWN = "増減あり"  # back to where it started after a change in between


@dataclass(frozen=True)
class ItemHistory:
    item_id: str  # in the newest year
    points: dict[int, float]  # fiscal year → points earned
    max_points: dict[int, int]
    trend: str

    def to_dict(self) -> dict:
        return {
            "item": self.item_id,
            "points": {f"{year_code(y)}": p for y, p in sorted(self.points.items())},
            "max": {f"{year_code(y)}": p for y, p in sorted(self.max_points.items())},
            "trend": self.trend,
        }


def _item_points(catalog: Catalog, dataset: NationalDataset, serial: int) -> tuple[dict, dict]:
    municipality = dataset.by_serial().get(serial)
    if municipality is None:
        return {}, {}
    index = dataset.column_index()
    points: dict[str, float] = {}
    maxima: dict[str, int] = {}
    for spec in catalog_columns(catalog).specs:
        if spec.key in index:
            points[spec.item_id] = (
                points.get(spec.item_id, 0.0) + municipality.points[index[spec.key]]
            )
            maxima[spec.item_id] = maxima.get(spec.item_id, 0) + spec.points
    return points, maxima


def _trend(values: list[float], maxima: list[int]) -> str:
    if len(values) >= 2 and all(v == 0 for v in values):
        return ZERO_EVERY_YEAR
    if len(values) >= 2 and all(v == m for v, m in zip(values, maxima, strict=True)):
        return FULL_EVERY_YEAR
    if values[-1] > values[0]:
        return IMPROVED
    if values[-1] < values[0]:
        return DECLINED
    return UNCHANGED if len(set(values)) == 1 else UP_AND_DOWN


def item_history(datasets: list[NationalDataset], serial: int) -> list[ItemHistory]:
    """Per item of the newest dataset's catalog: its points in each imported year."""
    if not datasets:
        raise NationalFileError("全国集計結果が取り込まれていません。")
    datasets = sorted(datasets, key=lambda d: d.fiscal_year)
    catalogs = [registry.find(d.catalog_id) for d in datasets]
    per_year = [_item_points(c, d, serial) for c, d in zip(catalogs, datasets, strict=True)]
    newest = catalogs[-1]
    result = []
    for item in newest.all_items():
        if item.id not in per_year[-1][0]:
            continue
        chain = {datasets[-1].fiscal_year: item.id}
        current = item.id
        for k in range(len(catalogs) - 1, 0, -1):
            older, newer = catalogs[k - 1], catalogs[k]
            if newer.fiscal_year - older.fiscal_year != 1:
                break
            crosswalk = registry.crosswalk(older, newer)
            mapping = crosswalk.for_target(current) if crosswalk else None
            if mapping is None or not mapping.carries_answer:
                break
            current = mapping.sources[0]
            chain[older.fiscal_year] = current
        points, maxima = {}, {}
        for (year_points, year_max), dataset in zip(per_year, datasets, strict=True):
            item_id = chain.get(dataset.fiscal_year)
            if item_id is not None and item_id in year_points:
                points[dataset.fiscal_year] = year_points[item_id]
                maxima[dataset.fiscal_year] = year_max[item_id]
        years = sorted(points)
        result.append(
            ItemHistory(
                item.id,
                points,
                maxima,
                _trend([points[y] for y in years], [maxima[y] for y in years]),
            )
        )
    return result
