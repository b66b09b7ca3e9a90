"""Placeholder main window: shows the open file. Replaced by the full window (issue 5)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from desktop import APP_NAME_JA
from desktop.session import Session
from desktop.store import EvaluationFile
from desktop.store.errors import NoEvaluation, StoreError


class MainWindow(QMainWindow):
    def __init__(self, user: str | None = None):
        super().__init__()
        self.user = user
        self.store: EvaluationFile | None = None
        self.label = QLabel()
        self.label.setMargin(24)
        self.setCentralWidget(self.label)
        self.setWindowTitle(APP_NAME_JA)

    def open_path(self, path: Path, *, read_only=False, takeover=False, interactive=True) -> bool:
        try:
            self.store = EvaluationFile.open(
                path, user=self.user, read_only=read_only, takeover=takeover
            )
        except StoreError as exc:
            self.label.setText(f"{exc.title}\n\n{exc}")
            if interactive:
                QMessageBox.warning(self, exc.title, str(exc))
            return False
        try:
            session = Session.open(self.store)
            text = f"{path}\n\n{session.catalog.year_label} の評価（{session.catalog.id}）"
        except NoEvaluation:
            text = f"{path}\n\n評価はまだありません。"
        self.label.setText(f"開いているファイル:\n{text}")
        self.setWindowTitle(f"{APP_NAME_JA} — {path.name}")
        return True

    def closeEvent(self, event):
        if self.store is not None:
            self.store.close()
        super().closeEvent(event)
