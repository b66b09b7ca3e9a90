"""The workbook menu actions, for the main window to wire into its menus.

Each action asks for what it needs (a file name, a section), runs the plain-Python
export or import from :mod:`desktop.workbook`, and tells the user the outcome. The
small ``ask_*`` / ``inform`` / ``warn`` functions are the only places that open a
dialog, so tests replace them instead of clicking through modal windows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from desktop.evaluation.errors import StoreError
from desktop.evaluation.session import Session

XLSX_FILTER = "Excel ブック (*.xlsx)"


# --- the actions ---------------------------------------------------------------------------------
def export_submission(parent: QWidget | None, session: Session) -> Path | None:
    """「提出用ブックを出力」: the whole evaluation as the submission workbook."""
    from desktop.workbook.submission import ExportError, default_file_name, unanswered_items
    from desktop.workbook.submission import export_submission as write

    unanswered = unanswered_items(session)
    if unanswered.count and not confirm(
        parent,
        "未回答の小項目があります",
        f"未回答の小項目があります: {unanswered.summary()}。\n"
        "ブックでは回答欄に色を付け「未回答」と示して出力します。出力しますか。",
    ):
        return None
    path = ask_save_path(parent, "提出用ブックの保存先", default_file_name(session))
    if path is None:
        return None
    try:
        with _busy():
            write(session, path)
    except (ExportError, StoreError) as exc:
        warn(parent, "出力できません", str(exc))
        return None
    inform(parent, "出力しました", f"提出用ブックを出力しました。\n{path}")
    return path


def export_section(parent: QWidget | None, session: Session) -> Path | None:
    """「担当課用ブックを出力」: the indicators of one section, protected except its input cells."""
    from desktop.workbook.section import export_section as write
    from desktop.workbook.section import sections_in_use
    from desktop.workbook.submission import ExportError, default_file_name

    sections = sections_in_use(session)
    if not sections:
        warn(
            parent,
            "担当課がありません",
            "担当課が設定された評価指標がありません。評価指標ごとに担当課を設定してから出力してください。",
        )
        return None
    section = ask_section(parent, sections)
    if section is None:
        return None
    path = ask_save_path(
        parent, f"担当課用ブック（{section}）の保存先", default_file_name(session, section)
    )
    if path is None:
        return None
    try:
        with _busy():
            write(session, section, path)
    except (ExportError, StoreError) as exc:
        warn(parent, "出力できません", str(exc))
        return None
    inform(parent, "出力しました", f"担当課「{section}」用のブックを出力しました。\n{path}")
    return path


def import_workbook(parent: QWidget | None, session: Session) -> bool:
    """「ブックを取り込む」: preview, let the user decide conflicts, apply. True if applied."""
    from desktop.workbook.importer import ImportRejected, apply, preview_import

    if session.read_only:
        warn(parent, "読み取り専用です", "読み取り専用で開いているため取り込めません。")
        return False
    path = ask_open_path(parent)
    if path is None:
        return False
    with _busy():
        preview = preview_import(session, path)
    decisions = review_preview(parent, preview)
    if decisions is None:
        return False
    try:
        with _busy():
            changes = apply(preview, decisions)
    except (ImportRejected, StoreError, ValueError, KeyError) as exc:
        warn(parent, "取り込めません", str(exc))
        return False
    if not changes:
        inform(parent, "取込", "反映する変更はありませんでした。")
        return False
    backup = session.last_backup
    saved = f"\n取込前の状態は {backup} に保存してあります。" if backup else ""
    inform(
        parent,
        "取り込みました",
        f"{len(changes)} 件を反映しました（取込: {preview.file_name}）。{saved}",
    )
    return True


# --- where the user is asked -----------------------------------------------------------------------
def ask_save_path(parent: QWidget | None, title: str, file_name: str) -> Path | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, title, str(Path(folder) / file_name), XLSX_FILTER
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def ask_open_path(parent: QWidget | None) -> Path | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _filter = QFileDialog.getOpenFileName(
        parent, "取り込むブックを選ぶ", folder, XLSX_FILTER
    )
    return Path(chosen) if chosen else None


def ask_section(parent: QWidget | None, sections: list[str]) -> str | None:
    section, ok = QInputDialog.getItem(
        parent, "担当課用ブック", "出力する担当課を選んでください:", sections, 0, False
    )
    return section if ok and section else None


def review_preview(parent: QWidget | None, preview) -> dict[str, str] | None:
    """Show the preview; the conflict decisions when the user confirms, else None."""
    from desktop.ui.import_dialog import ImportPreviewDialog

    dialog = ImportPreviewDialog(preview, parent)
    if dialog.exec() != ImportPreviewDialog.DialogCode.Accepted or preview.errors:
        return None
    return dialog.decisions()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class _busy:
    """The wait cursor while a workbook is written or read (well under a second)."""

    def __enter__(self):
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        return self

    def __exit__(self, *exc_info):
        QApplication.restoreOverrideCursor()
