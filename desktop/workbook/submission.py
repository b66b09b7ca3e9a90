"""Export the submission workbook (評価指標に係る該当状況調査票 style).

Sheets: 表紙, 推進交付金, 努力支援交付金, 目標Ⅳ（両交付金共通）, 成果指向配分枠（別枠）
(R8 and later: outside the 800 points, so on its own sheet where its points can
never be read as part of the 推進 total), 集計, and the very hidden 取込用情報.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from desktop.catalog.model import Catalog
from desktop.catalog.wording import TextLayers
from desktop.evaluation.session import Session
from desktop.formats import now_iso
from desktop.records import IndicatorNote, Municipality
from desktop.safe_save import SaveError, check_output_target, save_atomically
from desktop.scoring.tree import ScoreTree
from desktop.workbook import styles, totals
from desktop.workbook.cover import NOTE_SCORES, NOTE_STATIC, write_cover
from desktop.workbook.layout import (
    COLUMNS,
    HEADER_ROW,
    SHEET_COVER,
    SHEET_SUMMARY,
    SheetPlan,
    SheetRow,
    build_rows,
    sheet_plans,
)
from desktop.workbook.manifest import KIND_SUBMISSION, Manifest, ManifestRow, write_manifest
from desktop.workbook.sheets import write_answer_sheet
from desktop.workbook.text_fit import fit_row_heights
from desktop.workbook.validation import AnswerValidations

# In the submission workbook every answer and note cell may be edited (no protection).
SUBMISSION_INPUTS: dict[str, set[str]] = {}


class ExportError(SaveError):
    """The workbook could not be written (message in Japanese)."""


@dataclass
class ExportSnapshot:
    """Everything an export reads from the evaluation, taken once."""

    session: Session
    catalog: Catalog
    tree: ScoreTree
    notes: dict[str, IndicatorNote]
    wordings: TextLayers  # official copies and own summaries (desktop/catalog/wording.py)
    carried: set[str]
    municipality: Municipality
    exported_at: str
    exported_by: str
    audit_high_water: int

    @classmethod
    def take(cls, session: Session) -> ExportSnapshot:
        return cls(
            session=session,
            catalog=session.catalog,
            tree=session.score(),
            notes=session.notes(),
            wordings=session.text_layers(),
            carried=session.carried_items(),
            municipality=session.municipality() or Municipality(name=""),
            exported_at=now_iso(),
            exported_by=session.user,
            audit_high_water=session.newest_audit_id(),
        )

    @property
    def footer(self) -> str:
        return f"{self.municipality.name} {self.catalog.year_label}"

    def facts(self) -> list[tuple[str, str]]:
        """What a prefecture officer reads on the 表紙 (no catalog id, revision or status)."""
        catalog = self.catalog
        municipality = self.municipality
        made = datetime.fromisoformat(self.exported_at)
        return [
            ("市町村名", municipality.name),
            ("市町村コード", municipality.code or ""),
            ("都道府県", municipality.prefecture or ""),
            ("年度", f"{catalog.year_label}（{catalog.level_label}）"),
            ("作成日", f"{made.year}年{made.month}月{made.day}日"),
            ("担当者", responsible_person(self.exported_by)),
        ]

    def rows_by_sheet(self) -> list[tuple[SheetPlan, list[SheetRow]]]:
        return [
            (plan, build_rows(plan, self.tree, self.notes, self.wordings, carried=self.carried))
            for plan in sheet_plans(self.catalog)
        ]

    def manifest(
        self, kind: str, section: str, sheets: list[str], rows: list[ManifestRow]
    ) -> Manifest:
        record = self.session.record
        return Manifest(
            kind=kind,
            section=section,
            catalog_id=self.catalog.id,
            catalog_revision=self.catalog.revision,
            catalog_hash=self.catalog.content_hash,
            catalog_status=self.catalog.status,
            evaluation_id=record.id,
            evaluation_created_at=record.created_at,
            fiscal_year=self.catalog.fiscal_year,
            municipality=self.municipality.name,
            municipality_code=self.municipality.code or "",
            exported_at=self.exported_at,
            exported_by=self.exported_by,
            audit_high_water=self.audit_high_water,
            header_row=HEADER_ROW,
            columns=COLUMNS,
            sheets=tuple(sheets),
            rows=tuple(rows),
        )

    def sheet_title_line(self, plan: SheetPlan) -> str:
        return f"{self.catalog.year_label} {plan.heading}"

    def subtitle(self, extra: str = "") -> str:
        parts = [self.municipality.name, f"出力: {self.exported_at.replace('T', ' ')[:16]}"]
        if extra:
            parts.append(extra)
        return "　".join(p for p in parts if p)


def new_workbook() -> Workbook:
    workbook = Workbook()
    styles.use_japanese_default_font(workbook)
    return workbook


def responsible_person(user: str) -> str:
    """The name set in the app (or --user, HYOKA_USER); blank rather than the OS login."""
    try:
        login = getpass.getuser()
    except Exception:  # no login name (service accounts, some containers)
        login = ""
    if not user or user in (login, "不明な利用者"):
        return ""
    return user


@dataclass(frozen=True)
class Unanswered:
    """Sub-items (and parts) the municipality answers itself, still unanswered."""

    by_goal: tuple[tuple[str, int], ...]  # (「推進交付金 目標Ⅰ」, count), in sheet order

    @property
    def count(self) -> int:
        return sum(count for _goal, count in self.by_goal)

    def summary(self) -> str:
        """「12件（推進交付金 目標Ⅰ 3件、…）」, or 「なし」."""
        if not self.count:
            return "なし"
        goals = "、".join(f"{goal} {count}件" for goal, count in self.by_goal)
        return f"{self.count}件（{goals}）"


def _unanswered(rows_by_sheet: list[tuple[SheetPlan, list[SheetRow]]]) -> Unanswered:
    counts: dict[str, int] = {}
    for plan, rows in rows_by_sheet:
        for row in rows:
            if row.unanswered:
                goal = f"{plan.title} {row.texts.get('目標', '')}".strip()
                counts[goal] = counts.get(goal, 0) + 1
    return Unanswered(tuple(counts.items()))


def unanswered_items(session: Session) -> Unanswered:
    """What an export would mark 未回答: ask before exporting (CLI warns, the window asks)."""
    return _unanswered(ExportSnapshot.take(session).rows_by_sheet())


def build_submission(session: Session) -> Workbook:
    snapshot = ExportSnapshot.take(session)
    workbook = new_workbook()
    cover = workbook.active
    cover.title = SHEET_COVER
    rows_by_sheet = snapshot.rows_by_sheet()
    unanswered = _unanswered(rows_by_sheet)
    write_cover(
        cover,
        title=f"{snapshot.catalog.year_label} 保険者機能強化推進交付金・介護保険保険者努力支援交付金 評価指標に係る該当状況調査票",
        facts=[*snapshot.facts(), ("未回答の小項目", unanswered.summary())],
        tree=snapshot.tree,
        notes=(NOTE_SCORES, NOTE_STATIC),
        footer=snapshot.footer,
    )
    validations = AnswerValidations(workbook)
    manifest_rows: list[ManifestRow] = []
    answer_sheets = []
    for plan, rows in rows_by_sheet:
        sheet = workbook.create_sheet(plan.title)
        answer_sheets.append(plan.title)
        manifest_rows += write_answer_sheet(
            sheet,
            rows,
            title=snapshot.sheet_title_line(plan),
            subtitle=snapshot.subtitle(_sheet_totals(snapshot.tree, plan)),
            footer=snapshot.footer,
            validations=validations,
            input_columns=SUBMISSION_INPUTS,
        )
    summary = workbook.create_sheet(SHEET_SUMMARY)
    width = len(totals.columns(with_national=True))
    styles.wide_text(
        summary, 1, f"{snapshot.catalog.year_label} 目標・指標群別の集計", styles.FONT_TITLE, width
    )
    styles.wide_text(summary, 2, snapshot.subtitle(), styles.FONT_NOTE, width)
    next_row = totals.write_totals(summary, snapshot.tree, 3, with_national=True)
    styles.wide_text(summary, next_row + 1, NOTE_SCORES, styles.FONT_NOTE, width)
    styles.wide_text(
        summary,
        next_row + 2,
        "全国平均は公表値（公表のない区分は空欄、または下位区分の合計）。",
        styles.FONT_NOTE,
        width,
    )
    styles.set_widths(summary, totals.WIDTHS)
    fit_row_heights(summary, 1, next_row + 2)
    summary.freeze_panes = "A4"
    styles.setup_print(summary, landscape=True, title_rows="3:3", footer_left=snapshot.footer)
    write_manifest(workbook, snapshot.manifest(KIND_SUBMISSION, "", answer_sheets, manifest_rows))
    return workbook


def _sheet_totals(tree: ScoreTree, plan: SheetPlan) -> str:
    """The sheet's own figures for its subtitle: a grant, the common goal or a frame."""
    node = tree.get(plan.node_id) if plan.node_id else None
    if node is None:
        return ""
    return f"自己評価 {node.points}点／見込み {node.projected_points}点（配点 {node.max_points}点）"


def save_workbook(
    workbook: Workbook, path: str | Path, *, evaluation_file: str | Path | None = None
) -> Path:
    """Write to a temporary file beside ``path`` and rename: never a half-written workbook.

    ``evaluation_file`` (the session's file) and any other evaluation are never written over.
    """
    path = Path(path)
    check_output_target(path, evaluation_file=evaluation_file, error=ExportError)
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"{path.name}: 保存先は .xlsx のファイル名にしてください。")
    return save_atomically(path, workbook.save, error=ExportError, evaluation_file=evaluation_file)


def export_submission(session: Session, path: str | Path) -> Path:
    return save_workbook(build_submission(session), path, evaluation_file=session.path)


def default_file_name(session: Session, section: str | None = None) -> str:
    municipality = session.municipality()
    name = municipality.name if municipality else ""
    what = f"担当課用_{section}" if section else "評価指標該当状況調査票"
    stem = "_".join(p for p in (session.catalog.year_label, what, name) if p)
    return _safe_file_name(stem) + ".xlsx"


def _safe_file_name(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in text).strip(" .")
