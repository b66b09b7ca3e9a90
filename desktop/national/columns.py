"""Which score columns a fiscal year's catalog expects in the national results.

Every sub-item column of the workbook is one *scored unit* of the catalog: a check
item (ア, ア① …), or one option of a tiers/count item (ア 上位7割 … エ 上位1割 are
four columns, each 0 or its points). The workbook names a column by grant, goal,
group, indicator number and mark (row 7 letter + row 8 circled number); the catalog
knows the same five things, so the two meet on them, never on wording (which
changes by year). 目標Ⅳ appears under both grants and maps to the same units.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.catalog.model import Catalog, Indicator, Item
from desktop.national.text import norm

# The key of one column: the item id, plus ":" and the option label for an option.
OPTION_SEPARATOR = ":"


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    item_id: str
    option: str | None
    indicator_id: str
    group_id: str
    goal_id: str
    goal_code: str
    group_kind: str
    number: str
    mark: str  # normalised 「ア①」
    points: int
    state_scored: bool

    @property
    def common(self) -> bool:
        return self.goal_id.startswith("common.")


def column_key(item_id: str, option: str | None) -> str:
    return item_id if option is None else f"{item_id}{OPTION_SEPARATOR}{option}"


def split_key(key: str) -> tuple[str, str | None]:
    item_id, _sep, option = key.partition(OPTION_SEPARATOR)
    return item_id, (option or None)


def _units(item: Item) -> list[tuple[str | None, str, int]]:
    """(option label or None, column label, points) of each column an item has."""
    if item.options:
        return [(o.label, o.label, o.points) for o in item.options]
    return [(None, item.label, item.points)]


@dataclass(frozen=True)
class CatalogColumns:
    catalog: Catalog
    specs: tuple[ColumnSpec, ...]
    # (grant id, goal code, group kind, number, mark) → spec; 目標Ⅳ under both grants
    by_address: dict

    def spec(self, key: str) -> ColumnSpec:
        return self._by_key[key]

    @property
    def _by_key(self) -> dict[str, ColumnSpec]:
        cache = self.__dict__.get("_key_cache")
        if cache is None:
            cache = {s.key: s for s in self.specs}
            object.__setattr__(self, "_key_cache", cache)
        return cache

    def indicators(self) -> list[Indicator]:
        return list(self.catalog.all_indicators(with_frames=False))


_CACHE: dict[tuple[str, str], CatalogColumns] = {}


def catalog_columns(catalog: Catalog) -> CatalogColumns:
    """The expected columns of ``catalog`` (the 成果指向配分枠 is not in the file)."""
    # Keyed by id and content hash: hashing the frozen catalog itself walks all of it.
    key = (catalog.id, catalog.content_hash)
    if key not in _CACHE:
        _CACHE[key] = _build_columns(catalog)
    return _CACHE[key]


def _build_columns(catalog: Catalog) -> CatalogColumns:
    specs: list[ColumnSpec] = []
    by_address: dict = {}
    seen: set[str] = set()
    for grant in catalog.grants:
        for goal in catalog.goals_of(grant):
            for group in goal.groups:
                for indicator in group.indicators:
                    number = norm(indicator.number)
                    for item in indicator.items:
                        for option, label, points in _units(item):
                            key = column_key(item.id, option)
                            spec = ColumnSpec(
                                key=key,
                                item_id=item.id,
                                option=option,
                                indicator_id=indicator.id,
                                group_id=group.id,
                                goal_id=goal.id,
                                goal_code=goal.code,
                                group_kind=group.kind,
                                number=number,
                                mark=norm(label),
                                points=points,
                                state_scored=item.state_scored,
                            )
                            address = (grant.id, goal.code, group.kind, number, spec.mark)
                            by_address[address] = spec
                            if key not in seen:  # 目標Ⅳ: once, though under both grants
                                seen.add(key)
                                specs.append(spec)
    return CatalogColumns(catalog, tuple(specs), by_address)
