"""Make an unexpected error visible in the windowed build.

The Windows build has no console (and there ``sys.stderr`` is ``None``), so an uncaught
exception would vanish without a word. ``install_excepthook`` writes every uncaught
exception to a log file in the user's data folder and, on the GUI thread, shows a
Japanese dialog that says what happened and where the details are. Native crashes
(a fault inside Qt) are written by ``faulthandler`` to a second file.

Answers are saved one transaction per action (see ``desktop/store``), so the dialog can
truthfully tell the user that what was already saved is safe.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication

from desktop import APP_NAME_JA, __version__

CRASH_LOG_NAME = "crash.log"
NATIVE_CRASH_LOG_NAME = "crash-native.log"
# One older generation is kept; a log that grows past this is rotated before writing.
MAX_LOG_BYTES = 1_000_000

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]
Notify = Callable[[str, Path | None], None]

# Kept open for the life of the process: faulthandler writes to it from a signal handler.
_native_log_file = None


def default_log_dir() -> Path:
    """``logs`` in the user's data folder (call after the application names are set)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) / "logs"


def install_excepthook(
    log_dir: Path, *, notify: Notify | None = None, native_crashes: bool = True
) -> ExceptHook:
    """Log uncaught exceptions to ``log_dir/crash.log`` and tell the user.

    ``notify(report, log_path)`` is called on the GUI thread only; by default it shows
    ``show_crash_dialog``. Exceptions in worker threads are logged, not shown (a dialog
    may only be opened on the GUI thread). Returns the installed hook.
    """
    log_dir = Path(log_dir)
    tell_user = notify or show_crash_dialog
    reporting = threading.local()

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report = format_report(exc_type, exc, tb)
        if sys.stderr is not None:  # a console build or a developer's terminal
            try:
                sys.stderr.write(report)
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
        log_path = write_log(log_dir, report)
        # An exception raised while the dialog is open (a paint event failing again and
        # again) is logged but must not stack a second dialog on the first.
        if getattr(reporting, "active", False) or not _on_gui_thread():
            return
        reporting.active = True
        try:
            tell_user(report, log_path)
        except Exception:
            pass  # the report is already in the log; never let the hook itself raise
        finally:
            reporting.active = False

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        hook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
    if native_crashes:
        enable_native_crash_log(log_dir)
    return hook


def format_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    # Imported here, when something went wrong: they cost start-up time otherwise.
    import datetime
    import platform
    import traceback

    when = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    header = (
        f"=== {when} hyoka-desk {__version__} / Python {platform.python_version()} / "
        f"{platform.platform()} / frozen={bool(getattr(sys, 'frozen', False))} ===\n"
    )
    return header + "".join(traceback.format_exception(exc_type, exc, tb))


def write_log(log_dir: Path, report: str) -> Path | None:
    """Append the report; fall back to the temp folder. ``None`` if nothing could be written."""
    import tempfile

    for folder in (log_dir, Path(tempfile.gettempdir()) / "hyoka-desk-logs"):
        path = folder / CRASH_LOG_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _rotate(path)
            with path.open("a", encoding="utf-8") as log:
                log.write(report)
                log.write("\n")
            return path
        except OSError:
            continue
    return None


def _rotate(path: Path) -> None:
    if path.is_file() and path.stat().st_size > MAX_LOG_BYTES:
        os.replace(path, path.with_name(path.name + ".1"))


def enable_native_crash_log(log_dir: Path) -> Path | None:
    """Let ``faulthandler`` write a native crash (segfault in Qt) to a file, not the void."""
    global _native_log_file
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = (log_dir / NATIVE_CRASH_LOG_NAME).open("a", encoding="utf-8")
    except OSError:
        return None
    faulthandler.enable(file=log_file, all_threads=True)
    if _native_log_file is not None:
        _native_log_file.close()
    _native_log_file = log_file
    return log_dir / NATIVE_CRASH_LOG_NAME


def _on_gui_thread() -> bool:
    from PySide6.QtCore import QThread  # named where used (desktop/ui/__init__.py)

    app = QApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


def crash_message(log_path: Path | None) -> str:
    where = (
        f"詳しい内容を次のファイルに記録しました:\n{log_path}\n\n"
        "お問い合わせの際は、このファイルを添えてください。"
        if log_path is not None
        else "詳しい内容はファイルに記録できませんでした（下の「詳細」をご覧ください）。"
    )
    return (
        "予期しないエラーが起きました。\n\n"
        "これまでに保存された入力は評価ファイルに残っています。\n"
        f"{where}\n\n"
        "作業を続けることもできますが、念のためいったん終了して起動し直すことをお勧めします。"
    )


def show_crash_dialog(report: str, log_path: Path | None) -> None:
    """A modal Japanese message box; 「終了する」 quits the application."""
    from PySide6.QtWidgets import QMessageBox  # named where used (desktop/ui/__init__.py)

    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(f"{APP_NAME_JA} — エラー")
    box.setText(crash_message(log_path))
    box.setDetailedText(report)
    keep_going = box.addButton("続ける", QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton("終了する", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(keep_going)
    box.exec()
    if box.clickedButton() is quit_button:
        app = QApplication.instance()
        if app is not None:
            app.exit(1)
