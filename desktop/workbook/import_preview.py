"""What a workbook import would do, before anything is written: the preview.

:func:`desktop.workbook.importer.preview_import` fills an :class:`ImportPreview` with
every change, every conflict and every problem; the user decides on the conflicts;
:func:`desktop.workbook.importer.apply` writes it. No Qt, and nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.evaluation.session import Session
from desktop.records import NOTE_FIELD_LABELS
from desktop.workbook.layout import NOTE_COLUMNS
from desktop.workbook.manifest import Manifest

PREFER_WORKBOOK = "workbook"
PREFER_DATABASE = "database"
PREFER_LABELS = {PREFER_WORKBOOK: "ブックの値", PREFER_DATABASE: "評価ファイルの値"}
FIELD_ANSWER = "answer"
UNANSWERED_WORDS = {"", "未回答"}
# Columns a colleague may fill in; anything typed below the last exported row is refused.
INPUT_COLUMNS = ("回答", *NOTE_COLUMNS)


class ImportRejected(Exception):
    """Nothing was imported; the message says why (Japanese)."""


@dataclass(frozen=True)
class Problem:
    message: str
    sheet: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        if self.sheet and self.row:
            return f"シート「{self.sheet}」{self.row}行目: {self.message}"
        if self.sheet:
            return f"シート「{self.sheet}」: {self.message}"
        return self.message


@dataclass(frozen=True)
class PendingChange:
    """One value the workbook would change (a conflict when the database changed it too)."""

    target: str  # item or part id (answers), indicator id (notes)
    field: str  # "answer", or a note field: evidence / section / memo
    sheet: str
    row: int
    where: str  # what the user reads: 推進交付金 目標Ⅰ 1-ア
    exported: str | None  # the value when the workbook was exported
    database: str | None  # the value in the evaluation file now
    workbook: str | None  # the value in the workbook
    conflict: bool = False
    last_user: str | None = None  # who last changed it in the evaluation file
    last_at: str | None = None

    @property
    def key(self) -> str:
        return f"{self.target}|{self.field}"

    @property
    def field_label(self) -> str:
        return (
            "回答" if self.field == FIELD_ANSWER else NOTE_FIELD_LABELS.get(self.field, self.field)
        )

    def show(self, value: str | None) -> str:
        if self.field == FIELD_ANSWER:
            return value if value is not None else "未回答"
        return value if value else "（空欄）"

    @property
    def last_changed(self) -> str:
        if not self.last_user:
            return "—"
        return f"{self.last_user}（{(self.last_at or '').replace('T', ' ')[:16]}）"


@dataclass
class ImportPreview:
    path: Path
    session: Session = field(repr=False, compare=False)
    manifest: Manifest | None = None
    changes: list[PendingChange] = field(default_factory=list)
    conflicts: list[PendingChange] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def is_empty(self) -> bool:
        return not (self.changes or self.conflicts)

    def describe(self) -> str:
        manifest = self.manifest
        if manifest is None:
            return self.file_name
        section = f"「{manifest.section}」" if manifest.section else ""
        exported = manifest.exported_at.replace("T", " ")[:16]
        return (
            f"{self.file_name}（{manifest.kind_label}{section}、{manifest.municipality} "
            f"{manifest.year_label}、"
            f"{exported} {manifest.exported_by} が出力）"
        )
