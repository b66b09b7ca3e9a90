"""The hidden sheet that lets an import find every row without trusting positions.

It records who exported what (catalog id, revision and hash, the evaluation, the
municipality and year, when and by whom, the audit log's high-water mark) and, per
answer-sheet row, the sheet name, row number, the id behind the row, the cells that
identify it, and the values at export. The sheet is ``veryHidden`` (Excel's menus
cannot show it) and protected, and a checksum over its content detects edits.
The checksum is not a secret signature: it catches accidents and casual edits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields

from openpyxl.workbook import Workbook

from desktop.formats import NamedFiscalYear
from desktop.workbook.layout import SHEET_MANIFEST
from desktop.workbook.safe_text import clean, write_text
from desktop.workbook.styles import FONT

FORMAT = "hyoka-desk-workbook/1"
KIND_SUBMISSION = "submission"
KIND_SECTION = "section"
KIND_LABELS = {KIND_SUBMISSION: "提出用ブック", KIND_SECTION: "担当課用ブック"}
# Protection against accidents, not a secret (anyone can read it here).
SHEET_PASSWORD = "hyoka"

_META_COLUMN = 1  # A: key, B: value
_ROWS_COLUMN = 4  # D… : one line per answer-sheet row
_LIST_SEPARATOR = "\t"


class ManifestError(ValueError):
    """The manifest is missing, unreadable or has been edited (message in Japanese)."""


@dataclass(frozen=True)
class ManifestRow:
    sheet: str
    row: int
    kind: str
    target: str
    goal: str
    group: str
    number: str
    label: str
    answer: str = ""  # the answer shown at export ("" = 未回答)
    evidence: str = ""  # indicator rows: the notes at export
    section: str = ""
    memo: str = ""

    def key(self) -> tuple[str, str, str, str]:
        return (self.goal, self.group, self.number, self.label)


@dataclass(frozen=True)
class Manifest(NamedFiscalYear):
    kind: str
    section: str
    catalog_id: str
    catalog_revision: int
    catalog_hash: str
    catalog_status: str
    evaluation_id: int
    evaluation_created_at: str
    fiscal_year: int
    municipality: str
    municipality_code: str
    exported_at: str
    exported_by: str
    audit_high_water: int
    header_row: int
    columns: tuple[str, ...]
    sheets: tuple[str, ...]
    rows: tuple[ManifestRow, ...] = field(default=())
    format: str = FORMAT

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def meta_items(self) -> list[tuple[str, str]]:
        items = []
        for f in fields(self):
            if f.name == "rows":
                continue
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = _LIST_SEPARATOR.join(value)
            items.append((f.name, clean(value)))
        return items

    def checksum(self) -> str:
        payload = {
            "meta": self.meta_items(),
            "rows": [[clean(v) for v in asdict(row).values()] for row in self.rows],
        }
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


_ROW_FIELDS = [f.name for f in fields(ManifestRow)]
MANIFEST_LAST_COLUMN = _ROWS_COLUMN + len(_ROW_FIELDS) - 1  # the last column an import reads


def write_manifest(workbook: Workbook, manifest: Manifest) -> None:
    """Add the manifest as a very hidden, protected sheet (every value stored as text)."""
    sheet = workbook.create_sheet(SHEET_MANIFEST)
    items = [*manifest.meta_items(), ("checksum", manifest.checksum())]
    _put(sheet, 1, _META_COLUMN, ["key", "value"])
    for offset, (key, value) in enumerate(items, start=2):
        _put(sheet, offset, _META_COLUMN, [key, value])
    _put(sheet, 1, _ROWS_COLUMN, _ROW_FIELDS)
    for offset, row in enumerate(manifest.rows, start=2):
        _put(sheet, offset, _ROWS_COLUMN, [clean(v) for v in asdict(row).values()])
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
    sheet.protection.password = SHEET_PASSWORD


def _put(sheet, row: int, column: int, values: list) -> None:
    for offset, value in enumerate(values):
        cell = sheet.cell(row=row, column=column + offset)
        write_text(cell, value)
        cell.font = FONT


def read_manifest(cells: dict[tuple[int, int], object]) -> Manifest:
    """Parse the manifest from its cells ((row, column) → value); raise ManifestError."""
    meta: dict[str, str] = {}
    row = 2
    while (row, _META_COLUMN) in cells:
        key = _text(cells.get((row, _META_COLUMN)))
        if not key:
            break
        meta[key] = _text(cells.get((row, _META_COLUMN + 1)))
        row += 1
    header = [_text(cells.get((1, _ROWS_COLUMN + i))) for i in range(len(_ROW_FIELDS))]
    if _text(cells.get((1, _META_COLUMN))) != "key" or header != _ROW_FIELDS:
        raise ManifestError("取込用情報シートの見出しが正しくありません（改変されています）。")
    if meta.get("format") != FORMAT:
        raise ManifestError(
            f"取込用情報の形式「{meta.get('format', '')}」は読めません"
            f"（この版が読めるのは {FORMAT}）。"
        )
    rows = []
    line = 2
    while _text(cells.get((line, _ROWS_COLUMN))):
        values = [_text(cells.get((line, _ROWS_COLUMN + i))) for i in range(len(_ROW_FIELDS))]
        record = dict(zip(_ROW_FIELDS, values, strict=True))
        try:
            record["row"] = int(record["row"])
        except ValueError:
            raise ManifestError(
                f"取込用情報の {line} 行目の行番号が読めません（改変されています）。"
            ) from None
        rows.append(ManifestRow(**record))
        line += 1
    try:
        manifest = Manifest(
            kind=meta["kind"],
            section=meta["section"],
            catalog_id=meta["catalog_id"],
            catalog_revision=int(meta["catalog_revision"]),
            catalog_hash=meta["catalog_hash"],
            catalog_status=meta["catalog_status"],
            evaluation_id=int(meta["evaluation_id"]),
            evaluation_created_at=meta["evaluation_created_at"],
            fiscal_year=int(meta["fiscal_year"]),
            municipality=meta["municipality"],
            municipality_code=meta["municipality_code"],
            exported_at=meta["exported_at"],
            exported_by=meta["exported_by"],
            audit_high_water=int(meta["audit_high_water"]),
            header_row=int(meta["header_row"]),
            columns=tuple(_split(meta["columns"])),
            sheets=tuple(_split(meta["sheets"])),
            rows=tuple(rows),
        )
    except (KeyError, ValueError) as exc:
        raise ManifestError(
            f"取込用情報の項目 {exc} が欠けているか読めません（改変されています）。"
        ) from None
    if meta.get("checksum") != manifest.checksum():
        raise ManifestError(
            "取込用情報シートの内容が出力時と違います（改変されています）。"
            "出力し直したブックを使ってください。"
        )
    return manifest


def _split(text: str) -> list[str]:
    return text.split(_LIST_SEPARATOR) if text else []


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(value)
