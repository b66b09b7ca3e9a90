"""The window's hold on the open evaluation file: one Document, its heartbeat and its
background check, as a QObject that reports through signals.

What happens to the file is :class:`desktop.evaluation.document.Document` (no Qt,
tested on its own); this object adds what needs the event loop: the minute timer that
beats the heartbeat, and the full check with the opening backup on a worker thread.
The window (``ui/window_files.py``) asks the user and shows what is reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal

from desktop.evaluation import errors

if TYPE_CHECKING:
    from desktop.evaluation.document import Document

HEARTBEAT_MS = 60_000  # the lock's heartbeat (and the check for the hourly backup)
LOST_BY_TAKEOVER = "ほかの人がこのファイルを引き継いだため、これ以降の変更は保存できません。"
LOST_BY_DAMAGE = (
    "整合性検査で問題が見つかったため、読み取り専用に切り替えました。"
    "「ファイル → バックアップから復元」で直近のバックアップを戻してください。"
)


class DocumentController(QObject):
    """Holds the open :class:`Document` (or none) for the window."""

    lock_lost = Signal(str)  # why the file can no longer be written (Japanese)
    damaged = Signal(object)  # the DamagedFile the background check found
    message = Signal(str)  # a line for the status bar

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.document: Document | None = None
        self.verification_pending = False
        self._verification_job = None
        self.heartbeat_timer = QTimer(self)
        self.heartbeat_timer.setInterval(HEARTBEAT_MS)
        self.heartbeat_timer.timeout.connect(self.heartbeat)

    @property
    def path(self) -> Path | None:
        return self.document.path if self.document is not None else None

    def adopt(self, document: Document) -> None:
        """Hold ``document`` (the caller has closed the previous one) and start its heartbeat."""
        self.document = document
        self.heartbeat_timer.start()

    def close(self) -> None:
        """Stop the heartbeat and close the file (releasing a lock that is still ours)."""
        self.heartbeat_timer.stop()
        if self.document is not None:
            self.document.close()
        self.document = None

    # --- the heartbeat ---------------------------------------------------------------------------
    def heartbeat(self) -> None:
        if self.document is None:
            return
        beat = self.document.heartbeat()
        if beat.lock_lost:
            self.lock_lost.emit(LOST_BY_TAKEOVER)
        elif beat.backup_error is not None:
            self.message.emit(f"定期バックアップを作れませんでした: {beat.backup_error}")
        elif beat.backup is not None:
            self.message.emit(f"バックアップしました {beat.backup.name}")

    # --- the full check and the opening backup, in the background --------------------------------
    def start_verification(self) -> None:
        from desktop.ui.verification import VerificationJob

        job = VerificationJob(self.document.path)
        job.signals.finished.connect(self._verification_finished)
        self.verification_pending = True
        self._verification_job = job  # keeps its signals object alive until it reports
        QThreadPool.globalInstance().start(job)

    def _verification_finished(self, path: str, backup: str, error) -> None:
        self.verification_pending = False
        if self.document is None or str(self.document.path) != path:
            return  # another file is open by now
        if isinstance(error, errors.DamagedFile):
            self.damaged.emit(error)
            self.lock_lost.emit(LOST_BY_DAMAGE)
        elif error is not None:
            self.message.emit(f"開いたときのバックアップを作れませんでした: {error}")
        elif backup:
            self.document.opening_backup_made(Path(backup))

    def wait_for_verification(self, timeout_ms: int = 30_000) -> bool:
        """Block until the background check is done (closing the window; tests)."""
        from PySide6.QtCore import QElapsedTimer  # named where used (desktop/ui/__init__.py)

        QThreadPool.globalInstance().waitForDone(timeout_ms)
        timer = QElapsedTimer()
        timer.start()
        while self.verification_pending and timer.elapsed() < timeout_ms:
            QCoreApplication.processEvents()  # deliver the job's queued report
        return not self.verification_pending
