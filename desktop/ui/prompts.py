"""Every modal question the main window asks, in one replaceable object.

The window never calls QMessageBox or QFileDialog directly; it asks ``self.prompts``.
Tests put a scripted stand-in there, so that the real window can be driven through
its whole loop without a modal dialog waiting for a click.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.dates import japanese_datetime
from desktop.evaluation.errors import FileLocked, StoreError
from desktop.ui.dialog_buttons import action_buttons

if TYPE_CHECKING:
    from desktop.evaluation.document import BackupInfo

EVALUATION_FILE_FILTER = "評価ファイル (*.sqlite *.db);;すべてのファイル (*)"

READ_ONLY = "read_only"
TAKE_OVER = "takeover"


class Prompts:
    def __init__(self, parent: QWidget):
        self.parent = parent

    # --- messages ------------------------------------------------------------------------
    def error(self, exc: StoreError | Exception, title: str | None = None) -> None:
        """A clear dialog for a store error: its own title and Japanese message."""
        heading = title or getattr(exc, "title", "エラー")
        box = QMessageBox(QMessageBox.Icon.Warning, heading, str(exc), parent=self.parent)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def confirm(self, title: str, text: str, ok_text: str = "実行する") -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("キャンセル", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(ok)
        box.exec()
        return box.clickedButton() is ok

    def bulk_assignment(self, place: str, choices, sections: list[str]):
        """担当課・担当者をまとめて設定: a BulkAssignment, or None if cancelled."""
        from desktop.ui.bulk_assign_dialog import BulkAssignDialog

        dialog = BulkAssignDialog(place, choices, sections, self.parent)
        return dialog.assignment() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def locked(self, exc: FileLocked) -> str | None:
        """Someone holds the file: READ_ONLY, TAKE_OVER (stale locks only) or None."""
        box = QMessageBox(QMessageBox.Icon.Warning, exc.title, str(exc), parent=self.parent)
        read_only = box.addButton("読み取り専用で開く", QMessageBox.ButtonRole.AcceptRole)
        takeover = None
        if exc.stale:
            takeover = box.addButton("引き継いで開く", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("キャンセル", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(read_only)
        box.exec()
        clicked = box.clickedButton()
        if clicked is read_only:
            return READ_ONLY
        if takeover is not None and clicked is takeover:
            return TAKE_OVER
        return None

    # --- files -----------------------------------------------------------------------------
    def open_file_path(self, folder: str = "") -> Path | None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent, "評価ファイルを開く", folder, EVALUATION_FILE_FILTER
        )
        return Path(path) if path else None

    def save_file_path(self, suggested: str = "") -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self.parent, "新しい評価ファイルの保存先", suggested, EVALUATION_FILE_FILTER
        )
        if not path:
            return None
        path = Path(path)
        return path if path.suffix else path.with_suffix(".sqlite")

    def attachment_path(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent, "添付するファイル", "", "すべてのファイル (*)"
        )
        return Path(path) if path else None

    def export_path(self, suggested_name: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self.parent, "添付ファイルの出力先", suggested_name, "すべてのファイル (*)"
        )
        return Path(path) if path else None

    def paste_wording(self, catalog, indicator) -> dict[str, str] | None:
        """The texts to store from the 「公式文言を貼り付け」 preview, or None if cancelled."""
        from desktop.ui.paste_dialog import PasteDialog

        dialog = PasteDialog(catalog, indicator, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.texts()

    def choose_backup(self, backups: list[BackupInfo]) -> BackupInfo | None:
        dialog = BackupChooser(backups, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen()


class BackupChooser(QDialog):
    """The list of this file's backups, newest first."""

    def __init__(self, backups: list[BackupInfo], parent=None):
        super().__init__(parent)
        self.setWindowTitle("バックアップから復元")
        self.backups = backups
        self.list = QListWidget()
        for backup in backups:
            entry = QListWidgetItem(
                f"{japanese_datetime(backup.created)}　{backup.reason_label}"
            )
            entry.setToolTip(str(backup.path))
            self.list.addItem(entry)
        if backups:
            self.list.setCurrentRow(0)
        buttons, self.restore_button = action_buttons(self, "復元する…")
        self.restore_button.setEnabled(bool(backups))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "戻すバックアップを選んでください。いまの内容は復元の前に"
                "バックアップされるので、あとから戻すこともできます。"
            )
        )
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("0") * 60, self.sizeHint().height())

    def chosen(self) -> BackupInfo | None:
        row = self.list.currentRow()
        return self.backups[row] if 0 <= row < len(self.backups) else None
