"""Export the part of the evaluation one section (担当課) owns, to be filled in and sent back.

Only the indicators whose 担当課 is the section are listed. The sheets are protected
(to prevent accidents; the password is not a secret) and only the cells the section
fills in are unlocked and shaded: 回答 on sub-item rows, 根拠資料 and 備考 on
indicator rows. Items the state scores are included: the section usually knows the
figures behind them, and its answer is recorded as an estimate (見込み) only.
The workbook structure is locked too, so sheets cannot be renamed or deleted.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.workbook.protection import WorkbookProtection

from desktop.evaluation.session import Session
from desktop.workbook.cover import NOTE_SCORES, NOTE_STATIC, write_cover
from desktop.workbook.layout import (
    ROW_INDICATOR,
    ROW_ITEM,
    ROW_PART,
    SHEET_COVER,
    build_rows,
    sheet_plans,
)
from desktop.workbook.manifest import KIND_SECTION, SHEET_PASSWORD, write_manifest
from desktop.workbook.sheets import write_answer_sheet
from desktop.workbook.submission import ExportError, ExportSnapshot, new_workbook, save_workbook
from desktop.workbook.validation import AnswerValidations

SECTION_INPUTS: dict[str, set[str]] = {
    ROW_ITEM: {"回答"},
    ROW_PART: {"回答"},
    ROW_INDICATOR: {"根拠資料", "備考"},
}

HOW_TO = (
    "黄色のセルだけを入力してください: 小項目の「回答」（一覧から選択）、評価指標の行の「根拠資料」と「備考」。",
    "「国が算定（回答は見込み）」の小項目は国が算定します。分かる範囲で見込みを選んでください（自己評価には含めません）。",
    "行や列の追加・削除・並べ替え、シート名の変更はしないでください（取り込めなくなります）。",
    NOTE_SCORES,
    NOTE_STATIC,
)


def sections_in_use(session: Session) -> list[str]:
    """The 担当課 values assigned to at least one indicator, in sorted order."""
    notes = session.notes()
    return sorted({note.section.strip() for note in notes.values() if note.section.strip()})


def section_indicators(session: Session, section: str) -> set[str]:
    notes = session.notes()
    return {
        indicator_id
        for indicator_id, note in notes.items()
        if note.section.strip() == section.strip() and session.catalog.has_indicator(indicator_id)
    }


def build_section(session: Session, section: str):
    section = section.strip()
    include = section_indicators(session, section)
    if not include:
        available = "、".join(sections_in_use(session)) or "なし"
        raise ExportError(
            f"担当課「{section}」が担当する評価指標はありません（設定されている担当課: {available}）。"
        )
    snapshot = ExportSnapshot.take(session)
    workbook = new_workbook()
    cover = workbook.active
    cover.title = SHEET_COVER
    write_cover(
        cover,
        title=f"{snapshot.catalog.year_label} 評価指標 担当課用シート（{section}）",
        facts=[("担当課", section), ("評価指標の数", f"{len(include)} 件"), *snapshot.facts()],
        notes=HOW_TO,
        footer=f"{snapshot.footer} {section}",
    )
    cover.protection.sheet = True
    cover.protection.password = SHEET_PASSWORD
    validations = AnswerValidations(workbook)
    manifest_rows = []
    answer_sheets = []
    for plan in sheet_plans(snapshot.catalog):
        rows = build_rows(
            plan,
            snapshot.tree,
            snapshot.notes,
            snapshot.wordings,
            carried=snapshot.carried,
            include=include,
        )
        if not rows:
            continue
        sheet = workbook.create_sheet(plan.title)
        answer_sheets.append(plan.title)
        manifest_rows += write_answer_sheet(
            sheet,
            rows,
            title=f"{snapshot.sheet_title_line(plan)} — {section}",
            subtitle=snapshot.subtitle(f"担当課: {section}"),
            footer=f"{snapshot.footer} {section}",
            validations=validations,
            input_columns=SECTION_INPUTS,
        )
        _protect(sheet)
    write_manifest(workbook, snapshot.manifest(KIND_SECTION, section, answer_sheets, manifest_rows))
    workbook.security = WorkbookProtection(workbookPassword=SHEET_PASSWORD, lockStructure=True)
    return workbook


def _protect(sheet) -> None:
    protection = sheet.protection
    protection.sheet = True
    protection.password = SHEET_PASSWORD
    # Widening columns and rows to read long text is harmless: allow it.
    protection.formatColumns = False
    protection.formatRows = False


def export_section(session: Session, section: str, path: str | Path) -> Path:
    return save_workbook(build_section(session, section), path, evaluation_file=session.path)
