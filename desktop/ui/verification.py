"""The full check and the backup on opening, run off the GUI thread.

The window opens a file with the quick check only, so that the evaluation is on
screen at once even when the file is large or on a slow shared drive. Right after,
this job runs ``PRAGMA integrity_check`` and makes the opening backup through its
own read-only connection (``desktop.evaluation.document.verify_and_back_up``, which
never copies a damaged file over the good backups), and reports back on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal


class VerificationSignals(QObject):
    # (path, backup path or "", the StoreError or None)
    finished = Signal(str, str, object)


class VerificationJob(QRunnable):
    def __init__(self, path: Path):
        super().__init__()
        self.path = Path(path)
        self.signals = VerificationSignals()  # created on the GUI thread: slots run there

    def run(self) -> None:
        from desktop.evaluation.document import verify_and_back_up
        from desktop.evaluation.errors import StoreError

        try:
            made = verify_and_back_up(self.path)
        except StoreError as exc:
            self.signals.finished.emit(str(self.path), "", exc)
        except Exception as exc:  # never let a worker thread die silently
            from desktop.evaluation.errors import CannotOpen

            self.signals.finished.emit(str(self.path), "", CannotOpen(self.path, str(exc)))
        else:
            self.signals.finished.emit(str(self.path), str(made), None)
