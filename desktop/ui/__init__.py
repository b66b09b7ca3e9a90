"""The PySide6 user interface. The only package that imports Qt.

Before any Qt module is imported, PySide's check of every newly imported module is made
cheaper (:func:`_quick_pyside_feature_check`).

**Qt classes are named where they are used** when the window does not need them to show an
evaluation (dialogs, ``QUrl``, a scroll bar): PySide builds a class's Python type,
with every enum in it, when a module first names the class, ``from PySide6.QtWidgets
import QFileDialog`` included (≈ 0.1–1 ms each; benchmarks/README.md). The modules that
load at every start therefore import such classes inside the functions that use them.
Some calls build types too, because PySide tries a method's overloads in turn:
``QPainter.fillRect`` with a colour builds ``QGradient``, ``QTimer.singleShot`` with a
context object ``QMetaMethod``; the window uses calls that do the same without them.
``tests/ui/test_start_order.py`` lists the classes that must not be built by the time the
evaluation is on screen.
"""

from __future__ import annotations

import sys


def _quick_pyside_feature_check() -> None:
    """Answer PySide's "does this module use PySide6?" by reading the file, not ``inspect``.

    PySide (for its optional ``from __feature__ import snake_case``) asks, for every
    module imported after it, whether the module's source mentions "PySide6", through
    ``inspect.getsource`` (linecache, tokenize): about 13 ms for the ≈ 150 modules the
    window imports until an evaluation is on screen (benchmarks/README.md). The same
    question is answered from the file's bytes; a module without a ``.py`` file, or
    one that cannot be read, still gets PySide's own answer.
    """
    try:
        import shiboken6  # noqa: F401  (loads PySide's support modules, no Qt yet)
    except ImportError:
        return
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if not callable(original) or getattr(original, "quick", False):
        return

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)

    uses_pyside.quick = True
    feature._mod_uses_pyside = uses_pyside


_quick_pyside_feature_check()
