"""The Qt binding must not lose references to None.

PySide6 6.12.0 drops a reference to None on every Qt call that returns nothing; on
Python 3.11 the process aborts ("none_dealloc") after a few thousand such calls.
pyproject.toml pins PySide6 below 6.12; this test fails loudly if a binding with the
bug is installed again.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_none_alive(qapp):
    target = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        target.setObjectName("x")
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"Qt calls lost {lost} references to None (PySide6 6.12.0 bug)"


def test_pysides_module_check_reads_the_file_and_answers_as_pyside(monkeypatch, tmp_path):
    """Start-up: PySide asks of every imported module whether it uses PySide6; the window
    answers from the file's bytes (inspect.getsource took ≈ 13 ms), with the same answers."""
    import importlib.util
    import inspect
    import json

    import desktop.records
    import desktop.ui
    import desktop.ui.main_window

    feature = sys.modules["shibokensupport.feature"]
    check = feature._mod_uses_pyside
    modules = [desktop.ui.main_window, desktop.records, json, sys, inspect]
    spec = importlib.util.spec_from_file_location("gone_after_import", tmp_path / "gone.py")
    (tmp_path / "gone.py").write_text("import PySide6\n", encoding="utf-8")
    gone = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gone)
    (tmp_path / "gone.py").unlink()  # no file any more: PySide's own answer (no source)

    def pysides_own_answer(module):
        try:
            return "PySide6" in inspect.getsource(module)
        except (TypeError, OSError, SyntaxError):
            return False

    expected = [pysides_own_answer(m) for m in modules]
    assert expected == [True, False, False, False, False]
    read_through_inspect = []
    real_getsource = inspect.getsource

    def watched(module):
        read_through_inspect.append(module.__name__)
        return real_getsource(module)

    monkeypatch.setattr(inspect, "getsource", watched)
    assert [check(m) for m in modules] == expected
    assert read_through_inspect == ["sys"]  # a built-in module: no file of its own
    assert check(gone) is False
