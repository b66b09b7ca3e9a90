"""The crosswalk between two consecutive catalogs: where each id of one year went.

A crosswalk file lists only what changed. Every id present in both catalogs maps to
itself as ``same`` unless listed; an id only in the older catalog is ``removed`` and
one only in the newer catalog is ``new``, unless listed. The resolved crosswalk
covers every indicator, item and all-of part of both catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.catalog import errors as E
from desktop.catalog.model import Catalog
from desktop.catalog.yamlsource import LocatedDict, YamlSyntaxError, parse

SAME = "same"
SPLIT = "split"
MERGED = "merged"
NEW = "new"
REMOVED = "removed"
STATUSES = (SAME, SPLIT, MERGED, NEW, REMOVED)
STATUS_LABELS = {SAME: "同一", SPLIT: "分割・再編", MERGED: "統合", NEW: "新設", REMOVED: "廃止"}


@dataclass(frozen=True)
class Mapping:
    sources: tuple[str, ...]  # ids in the older catalog (empty for new)
    targets: tuple[str, ...]  # ids in the newer catalog (empty for removed)
    status: str
    note: str | None = None
    line: int = 0

    @property
    def carries_answer(self) -> bool:
        """Only a one-to-one ``same`` mapping carries an answer without a person deciding."""
        return self.status == SAME and len(self.sources) == 1 and len(self.targets) == 1


@dataclass(frozen=True)
class Crosswalk:
    from_catalog: str
    to_catalog: str
    mappings: tuple[Mapping, ...]
    path: str = ""

    def for_source(self, source_id: str) -> Mapping | None:
        for mapping in self.mappings:
            if source_id in mapping.sources:
                return mapping
        return None

    def for_target(self, target_id: str) -> Mapping | None:
        for mapping in self.mappings:
            if target_id in mapping.targets:
                return mapping
        return None


def _ids(catalog: Catalog) -> list[str]:
    ids = []
    for indicator in catalog.all_indicators():
        ids.append(indicator.id)
        for item in indicator.items:
            ids.append(item.id)
            ids.extend(part.id for part in item.parts)
    return ids


def load_crosswalk(path: str | Path, older: Catalog, newer: Catalog) -> Crosswalk:
    path = Path(path)
    name = path.name
    problems: list[E.CatalogProblem] = []

    def problem(line: int, message: str) -> None:
        problems.append(E.CatalogProblem(name, line, E.CROSSWALK, message))

    try:
        parsed = parse(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise E.CatalogError(
            str(path), [E.CatalogProblem(name, 0, E.UNREADABLE, str(exc))]
        ) from None
    except YamlSyntaxError as exc:
        raise E.CatalogError(
            str(path), [E.CatalogProblem(name, exc.line, E.SYNTAX, str(exc))]
        ) from None
    root = parsed.data
    if not isinstance(root, LocatedDict):
        raise E.CatalogError(
            str(path), [E.CatalogProblem(name, 1, E.CROSSWALK, "対応表の形式ではありません。")]
        )
    if root.get("from") != older.id or root.get("to") != newer.id:
        problem(
            root.line,
            f"対応表は {root.get('from')} → {root.get('to')} 用ですが、"
            f"{older.id} → {newer.id} に使おうとしています。",
        )
    older_ids, newer_ids = set(_ids(older)), set(_ids(newer))
    listed: list[Mapping] = []
    seen_sources: set[str] = set()
    seen_targets: set[str] = set()
    for raw in root.get("mappings") or []:
        if not isinstance(raw, LocatedDict):
            problem(
                root.line_of("mappings"),
                "対応の書き方が正しくありません（from・to・status を書きます）。",
            )
            continue
        status = raw.get("status")
        sources = tuple(str(s) for s in (raw.get("from") or []))
        targets = tuple(str(t) for t in (raw.get("to") or []))
        line = raw.line
        if status not in STATUSES:
            problem(line, f"status「{status}」は使えません（{'・'.join(STATUSES)}）。")
            continue
        for source in sources:
            if source not in older_ids:
                problem(line, f"{older.id} に「{source}」という ID はありません。")
            if source in seen_sources:
                problem(line, f"「{source}」の対応が二度書かれています。")
            seen_sources.add(source)
        for target in targets:
            if target not in newer_ids:
                problem(line, f"{newer.id} に「{target}」という ID はありません。")
            if target in seen_targets and status != SPLIT:
                problem(line, f"「{target}」の対応が二度書かれています。")
            seen_targets.add(target)
        shape_ok = {
            SAME: len(sources) == 1 and len(targets) == 1,
            SPLIT: len(sources) >= 1 and len(targets) >= 2,
            MERGED: len(sources) >= 2 and len(targets) == 1,
            NEW: not sources and len(targets) >= 1,
            REMOVED: len(sources) >= 1 and not targets,
        }[status]
        if not shape_ok:
            problem(
                line,
                f"status「{status}」に合わない from/to の数です（from {len(sources)} 件・to {len(targets)} 件）。",
            )
        listed.append(Mapping(sources, targets, status, raw.get("note"), line))
    if problems:
        raise E.CatalogError(str(path), problems)
    mappings = list(listed)
    for source in _ids(older):
        if source in seen_sources:
            continue
        if source in newer_ids and source not in seen_targets:
            mappings.append(Mapping((source,), (source,), SAME))
            seen_targets.add(source)
        else:
            mappings.append(Mapping((source,), (), REMOVED))
    for target in _ids(newer):
        if target not in seen_targets:
            mappings.append(Mapping((), (target,), NEW))
    return Crosswalk(older.id, newer.id, tuple(mappings), str(path))
