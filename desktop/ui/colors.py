"""The few colours that carry meaning, chosen to read on light and dark palettes, and
how a widget's text takes one.

Kept apart from :mod:`desktop.ui.formatting` (which needs the scoring and store
modules) so that the start page can use them without loading those at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

GOOD = QColor("#2e7d32")  # at or above the national average; scored; 確定
WARN = QColor("#d98b00")  # a little below; 確認待ち; read-only notices
BAD = QColor("#c62828")  # well below; 非該当; problems in a dialog
NEUTRAL = QColor("#1f6fb2")  # no national average to compare with; 入力中
ESTIMATE = QColor("#b26a00")  # 見込み text
BLOCKED = QColor("#c62828")  # a prerequisite is missing
MUTED = QColor("#6b6b6b")  # secondary text


_OWN_PALETTE = Qt.WidgetAttribute.WA_SetPalette


def set_text_colour(widget: QWidget, colour: QColor | None) -> None:
    """Colour a widget's text through its palette; None: the colour it inherits again.

    Not a style sheet: a widget with one is polished, measured and painted by Qt's
    style-sheet style, which costs more each time (a few ms for the first indicator on
    screen, benchmarks/README.md). Nothing is set when the colour is already right,
    as the rows are refreshed after every answer.
    """
    role = QPalette.ColorRole.WindowText
    if colour is None:
        if widget.testAttribute(_OWN_PALETTE):
            widget.setPalette(QPalette())  # an empty palette: everything inherited
        return
    palette = widget.palette()
    if widget.testAttribute(_OWN_PALETTE) and palette.color(role) == colour:
        return
    palette.setColor(role, colour)
    widget.setPalette(palette)
