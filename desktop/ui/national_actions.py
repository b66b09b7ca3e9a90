"""Menu entries for the national results: 「全国の評価結果を取り込む」 and the national view.

Reading and checking the ministry's workbook takes a second or two, so it runs on a
worker thread (its own objects, no SQLite connection) while a busy dialog shows;
the preview of what a re-import replaces is shown before anything is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QAction

from desktop.formats import year_label
from desktop.ui.menus import MENU_EVALUATION, MENU_FILE, SECTION_EXCHANGE, SECTION_FEATURES

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

TITLE = "全国の評価結果を取り込む"


class _Signals(QObject):
    done = Signal(object, object)  # dataset, error message


class _ReadJob(QRunnable):
    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.signals = _Signals()

    def run(self) -> None:
        from desktop.national.errors import NationalFileError
        from desktop.national.reader import read_national

        try:
            self.signals.done.emit(read_national(self.path), None)
        except NationalFileError as exc:
            self.signals.done.emit(None, str(exc))
        except Exception as exc:  # never let a worker die silently
            self.signals.done.emit(None, f"読み込めませんでした（{type(exc).__name__}）。")


def read_in_background(parent, path: Path):
    """(dataset, error) after reading ``path`` on a worker thread, with a busy dialog."""
    from PySide6.QtCore import QEventLoop  # named where used (desktop/ui/__init__.py)
    from PySide6.QtWidgets import QProgressDialog

    job = _ReadJob(path)
    result: list = []
    loop = QEventLoop()

    def finished(dataset, error) -> None:
        result.extend([dataset, error])
        loop.quit()

    job.signals.done.connect(finished)
    busy = QProgressDialog("全国集計結果を読み込んで確かめています…", None, 0, 0, parent)
    busy.setWindowTitle(TITLE)
    busy.setMinimumDuration(300)
    QThreadPool.globalInstance().start(job)
    if not result:
        loop.exec()
    # reset() stops the timer that would otherwise show the dialog after the work is done.
    busy.reset()
    busy.hide()
    busy.deleteLater()
    return result[0], result[1]


class NationalActions:
    def __init__(self, window: MainWindow):
        self.window = window
        self.dialog = None
        self.import_action = QAction("全国の評価結果を取り込む(&N)…", window)
        self.import_action.setObjectName("import_national")
        self.import_action.setStatusTip(
            "厚生労働省の全国集計結果（市町村分）の Excel を確かめて取り込みます"
        )
        self.import_action.triggered.connect(lambda _c=False: self.import_national())
        window.add_menu_action(MENU_FILE, self.import_action, SECTION_EXCHANGE)
        self.view_action = QAction("全国の評価結果と比べる(&Z)…", window)
        self.view_action.setObjectName("show_national")
        self.view_action.setStatusTip(
            "全国順位・分布・比較する市町村・都道府県・伸びしろ・交付見込額（試算）"
        )
        self.view_action.triggered.connect(lambda _c=False: self.show_national())
        window.add_menu_action(MENU_EVALUATION, self.view_action, SECTION_FEATURES)

    def library_path(self) -> Path:
        from desktop import paths

        if self.window.path is not None:
            return paths.national_library_path(self.window.path)
        from desktop.ui.app import default_database_path

        return paths.national_library_path(default_database_path())

    # --- import ---------------------------------------------------------------------------
    def import_national(self, path: Path | None = None, *, confirm=None) -> bool:
        """Read, check, preview and store; ``confirm(lines) -> bool`` replaces the dialog."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox  # named where used

        from desktop.national.errors import NationalFileError
        from desktop.national.library import NationalLibrary

        window = self.window
        if path is None:
            chosen, _f = QFileDialog.getOpenFileName(
                window, TITLE, "", "全国集計結果（市町村分） (*.xlsx)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        dataset, error = read_in_background(window, path)
        if error:
            QMessageBox.warning(
                window, TITLE, f"取り込めませんでした。何も保存していません。\n\n{error}"
            )
            return False
        try:
            with NationalLibrary.open(self.library_path()) as library:
                preview = library.preview(dataset)
                lines = [
                    f"{dataset.year_label}の全国集計結果: {dataset.count:,}市町村（{dataset.layout}）",
                    "確かめた内容（すべて一致）:",
                    *(f"・{line}" for line in dataset.checks),
                    "",
                    *preview.lines(),
                ]
                accepted = (
                    confirm(lines)
                    if confirm is not None
                    else QMessageBox.question(
                        window, TITLE, "\n".join(lines) + "\n\n保存しますか？"
                    )
                    == QMessageBox.StandardButton.Yes
                )
                if not accepted:
                    return False
                library.store(dataset)
        except NationalFileError as exc:
            QMessageBox.warning(window, TITLE, str(exc))
            return False
        window.statusBar().showMessage(
            f"{dataset.year_label}の全国集計結果を取り込みました（{dataset.count:,}市町村）"
        )
        return True

    # --- view --------------------------------------------------------------------------------
    def show_national(self):
        from PySide6.QtWidgets import QMessageBox  # named where used

        from desktop.national.errors import NationalFileError
        from desktop.ui.national_view import NationalDialog

        window = self.window
        try:
            dialog = NationalDialog(window, self.library_path(), window.session, window.document)
        except NationalFileError as exc:
            QMessageBox.information(window, "全国の評価結果と比べる", str(exc))
            return None
        dialog.official_applied.connect(self._official_applied)
        dialog.seeded.connect(self._seeded)
        # A municipality picked or frames entered there change what a point is worth.
        dialog.finished.connect(lambda _result: self.window.features.refresh_per_point())
        dialog.resize(1180, 720)
        dialog.show()
        self.dialog = dialog
        return dialog

    def _seeded(self, fiscal_year: int) -> None:
        self.window.switch_year(fiscal_year)
        self.window.statusBar().showMessage(
            f"{year_label(fiscal_year)}の評価を国の評価結果から作りました（回答は要確認）"
        )

    def _official_applied(self) -> None:
        self.window.features.refresh_extra_columns()
        self.window.statusBar().showMessage(
            "全国集計結果の得点を国による評価結果の欄に反映しました"
        )
