"""Wording packs: one person types the official texts, everyone imports them.

A pack is a workbook (xlsx) with one row per sub-item of a year: its stable id, where
it sits (grant, goal, group, indicator number and title), its label and points, the
official text we hold with its source, and (read-only) the hint or own summary shown
where no official text exists. Anyone can fill or correct the 公式文言 column in Excel.

Importing reads only that column, checks everything first (the pack's catalog and
year must match the evaluation, cells must be text, within limits, ids known) and
then stores all the texts as one action, or nothing. A pack can also be dropped in a
shared folder (``wording/`` beside the catalogs, or in the user's data folder): every
evaluation of that year then shows its texts, marked 公式・文言集.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from desktop import paths
from desktop.catalog.model import Catalog, Indicator, Item, Part
from desktop.catalog.wording import (
    HINT,
    OFFICIAL,
    OWN,
    PACK,
    PASTED,
    SOURCE_MARKS,
    TextLayers,
)
from desktop.formats import reiwa_year, year_label
from desktop.safe_save import SaveError, save_atomically
from desktop.wording.limits import MAX_PACK_ROWS, MAX_TEXT_CHARS

PACK_SHEET = "文言集"
MANIFEST_SHEET = "文言集の情報"
FORMAT = "hyoka-desk-wording-pack"
FORMAT_VERSION = 1
COLUMNS = (
    "ID",
    "交付金",
    "目標",
    "指標群",
    "番号",
    "評価指標（評価の視点）",
    "小項目",
    "配点",
    "公式文言",
    "公式文言の出典",
    "参考・要旨（取り込みません）",
)
TEXT_COLUMN = COLUMNS.index("公式文言") + 1
HEADER_ROW = 3
ENV_FOLDER = "HYOKA_WORDING_DIR"


class PackError(Exception):
    """A pack that cannot be exported or imported; the message says why (Japanese)."""


class PackExportError(PackError, SaveError):
    pass


@dataclass(frozen=True)
class Target:
    """A row of a pack: a sub-item or a condition of an all-of sub-item."""

    id: str
    grant: str
    goal: str
    group: str
    indicator: Indicator
    label: str
    points: int | None
    item: Item | Part


def targets(catalog: Catalog) -> Iterator[Target]:
    """Every sub-item (and all-of condition) of a catalog, in the official order."""
    for grant in catalog.grants:
        for goal in grant.goals:
            for group in goal.groups:
                yield from _indicator_targets(
                    group.indicators, grant.short_name, goal.label, group.name
                )
    if catalog.common is not None:
        goal = catalog.common
        for group in goal.groups:
            yield from _indicator_targets(
                group.indicators, "両交付金に共通", goal.label, group.name
            )
    for frame in catalog.frames:
        grant = next((g.short_name for g in catalog.grants if g.id == frame.grant), "")
        yield from _indicator_targets(frame.indicators, grant, frame.name, frame.name)


def _indicator_targets(indicators, grant: str, goal: str, group: str) -> Iterator[Target]:
    for indicator in indicators:
        for item in indicator.items:
            yield Target(item.id, grant, goal, group, indicator, item.label, item.points, item)
            for part in item.parts:
                yield Target(
                    part.id, grant, goal, group, indicator, f"{item.label}{part.label}", None, part
                )


# --- export ---------------------------------------------------------------------------------
def export_pack(
    catalog: Catalog,
    layers: TextLayers,
    path: str | Path,
    *,
    evaluation_file: str | Path | None = None,
) -> int:
    """Write the pack of ``catalog``'s year with the texts we hold; returns the row count."""
    import openpyxl  # only when a pack is written: the window starts without openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = PACK_SHEET
    sheet.cell(row=1, column=1, value=f"{catalog.year_label} {catalog.level_label} 小項目の文言集")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    _text_cell(
        sheet,
        2,
        1,
        "「公式文言」の列に国の評価指標の文言を入力・修正して、ほかの市町村に渡せます。"
        "取り込むのは「公式文言」の列だけです（参考・要旨の列は取り込みません）。",
    )
    for column, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    count = 0
    for row, target in enumerate(targets(catalog), start=HEADER_ROW + 1):
        text, source = layers.wording(target.item)
        official = source in (OFFICIAL, PASTED, PACK)
        values = (
            target.id,
            target.grant,
            target.goal,
            target.group,
            target.indicator.number,
            target.indicator.title,
            target.label,
        )
        for column, value in enumerate(values, start=1):
            _text_cell(sheet, row, column, value)
        if target.points is not None:
            sheet.cell(row=row, column=8, value=target.points)
        _text_cell(sheet, row, TEXT_COLUMN, text if official else "")
        _text_cell(sheet, row, TEXT_COLUMN + 1, SOURCE_MARKS[source] if official else "")
        _text_cell(
            sheet,
            row,
            TEXT_COLUMN + 2,
            f"〔{SOURCE_MARKS[source]}〕{text}" if source in (OWN, HINT) else "",
        )
        count += 1
    widths = (30, 10, 8, 14, 5, 48, 6, 5, 60, 12, 40)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)
    sheet.column_dimensions["A"].hidden = True  # the id is for the import, not for reading
    manifest = workbook.create_sheet(MANIFEST_SHEET)
    for row, (key, value) in enumerate(
        (
            ("format", FORMAT),
            ("version", str(FORMAT_VERSION)),
            ("catalog", catalog.id),
            ("fiscal_year", str(catalog.fiscal_year)),
        ),
        start=1,
    ):
        _text_cell(manifest, row, 1, key)
        _text_cell(manifest, row, 2, value)
    manifest.sheet_state = "hidden"
    save_atomically(path, workbook.save, error=PackExportError, evaluation_file=evaluation_file)
    return count


def _text_cell(sheet, row: int, column: int, value) -> None:
    """User text is always written as text, never as a formula."""
    from desktop.workbook.safe_text import write_text

    write_text(sheet.cell(row=row, column=column), value)


# --- reading a pack ---------------------------------------------------------------------------
@dataclass
class Pack:
    """The official texts read from a pack, for one catalog and year."""

    catalog_id: str
    fiscal_year: int
    texts: dict[str, str]  # target id → official text (non-empty cells only)
    rows: dict[str, int] = field(default_factory=dict)  # target id → sheet row
    name: str = ""


def read_pack(path: str | Path) -> Pack:
    """Read and check a pack file; raises PackError naming the file, row and problem."""
    from desktop.workbook import reader
    from desktop.workbook.reader import WorkbookReadError
    from desktop.workbook.safe_text import clean

    path = Path(path)
    try:
        # Only the two sheets of a pack are read, streamed and within the import's cell budget.
        with reader.open_workbook(path) as book:
            if PACK_SHEET not in book.sheet_names or MANIFEST_SHEET not in book.sheet_names:
                raise PackError(
                    f"{path.name} は文言集ではありません（「{PACK_SHEET}」のシートがありません）。"
                    "このアプリの「文言集を出力する」で作ったブックを使ってください。"
                )
            info = book.read(MANIFEST_SHEET, max_column=2)
            cells = book.read(PACK_SHEET, max_column=len(COLUMNS))
    except WorkbookReadError as exc:
        raise PackError(str(exc)) from None
    values = {
        str(cell.value): info.get((row, 2)) for (row, column), cell in info.items() if column == 1
    }
    if str(getattr(values.get("format"), "value", "")) != FORMAT:
        raise PackError(f"{path.name} は文言集ではありません（情報シートが違います）。")
    try:
        fiscal_year = int(str(values["fiscal_year"].value))
        catalog_id = str(values["catalog"].value)
    except (KeyError, AttributeError, ValueError):
        raise PackError(f"{path.name} の情報シートが壊れています（年度がありません）。") from None
    header = [cells.get((HEADER_ROW, c)) for c in range(1, len(COLUMNS) + 1)]
    if [str(h.value) if h else "" for h in header[:TEXT_COLUMN]] != list(COLUMNS[:TEXT_COLUMN]):
        raise PackError(
            f"{path.name} の「{PACK_SHEET}」シートの見出し（{HEADER_ROW}行目）が出力したときと違います。"
            "列を入れ替えたり消したりせずに記入してください。"
        )
    last_row = max((row for row, _column in cells), default=HEADER_ROW)
    if last_row - HEADER_ROW > MAX_PACK_ROWS:
        raise PackError(f"{path.name} の行が多すぎます（{MAX_PACK_ROWS}行まで）。")
    pack = Pack(catalog_id=catalog_id, fiscal_year=fiscal_year, texts={}, name=path.name)
    problems = []
    for row in range(HEADER_ROW + 1, last_row + 1):
        id_cell = cells.get((row, 1))
        text_cell = cells.get((row, TEXT_COLUMN))
        if id_cell is None:
            if text_cell is not None and str(text_cell.value or "").strip():
                problems.append(
                    f"{row}行目: ID の列が空です（行を追加せず、出力した行に記入してください）。"
                )
            continue
        target_id = str(id_cell.value).strip()
        if target_id in pack.rows:
            problems.append(f"{row}行目: {pack.rows[target_id]}行目と同じ小項目です。")
            continue
        pack.rows[target_id] = row
        if text_cell is None:
            continue
        if text_cell.is_formula or text_cell.data_type not in ("s", "n"):
            problems.append(
                f"{row}行目: 公式文言は文字で入力してください（数式などは取り込めません）。"
            )
            continue
        text = clean(text_cell.value).strip()
        if len(text) > MAX_TEXT_CHARS:
            problems.append(f"{row}行目: 公式文言が長すぎます（{MAX_TEXT_CHARS}文字まで）。")
            continue
        if text:
            pack.texts[target_id] = text
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\nほか {len(problems) - 20} 件" if len(problems) > 20 else ""
        raise PackError(f"{path.name} を取り込めません。何も変更していません。\n{shown}{more}")
    return pack


# --- importing into an evaluation ------------------------------------------------------------
@dataclass(frozen=True)
class TextChange:
    """A text that importing a pack would store, with the one it replaces."""

    target_id: str
    label: str  # an id-free name: 「推進 目標Ⅰ 体制・取組指標群 4-ア」
    old: str | None
    new: str


@dataclass
class PackImportPlan:
    """What importing a pack would change, for the preview."""

    file_name: str
    changes: list[TextChange]
    unchanged: int
    official_kept: int  # rows whose item has shipped official wording (it always wins)

    def summary(self) -> str:
        lines = [
            f"{self.file_name}: 公式文言の追加・変更 {len(self.changes)}件、変わらない {self.unchanged}件"
        ]
        if self.official_kept:
            lines.append(f"同梱の公式文言がある {self.official_kept}件はそのまま表示します。")
        return "\n".join(lines)


def check_pack_fits(pack: Pack, catalog: Catalog) -> None:
    if pack.catalog_id != catalog.id or pack.fiscal_year != catalog.fiscal_year:
        year = year_label(pack.fiscal_year) if reiwa_year(pack.fiscal_year) > 0 else "別の年度"
        raise PackError(
            f"{pack.name} は{year}の文言集です。開いている評価（{catalog.year_label} "
            f"{catalog.level_label}）には取り込めません。何も変更していません。"
        )
    unknown = [
        row
        for target_id, row in pack.rows.items()
        if not (catalog.has_item(target_id) or catalog.has_part(target_id))
    ]
    if unknown:
        rows = "・".join(str(r) for r in sorted(unknown)[:10])
        raise PackError(
            f"{pack.name} の {rows}行目の小項目は、開いている評価の評価指標にありません。"
            "何も変更していません。"
        )


def plan_pack_import(session, pack: Pack) -> PackImportPlan:
    """What importing ``pack`` into the session's evaluation would change (nothing is written)."""
    from desktop.report.wording import target_reference

    catalog = session.catalog
    check_pack_fits(pack, catalog)
    held = session.item_texts()
    changes, unchanged, official_kept = [], 0, 0
    for target_id, text in pack.texts.items():
        target = (
            catalog.part(target_id)[1] if catalog.has_part(target_id) else catalog.item(target_id)
        )
        if target.wording:
            official_kept += int(text != target.wording)
            unchanged += int(text == target.wording)
            continue
        old = held.get(target_id)
        if old is not None and old.text == text:
            unchanged += 1
            continue
        changes.append(
            TextChange(
                target_id, target_reference(catalog, target_id), old.text if old else None, text
            )
        )
    return PackImportPlan(pack.name, changes, unchanged, official_kept)


def apply_pack_import(session, plan: PackImportPlan) -> list:
    from desktop.records import TEXT_PACK, import_source

    return session.set_item_texts(
        {change.target_id: change.new for change in plan.changes},
        kind=TEXT_PACK,
        origin=plan.file_name,
        source=import_source(plan.file_name),
    )


# --- shared pack folders -------------------------------------------------------------------------
_extra_folders: list[Path] = []


def add_pack_folder(folder: str | Path) -> None:
    """Also read packs from ``folder`` (the app adds the user's data folder at start)."""
    folder = Path(folder)
    if folder not in _extra_folders:
        _extra_folders.append(folder)
        _folder_texts.cache_clear()


def pack_folders() -> list[Path]:
    """Where shared packs are read from: beside the catalogs, the user's folder, $HYOKA_WORDING_DIR."""
    folders = [paths.catalogs_dir().parent / "wording", *_extra_folders]
    override = os.environ.get(ENV_FOLDER)
    if override:
        folders.append(Path(override))
    return folders


def shared_pack_texts(catalog: Catalog) -> dict[str, str]:
    """Texts of the shared packs made for this catalog and year (later folders win)."""
    texts: dict[str, str] = {}
    for folder in pack_folders():
        try:
            files = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
            signature = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
        except OSError:
            continue
        for target_id, text in _folder_texts(
            str(folder), signature, catalog.id, catalog.fiscal_year
        ):
            if catalog.has_item(target_id) or catalog.has_part(target_id):
                texts[target_id] = text
    return texts


@lru_cache(maxsize=32)
def _folder_texts(
    folder: str, signature: tuple, catalog_id: str, fiscal_year: int
) -> tuple[tuple[str, str], ...]:
    """A folder's packs for one catalog, read once while its files stay the same.

    A pack that cannot be read is skipped: a broken file in a shared folder must not
    stop anyone from working (importing it directly shows what is wrong).
    """
    found: dict[str, str] = {}
    for name, _mtime, _size in signature:
        try:
            pack = read_pack(Path(folder) / name)
        except (PackError, OSError):
            continue
        if pack.catalog_id == catalog_id and pack.fiscal_year == fiscal_year:
            found.update(pack.texts)
    return tuple(found.items())
