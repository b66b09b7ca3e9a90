"""Import a filled-in submission or section workbook: preview first, then all or nothing.

:func:`preview_import` reads and checks the whole workbook and returns an
:class:`ImportPreview`: every change (old → new, who last changed it), every
conflict and every problem (sheet, row, what is wrong). It never writes.
:func:`apply` writes the changes and the conflicts the user decided for the
workbook in one transaction, audited as 「取込: FILE」, and refuses a preview with
problems, an undecided conflict, or a database that changed since the preview.

Rows are found only through the manifest (sheet name + row number → id) and checked
by their visible 目標・指標群・番号・小項目 cells, never by position alone; each id must
also be the one the open catalog puts on that sheet behind those cells, so a manifest
rewritten with a fresh checksum cannot send a row's value to another item. Only the
manifest and the answer sheets it names are read (``reader.open_workbook``).

A conflict: the workbook changed a value (it differs from the value at export), the
database changed it too since the export (its current value differs from the value
at export; the audit entry after the export's high-water mark says who), and the two
new values differ. We flag it whenever the database value differs from the value
at export, audited or not, so that nothing is ever overwritten silently.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path

from desktop.catalog.model import EXTERNAL, Item
from desktop.evaluation.document import list_backups
from desktop.evaluation.session import Session
from desktop.records import (
    AuditEntry,
    Change,
    ChangeSet,
    import_source,
)
from desktop.scoring.answers import AnswerError, describe_allowed, is_plain_number, normalize
from desktop.text_limits import too_long_message
from desktop.workbook import reader
from desktop.workbook.import_preview import (  # noqa: F401 (re-exported: callers import them from here)
    FIELD_ANSWER,
    INPUT_COLUMNS,
    PREFER_DATABASE,
    PREFER_LABELS,
    PREFER_WORKBOOK,
    UNANSWERED_WORDS,
    ImportPreview,
    ImportRejected,
    PendingChange,
    Problem,
)
from desktop.workbook.layout import (
    COL,
    KEY_COLUMNS,
    NOTE_COLUMNS,
    ROW_ALL_OF,
    ROW_INDICATOR,
    ROW_ITEM,
    ROW_PART,
    SHEET_CHOICES,
    SHEET_COVER,
    SHEET_MANIFEST,
    SHEET_SUMMARY,
    build_rows,
    sheet_plans,
)
from desktop.workbook.manifest import (
    MANIFEST_LAST_COLUMN,
    Manifest,
    ManifestError,
    ManifestRow,
    read_manifest,
)
from desktop.workbook.safe_text import clean
from desktop.workbook.validation import answer_values

BACKUP_REASON = "before-import"
BATCH_BACKUP_SECONDS = 600


# --- preview ---------------------------------------------------------------------------------
def preview_import(session: Session, path: str | Path) -> ImportPreview:
    """Read and check ``path`` completely; never writes. Problems land in ``errors``."""
    preview = ImportPreview(path=Path(path), session=session)
    try:
        loaded = _read_named_sheets(preview)
    except reader.WorkbookReadError as exc:
        preview.errors.append(Problem(str(exc)))
        return preview
    except ManifestError as exc:
        preview.errors.append(Problem(str(exc), SHEET_MANIFEST))
        return preview
    if loaded is None:
        return preview
    _Checker(session, preview, loaded).run()
    return preview


def _read_named_sheets(preview: ImportPreview) -> reader.LoadedWorkbook | None:
    """The manifest, then only the answer sheets it names (nothing else is parsed)."""
    with reader.open_workbook(preview.path) as book:
        if SHEET_MANIFEST not in book.sheet_names:
            preview.errors.append(
                Problem(
                    f"{preview.file_name} に「{SHEET_MANIFEST}」シートがありません。"
                    "このアプリで出力したブックではないか、シートが削除されています。"
                )
            )
            return None
        cells = book.read(SHEET_MANIFEST, max_column=MANIFEST_LAST_COLUMN)
        preview.manifest = read_manifest({key: cell.value for key, cell in cells.items()})
        loaded = reader.LoadedWorkbook(preview.path, book.sheet_names)
        for name in preview.manifest.sheets:
            if name in book.sheet_names and name not in loaded.cells:
                loaded.cells[name] = book.read(name, max_column=len(COL))
        return loaded


class _Checker:
    def __init__(self, session: Session, preview: ImportPreview, loaded: reader.LoadedWorkbook):
        self.session = session
        self.catalog = session.catalog
        self.preview = preview
        self.manifest: Manifest = preview.manifest  # type: ignore[assignment]
        self.loaded = loaded
        self.candidates: list[PendingChange] = []
        self._layout: dict[str, tuple[str, str, tuple[str, ...]]] | None = None
        self._seen_targets: set[str] = set()

    def error(self, message: str, sheet: str | None = None, row: int | None = None) -> None:
        self.preview.errors.append(Problem(message, sheet, row))

    def run(self) -> None:
        self.check_identity()
        if self.preview.errors:
            return
        self.check_catalog()
        good_sheets = self.check_sheets()
        for row in self.manifest.rows:
            if row.sheet in good_sheets:
                self.check_row(row)
        for sheet in good_sheets:
            self.check_extra_rows(sheet)
        if self.preview.errors:
            return
        self.compare_with_database()

    # --- whose workbook is it -----------------------------------------------------------
    def check_identity(self) -> None:
        manifest, session = self.manifest, self.session
        municipality = session.municipality()
        name = municipality.name if municipality else ""
        code = (municipality.code or "") if municipality else ""
        if manifest.municipality != name or (
            manifest.municipality_code and code and manifest.municipality_code != code
        ):
            self.error(
                f"このブックは {manifest.municipality or '（市町村名なし）'} の評価から出力されています"
                f"（開いている評価ファイルは {name or '（市町村名なし）'}）。取り込めません。"
            )
        if manifest.fiscal_year != session.catalog.fiscal_year:
            self.error(
                f"このブックは{manifest.year_label}の評価です（開いている評価は{session.catalog.year_label}）。"
                "同じ年度の評価を開いてから取り込んでください。"
            )
        elif manifest.catalog_id != session.catalog.id:
            self.error(
                "このブックは、開いている評価とは別の評価指標の評価から出力されています。"
                "取り込めません。"
            )
        elif (
            manifest.evaluation_id != session.record.id
            or manifest.evaluation_created_at != session.record.created_at
        ):
            self.error(
                "このブックは別の評価ファイル（または作り直した評価）から出力されています。"
                "変更の有無を正しく判定できないため取り込みません。この評価ファイルから出力し直してください。"
            )

    def check_catalog(self) -> None:
        """Same catalog id, another revision: only if every row's id still exists (checked per row)."""
        manifest, catalog = self.manifest, self.catalog
        if manifest.catalog_hash == catalog.content_hash:
            return
        self.preview.warnings.append(
            "このブックは、評価指標が更新される前に出力されました。すべての行の小項目が"
            "いまの評価指標にあるため取り込めますが、得点はいまの評価指標で計算されます。"
        )

    # --- sheets and rows ------------------------------------------------------------------
    def check_sheets(self) -> set[str]:
        present = set(self.loaded.sheet_names)
        ours = {SHEET_MANIFEST, SHEET_COVER, SHEET_SUMMARY, SHEET_CHOICES, *self.manifest.sheets}
        unknown = [name for name in self.loaded.sheet_names if name not in ours]
        good = set()
        for name in self.manifest.sheets:
            if name not in present:
                hint = f"ブックにあるほかのシート: {'・'.join(unknown)}。" if unknown else ""
                self.error(
                    f"シートがありません（名前が変更されたか削除されています）。{hint}"
                    "シート名を出力時に戻すか、出力し直してください。",
                    name,
                )
                continue
            if self.check_header(name):
                good.add(name)
        return good

    def check_header(self, sheet: str) -> bool:
        cells = self.loaded.sheet(sheet)
        header_row = self.manifest.header_row
        for column, expected in enumerate(self.manifest.columns, start=1):
            actual = _text(cells.get((header_row, column)))
            if actual != expected:
                self.error(
                    f"{column}列目の見出しが出力時と違います（出力時「{expected}」、現在「{actual}」）。"
                    "列を追加・削除・移動しないでください。",
                    sheet,
                    header_row,
                )
                return False
        if list(self.manifest.columns) != list(COL):
            self.error("この版では読めない列の構成です。出力し直してください。", sheet, header_row)
            return False
        return True

    def check_row(self, row: ManifestRow) -> None:
        cells = self.loaded.sheet(row.sheet)
        actual = tuple(_text(cells.get((row.row, COL[name]))) for name in KEY_COLUMNS)
        if actual != row.key():
            self.error(
                f"行の内容が出力時と違います（出力時: {_key_text(row.key())}、現在: {_key_text(actual)}）。"
                "行を移動・挿入・削除・並べ替えしないでください。",
                row.sheet,
                row.row,
            )
            return
        if not self.target_exists(row):
            self.error(
                "この行の小項目は、開いている評価の評価指標にありません（評価指標が変わっています）。"
                "この評価ファイルから出力し直してください。",
                row.sheet,
                row.row,
            )
            return
        if not self.points_where_it_shows(row):
            return
        if row.kind == ROW_INDICATOR:
            self.check_indicator_row(row, cells)
        else:
            self.check_item_row(row, cells)

    def target_exists(self, row: ManifestRow) -> bool:
        """The id behind the row exists in the open catalog, as the kind of thing it was."""
        if row.kind == ROW_INDICATOR:
            return self.catalog.has_indicator(row.target)
        if row.kind == ROW_PART:
            return self.catalog.has_part(row.target)
        if row.kind in (ROW_ITEM, ROW_ALL_OF):
            return self.catalog.has_item(row.target)
        return False

    def points_where_it_shows(self, row: ManifestRow) -> bool:
        """The id behind the row is the one the catalog puts on that sheet with those cells.

        The checksum only catches accidents: a manifest rewritten with a fresh checksum
        could otherwise send what the user typed on the row 目標Ⅰ 1-イ to another item.
        """
        expected = self.layout().get(row.target)
        if expected == (row.sheet, row.kind, row.key()) and row.target not in self._seen_targets:
            self._seen_targets.add(row.target)
            return True
        self.error(
            f"取込用情報がこの行（{_key_text(row.key())}）を別の項目に結び付けています"
            "（取込用情報が改変されています）。"
            "この行の内容をどの項目に取り込むか確かめられないため、取り込みません。出力し直したブックを使ってください。",
            row.sheet,
            row.row,
        )
        return False

    def layout(self) -> dict[str, tuple[str, str, tuple[str, ...]]]:
        """Where the open catalog puts each id: id → (sheet, row kind, identifying cells)."""
        if self._layout is None:
            tree = self.session.score()
            self._layout = {
                sheet_row.target: (plan.title, sheet_row.kind, sheet_row.key())
                for plan in sheet_plans(self.catalog)
                for sheet_row in build_rows(plan, tree, {}, {})
            }
        return self._layout

    def check_indicator_row(self, row: ManifestRow, cells) -> None:
        answer = cells.get((row.row, COL["回答"]))
        if answer is not None and _text(answer):
            self.error(
                "評価指標の行には回答を入力できません（小項目の行の「回答」に入力してください）。",
                row.sheet,
                row.row,
            )
        for column, note_field in NOTE_COLUMNS.items():
            cell = cells.get((row.row, COL[column]))
            if cell is not None and cell.is_formula:
                self.error(
                    f"「{column}」に数式があります（数式は取り込めません。文字として入力してください）。",
                    row.sheet,
                    row.row,
                )
                continue
            if cell is not None and cell.data_type == "e":
                self.error(f"「{column}」がエラー値（{cell.value}）です。", row.sheet, row.row)
                continue
            value = _text(cell)
            exported = getattr(row, note_field)
            if value == exported:
                continue  # unchanged, however long: never a change nor a conflict
            too_long = too_long_message(f"「{column}」", value)
            if too_long is not None:
                self.error(f"{too_long}短くしてから取り込んでください。", row.sheet, row.row)
                continue
            self.candidates.append(_pending(row, note_field, exported, value))

    def check_item_row(self, row: ManifestRow, cells) -> None:
        for column in NOTE_COLUMNS:
            if _text(cells.get((row.row, COL[column]))):
                self.error(
                    f"「{column}」は小項目の行には入力できません（評価指標の行に入力してください）。",
                    row.sheet,
                    row.row,
                )
        cell = cells.get((row.row, COL["回答"]))
        if cell is not None and cell.is_formula:
            self.error(
                f"回答欄に数式があります（{_text(cell)[:40]}）。数式は取り込めません。一覧から値を選んでください。",
                row.sheet,
                row.row,
            )
            return
        exported = row.answer or None
        if row.kind == ROW_ALL_OF:
            if _text(cell) != row.answer:
                self.error(
                    f"{row.label} の回答は ①・②… の行で入力してください（この行はそれらから自動で決まります）。",
                    row.sheet,
                    row.row,
                )
            return
        item = self.item_of(row)
        try:
            value = self.parse_answer(item, row, cell)
        except AnswerError as exc:
            self.error(str(exc), row.sheet, row.row)
            return
        if value != exported:
            self.candidates.append(_pending(row, FIELD_ANSWER, exported, value))

    def item_of(self, row: ManifestRow) -> Item:
        return self.catalog.item_of_target(row.target)

    def parse_answer(
        self, item: Item, row: ManifestRow, cell: reader.CellValue | None
    ) -> str | None:
        """The stored form of the 回答 cell, or AnswerError saying what the cell accepts."""
        if cell is None:
            return None
        value = cell.value
        if cell.data_type == "e":
            raise AnswerError(f"回答欄がエラー値（{value}）です。")
        if isinstance(value, bool):
            raise AnswerError(f"「{value}」は回答として使えません。")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if text in UNANSWERED_WORDS:
            return None
        # A part row's item is its all-of item, so only an external item's own row is a number.
        if item.rule == EXTERNAL:
            if not is_plain_number(value):
                raise AnswerError(
                    f"「{value}」は回答として使えません（{describe_allowed(item)}で入力）。"
                )
            return normalize(self.catalog, row.target, text)
        allowed = answer_values(item, row.kind)
        for candidate in allowed:
            if unicodedata.normalize("NFKC", candidate) == text:
                return normalize(self.catalog, row.target, candidate)
        raise AnswerError(
            f"「{value}」は回答として使えません（使える値: {'・'.join(allowed)}。空欄は未回答）。"
        )

    def check_extra_rows(self, sheet: str) -> None:
        rows = [row.row for row in self.manifest.rows if row.sheet == sheet]
        last = max(rows, default=self.manifest.header_row)
        input_columns = {COL[name] for name in INPUT_COLUMNS}
        extra = sorted(
            {
                row
                for (row, column), cell in self.loaded.sheet(sheet).items()
                if row > last and column in input_columns and _text(cell)
            }
        )
        for row in extra:
            self.error("出力時になかった行に入力があります。行を追加しないでください。", sheet, row)

    # --- against the evaluation file -------------------------------------------------------------
    def compare_with_database(self) -> None:
        answers = self.session.answers()
        notes = self.session.notes()
        last: dict[tuple[str | None, str | None], AuditEntry] = {}
        for entry in self.session.audit_log():
            last[(entry.target, entry.field)] = entry
        for candidate in self.candidates:
            if candidate.field == FIELD_ANSWER:
                current = answers.get(candidate.target)
            else:
                note = notes.get(candidate.target)
                current = note.get(candidate.field) if note is not None else ""
            if current == candidate.workbook:
                continue  # the evaluation file already has the workbook's value
            entry = last.get((candidate.target, candidate.field))
            # Compare the database as it was written into the workbook, so a text the
            # export had to clean (line breaks, control characters) is not a change.
            as_exported = current if candidate.field == FIELD_ANSWER else clean(current)
            resolved = replace(
                candidate,
                database=current,
                conflict=as_exported != candidate.exported,
                last_user=entry.user if entry else None,
                last_at=entry.at if entry else None,
            )
            if resolved.conflict:
                self.preview.conflicts.append(resolved)
            else:
                self.preview.changes.append(resolved)


# --- apply ------------------------------------------------------------------------------------
def apply(
    preview: ImportPreview, decisions: dict[str, str] | None = None, *, backup: bool = True
) -> list[Change]:
    """Write the previewed changes (and conflicts decided for the workbook) as one action."""
    decisions = decisions or {}
    if preview.errors:
        raise ImportRejected(
            f"{preview.file_name} には {len(preview.errors)} 件の問題があるため取り込めません。評価ファイルは変更していません。"
        )
    undecided = [c for c in preview.conflicts if decisions.get(c.key) not in PREFER_LABELS]
    if undecided:
        listed = "、".join(f"{c.where}（{c.field_label}）" for c in undecided[:5])
        more = f" ほか {len(undecided) - 5} 件" if len(undecided) > 5 else ""
        raise ImportRejected(
            f"競合 {len(undecided)} 件について、ブックの値と評価ファイルの値のどちらを使うか決めてください: {listed}{more}"
        )
    selected = preview.changes + [
        c for c in preview.conflicts if decisions[c.key] == PREFER_WORKBOOK
    ]
    if not selected:
        return []
    session = preview.session
    answers = {c.target: c.workbook for c in selected if c.field == FIELD_ANSWER}
    plan = ImportPlan(preview, selected, session.validate_answers(answers))
    if backup:
        _backup_before_import(session)
    return session.apply(plan)  # the check and the writes land together


@dataclass
class ImportPlan:
    """The previewed changes the user chose, for :meth:`desktop.evaluation.session.Session.apply`."""

    preview: ImportPreview
    selected: list[PendingChange]
    values: dict[str, str | None]  # the answers, validated
    carried: bool = False

    @property
    def audit_source(self) -> str:
        return import_source(self.preview.file_name)

    def check(self, session: Session) -> None:
        _refuse_if_changed_since_preview(self.preview, self.selected)

    def change_set(self, session: Session) -> ChangeSet:
        change_set = ChangeSet(answers=dict(self.values))
        for change in self.selected:
            if change.field != FIELD_ANSWER:
                change_set.notes.setdefault(change.target, {})[change.field] = change.workbook or ""
        # As when answering on screen: an indicator that receives an answer becomes 入力中.
        session.mark_in_progress(change_set)
        return change_set


def _backup_before_import(session: Session) -> None:
    """A restore point before the import; one per batch of imports a few minutes apart.

    Backups rotate (the newest ten are kept): importing forty section workbooks
    with a backup each would push out every older restore point.
    """
    newest = list_backups(session.path)[:1]
    if newest and newest[0].reason == BACKUP_REASON:
        age = (datetime.now() - newest[0].created).total_seconds()
        if age < BATCH_BACKUP_SECONDS:
            return
    session.backup(BACKUP_REASON)


def _refuse_if_changed_since_preview(preview: ImportPreview, selected: list[PendingChange]) -> None:
    session = preview.session
    answers = session.answers()
    notes = session.notes()
    for change in selected:
        if change.field == FIELD_ANSWER:
            now = answers.get(change.target)
        else:
            note = notes.get(change.target)
            now = note.get(change.field) if note is not None else ""
        if now != change.database:
            raise ImportRejected(
                f"確認画面を表示した後で {change.where} が変更されました。何も取り込んでいません。もう一度取り込んでください。"
            )


# --- helpers ------------------------------------------------------------------------------------
def _text(cell: reader.CellValue | None) -> str:
    """A cell as the text we compare: numbers without ".0", line breaks as LF."""
    if cell is None:
        return ""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date | time):
        value = value.isoformat()
    return clean(value)


def _key_text(key: tuple[str, ...]) -> str:
    return "・".join(part for part in key if part) or "（空の行）"


def _pending(row: ManifestRow, field_name: str, exported, value) -> PendingChange:
    """A value the workbook changes; what the evaluation file holds is filled in later."""
    return PendingChange(
        target=row.target,
        field=field_name,
        sheet=row.sheet,
        row=row.row,
        where=_where(row),
        exported=exported,
        database=None,
        workbook=value,
    )


def _where(row: ManifestRow) -> str:
    number = f"{row.number}-{row.label}" if row.label else row.number
    return f"{row.sheet} {row.goal} {row.group} {number}"
