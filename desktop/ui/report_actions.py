"""Menu actions for the report, gaps, official results and carrying (wired by the main window).

Each function takes the parent widget and what it works on, talks to the user, and
returns what the main window needs to refresh:

* :func:`export_report` → the written path (or None);
* :func:`show_gaps` → the (non-modal) gap dialog, whose double-clicks call ``on_jump``;
* :func:`enter_official_results` → True when official results were saved;
* :func:`carry_forward` → the new year's :class:`~desktop.evaluation.session.Session` (or None);
* :func:`edit_planned_responses` → None (every save is already one action).

The small ``ask_save_path`` / ``run_dialog`` / ``inform`` / ``warn`` functions are the
only places that wait for the user, so tests replace them instead of clicking
through modal windows.

For the dashboard's optional columns, the lead passes
``desktop.report.comparison.previous_points(session)`` and
``desktop.report.official.session_official_figures(session)``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QVBoxLayout, QWidget

from desktop.evaluation.carryover import CarryError
from desktop.evaluation.errors import StoreError
from desktop.evaluation.session import Session
from desktop.ui.carry_dialog import CarryDialog
from desktop.ui.gap_view import GapView
from desktop.ui.official_dialog import OfficialResultsDialog
from desktop.ui.planned_response_editor import PlannedResponseEditor

if TYPE_CHECKING:
    from desktop.evaluation.document import Document

XLSX_FILTER = "Excel ブック (*.xlsx)"
PDF_FILTER = "PDF (*.pdf)"
REPORT_TITLE = "評価結果（公表資料）の出力"
CARRY_TITLE = "前年度から引き継ぐ"
OFFICIAL_TITLE = "国による評価結果"


# --- the actions -----------------------------------------------------------------------------
def export_report(parent: QWidget | None, session: Session) -> Path | None:
    """「評価結果（公表資料）を出力」: xlsx or PDF, chosen by the file type."""
    from desktop.report.model import build_report
    from desktop.report.official import compare
    from desktop.report.xlsx import ReportWriteError, save_report_xlsx

    path = ask_save_path(parent, REPORT_TITLE, default_report_name(session))
    if path is None:
        return None
    try:
        with _busy():
            report = build_report(session)
            official_rows = compare(
                session.catalog,
                session.score(),
                session.official_results(),
            )
            if path.suffix.lower() == ".pdf":
                from desktop.ui.report_pdf import render_pdf

                render_pdf(report, path, official_rows, evaluation_file=session.path)
            else:
                save_report_xlsx(report, path, official_rows, evaluation_file=session.path)
    except (ReportWriteError, StoreError) as exc:
        warn(parent, "出力できません", str(exc))
        return None
    inform(parent, "出力しました", f"評価結果を出力しました。\n{path}")
    return path


def show_gaps(parent: QWidget | None, session: Session, on_jump: Callable[[str], None]) -> QDialog:
    """Open the 伸びしろ list (non-modal); double-clicking an item calls ``on_jump(item_id)``."""
    from desktop.national.gap_rates import session_gap_rates
    from desktop.report.gaps import session_gaps, session_rate_source

    dialog = QDialog(parent)
    dialog.setWindowTitle(f"伸びしろ（未該当の小項目）— {session.catalog.year_label}")
    dialog.resize(1200, 640)
    def set_effort(item_id: str, effort: str | None) -> bool:
        try:
            session.set_gap_effort(item_id, effort, source="画面")
        except StoreError as exc:
            warn(dialog, "実現性を保存できません", str(exc))
            return False
        return True

    with _busy():
        source = session_rate_source(session)  # the year's national results, where imported
        gaps = session_gaps(session, include_state_scored=True, rates=source)
        rates = session_gap_rates(session)  # peers and 試算額: needs the municipality too
        view = GapView(gaps, dialog, set_effort=None if session.read_only else set_effort)
        view.set_rates(rates, source.label)
    view.itemActivated.connect(on_jump)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    dialog.gap_view = view  # the main window may refresh it: view.set_gaps(session_gaps(…))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def enter_official_results(parent: QWidget | None, session: Session) -> bool:
    """The 国による評価結果 dialog; True when something was saved."""
    if session.read_only:
        inform(parent, OFFICIAL_TITLE, "読み取り専用で開いているため入力できません。")
        return False
    before = session.official_results()
    if not run_dialog(OfficialResultsDialog(session, parent)):
        return False
    return session.official_results() != before


def carry_forward(
    parent: QWidget | None, document: Document, current_session: Session | None
) -> Session | None:
    """前年度から引き継ぐ: confirm the plan, carry in one action, show the summary."""
    from_year = current_session.record.fiscal_year if current_session is not None else None
    try:
        plan = document.plan_carry(from_year)
    except (CarryError, StoreError) as exc:
        warn(parent, CARRY_TITLE, str(exc))
        return None
    if not run_dialog(CarryDialog(plan, parent)):
        return None
    try:
        with _busy():
            session, done = document.carry_forward(plan.source.fiscal_year)
    except (CarryError, StoreError) as exc:
        warn(parent, CARRY_TITLE, f"引き継げませんでした（ファイルは変わっていません）。\n\n{exc}")
        return None
    run_dialog(CarryDialog(done, parent, done=True))
    return session


def edit_planned_responses(
    parent: QWidget | None, session: Session, group_id: str | None = None
) -> None:
    """Edit 今後の対応 per group; each group's text is saved as its own action."""
    editor = PlannedResponseEditor(session, parent)
    if group_id is not None:
        editor.select_group(group_id)
    run_dialog(editor)


def default_report_name(session: Session) -> str:
    municipality = session.municipality()
    name = municipality.name if municipality and municipality.name else "評価"
    return f"評価結果_{session.catalog.year_code}_{name}.xlsx"


# --- the only places that wait for the user --------------------------------------------------
def ask_save_path(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """The save dialog; the chosen type decides .xlsx or .pdf."""
    text, chosen = QFileDialog.getSaveFileName(
        parent, title, suggested, f"{XLSX_FILTER};;{PDF_FILTER}"
    )
    if not text:
        return None
    path = Path(text)
    if path.suffix.lower() in (".xlsx", ".pdf"):
        return path
    return path.with_suffix(".pdf" if chosen == PDF_FILTER else ".xlsx")


def run_dialog(dialog: QDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


@contextlib.contextmanager
def _busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
