"""The windowed build's last line of defence: uncaught errors are logged and shown."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui import crash


@pytest.fixture
def restore_hooks(monkeypatch):
    """Whatever a test installs, pytest's own hooks come back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


def raise_and_capture(message: str = "評価ファイルが壊れています"):
    try:
        raise RuntimeError(message)
    except RuntimeError:
        return sys.exc_info()


def test_uncaught_exception_is_logged_and_shown(qapp, tmp_path, restore_hooks):
    shown = []
    hook = crash.install_excepthook(
        tmp_path / "logs",
        notify=lambda report, path: shown.append((report, path)),
        native_crashes=False,
    )
    assert sys.excepthook is hook

    sys.excepthook(*raise_and_capture())

    log = tmp_path / "logs" / crash.CRASH_LOG_NAME
    text = log.read_text(encoding="utf-8")
    assert "RuntimeError: 評価ファイルが壊れています" in text
    assert "raise_and_capture" in text  # the traceback, not just the message
    assert "hyoka-desk" in text.splitlines()[0]  # version header
    assert len(shown) == 1
    assert shown[0][1] == log
    assert "RuntimeError: 評価ファイルが壊れています" in shown[0][0]


def test_each_crash_is_appended_not_overwritten(qapp, tmp_path, restore_hooks):
    crash.install_excepthook(tmp_path, notify=lambda *_: None, native_crashes=False)
    sys.excepthook(*raise_and_capture("一回目"))
    sys.excepthook(*raise_and_capture("二回目"))
    text = (tmp_path / crash.CRASH_LOG_NAME).read_text(encoding="utf-8")
    assert text.index("一回目") < text.index("二回目")


def test_large_log_is_rotated(qapp, tmp_path, restore_hooks):
    log = tmp_path / crash.CRASH_LOG_NAME
    log.write_text("古い記録\n" + "x" * (crash.MAX_LOG_BYTES + 1), encoding="utf-8")
    crash.install_excepthook(tmp_path, notify=lambda *_: None, native_crashes=False)
    sys.excepthook(*raise_and_capture("新しいエラー"))
    assert "新しいエラー" in log.read_text(encoding="utf-8")
    assert "古い記録" not in log.read_text(encoding="utf-8")
    assert (
        (tmp_path / f"{crash.CRASH_LOG_NAME}.1").read_text(encoding="utf-8").startswith("古い記録")
    )


def test_unwritable_log_folder_falls_back_to_temp(qapp, tmp_path, monkeypatch, restore_hooks):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("ファイルなのでフォルダを作れない", encoding="utf-8")
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path / "temp"))
    shown = []
    crash.install_excepthook(
        blocker / "logs", notify=lambda report, path: shown.append(path), native_crashes=False
    )
    sys.excepthook(*raise_and_capture())
    fallback = tmp_path / "temp" / "hyoka-desk-logs" / crash.CRASH_LOG_NAME
    assert shown == [fallback]
    assert "RuntimeError" in fallback.read_text(encoding="utf-8")


def test_worker_thread_errors_are_logged_but_not_shown(qapp, tmp_path, restore_hooks):
    shown = []
    crash.install_excepthook(
        tmp_path, notify=lambda *args: shown.append(args), native_crashes=False
    )

    def work():
        raise ValueError("別スレッドの失敗")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert "ValueError: 別スレッドの失敗" in (tmp_path / crash.CRASH_LOG_NAME).read_text(
        encoding="utf-8"
    )
    assert shown == []  # a dialog may only be opened on the GUI thread


def test_error_inside_the_dialog_does_not_stack_dialogs(qapp, tmp_path, restore_hooks):
    calls = []

    def notify(report, path):
        calls.append(report)
        # The dialog's own event loop runs a slot that fails again.
        sys.excepthook(*raise_and_capture("ダイアログ中の二度目"))

    crash.install_excepthook(tmp_path, notify=notify, native_crashes=False)
    sys.excepthook(*raise_and_capture("一度目"))
    assert len(calls) == 1
    assert "ダイアログ中の二度目" in (tmp_path / crash.CRASH_LOG_NAME).read_text(encoding="utf-8")


def test_keyboard_interrupt_is_left_to_python(qapp, tmp_path, monkeypatch, restore_hooks):
    passed_on = []
    monkeypatch.setattr(sys, "__excepthook__", lambda *args: passed_on.append(args[0]))
    crash.install_excepthook(tmp_path, notify=lambda *_: None, native_crashes=False)
    sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert passed_on == [KeyboardInterrupt]
    assert not (tmp_path / crash.CRASH_LOG_NAME).exists()


def test_real_dialog_is_japanese_and_names_the_log(qapp, tmp_path, restore_hooks):
    crash.install_excepthook(tmp_path, native_crashes=False)
    seen = {}

    def answer_dialog():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer_dialog)
            return
        seen["title"] = box.windowTitle()
        seen["text"] = box.text()
        seen["details"] = box.detailedText()
        seen["buttons"] = [button.text() for button in box.buttons()]
        keep_going = next(b for b in box.buttons() if b.text() == "続ける")
        keep_going.click()

    QTimer.singleShot(0, answer_dialog)
    sys.excepthook(*raise_and_capture())

    assert "エラー" in seen["title"]
    assert "予期しないエラーが起きました" in seen["text"]
    assert str(tmp_path / crash.CRASH_LOG_NAME) in seen["text"]
    assert "RuntimeError: 評価ファイルが壊れています" in seen["details"]
    assert {"続ける", "終了する"} <= set(seen["buttons"])


def test_message_without_log_file_says_so():
    text = crash.crash_message(None)
    assert "記録できませんでした" in text


def run_windowed_like(log_dir, body: str) -> subprocess.CompletedProcess:
    """A Python process without stderr, as the windowed Windows build runs."""
    script = textwrap.dedent(
        f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from desktop.ui import crash
        crash.install_excepthook({str(log_dir)!r}, notify=lambda *args: None)
        sys.stderr = None
        """
    ) + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.slow
def test_uncaught_error_without_console_reaches_the_log(tmp_path):
    result = run_windowed_like(tmp_path, 'raise LookupError("窓だけのビルドで起きたエラー")\n')
    assert result.returncode != 0
    log = (tmp_path / crash.CRASH_LOG_NAME).read_text(encoding="utf-8")
    assert "LookupError: 窓だけのビルドで起きたエラー" in log


@pytest.mark.slow
def test_native_crash_reaches_the_native_log(tmp_path):
    result = run_windowed_like(tmp_path, "import faulthandler\nfaulthandler._sigsegv()\n")
    assert result.returncode != 0  # the fault really happened
    log = (tmp_path / crash.NATIVE_CRASH_LOG_NAME).read_text(encoding="utf-8")
    assert "Fatal Python error" in log
