"""The change history as people read it: when, who, what, where, old → new.

The audit log stores ids and raw field names; a coordinator wants 「推進 目標Ⅰ 体制・取組
指標群 1-ア」 and 「備考」. This module turns audit entries into such rows and filters
them (by indicator, person and day) for the window's history view. No Qt here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from desktop.catalog.model import Catalog
from desktop.records import (
    ACTION_CREATE,
    ACTION_NOTE,
    ACTION_UPGRADE,
    NOTE_FIELD_LABELS,
    AuditEntry,
)
from desktop.report.wording import target_reference

EMPTY_VALUE = "（なし）"
# Entries whose old/new values are internal (catalog revisions): the action says it all.
NO_VALUES = (ACTION_CREATE, ACTION_UPGRADE)


@dataclass(frozen=True)
class HistoryRow:
    at: str  # 「2026-12-02 11:25」, the writer's local time
    day: date | None
    user: str
    what: str  # 回答, 指標の記録（備考） …
    place: str  # where in the evaluation, in the catalog's words ("" for the whole file)
    old: str
    new: str
    indicator_id: str | None
    target: str | None


def indicator_of_target(catalog: Catalog, target: str | None) -> str | None:
    """The indicator a target (indicator, sub-item or all-of part) belongs to."""
    if not target:
        return None
    if catalog.has_indicator(target):
        return target
    if catalog.has_target(target):
        return catalog.indicator_of_target(target).id
    return None


def history_row(catalog: Catalog, entry: AuditEntry) -> HistoryRow:
    indicator = indicator_of_target(catalog, entry.target)
    what = entry.action_label
    if entry.action == ACTION_NOTE and entry.field in NOTE_FIELD_LABELS:
        what += f"（{NOTE_FIELD_LABELS[entry.field]}）"
    if indicator is not None:
        place = target_reference(catalog, entry.target)
        title = catalog.indicator(indicator).title
        place = f"{place} {title}" if entry.target == indicator else place
    else:
        place = ""  # the municipality, a restore …: the whole file, no sub-item
    return HistoryRow(
        at=entry.at.replace("T", " ")[:16],
        day=_day(entry.at),
        user=_printable(entry.user),
        what=what,
        place=place,
        old=_value(entry, entry.old),
        new=_value(entry, entry.new),
        indicator_id=indicator,
        target=entry.target if indicator is not None else None,
    )


def history_rows(catalog: Catalog, entries: Iterable[AuditEntry]) -> list[HistoryRow]:
    return [history_row(catalog, entry) for entry in entries]


def matches(
    row: HistoryRow,
    *,
    indicator: str | None = None,
    target: str | None = None,
    user: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> bool:
    """Whether a row passes the filters that are set (None: no filter)."""
    if indicator is not None and row.indicator_id != indicator:
        return False
    if target is not None and row.target != target:
        return False
    if user is not None and row.user != user:
        return False
    if since is not None and (row.day is None or row.day < since):
        return False
    return not (until is not None and (row.day is None or row.day > until))


def _value(entry: AuditEntry, value: str | None) -> str:
    if entry.action in NO_VALUES:
        return ""
    return EMPTY_VALUE if value is None else value


def _day(stamp: str) -> date | None:
    try:
        return datetime.fromisoformat(stamp).date()
    except ValueError:
        return None


def _printable(text: str) -> str:
    """A name as stored by someone else's copy: control characters never reach the screen."""
    return "".join(char for char in text if char.isprintable()) or "（不明）"
