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
