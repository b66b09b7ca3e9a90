"""The Japanese font shipped with the app (IPAexGothic), registered with Qt at start.

Registered from ``resources/fonts`` with ``QFontDatabase.addApplicationFont``, so that
the window and the PDF report use the same glyphs on every machine, whether or not a
Japanese font is installed (a bare Windows Server, a Linux PC). It is named first in
the window's font list: Qt's own CJK fallback follows the Windows display language and
could otherwise pick Chinese glyph shapes. The workbooks do not use it: they name
游ゴシック, which every Japanese Windows has (see :mod:`desktop.workbook.styles`).
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from desktop.paths import resource

BUNDLED_FONT = ("fonts", "ipaexg.ttf")
BUNDLED_FAMILY = "IPAexGothic"

_registered: str | None = None


def register_bundled_font() -> str | None:
    """Register the shipped font once; return its family, or None if the file is missing.

    Needs a QGuiApplication. Missing or unreadable, the app still runs with the
    system's fonts, so this never raises.
    """
    global _registered
    if _registered and _registered in QFontDatabase.families():
        return _registered
    path = resource(*BUNDLED_FONT)
    if not path.is_file():
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    _registered = families[0] if families else None
    return _registered
