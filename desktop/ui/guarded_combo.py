"""A combo box that only changes when the user opened it or typed into it on purpose.

A closed QComboBox takes ↑/↓, PageUp/PageDown, Home/End and the mouse wheel as "choose
another value". In a form the user tabs or scrolls through, that changed a record's
状況 by accident (↓ pressed once too often after the last sub-item). Here those keys
and the wheel pass on to the parent while the list is closed; Alt+↓, F4 and Space
open the list as usual, and inside the open list the arrow keys work as always.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

STEPPING_KEYS = (
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
)


class GuardedComboBox(QComboBox):
    def keyPressEvent(self, event) -> None:
        opening = event.key() == Qt.Key.Key_Down and (
            event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if event.key() in STEPPING_KEYS and not opening:
            event.ignore()  # the parent (the form, the scroll area) gets it
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:
        event.ignore()  # scrolling the page over a closed list must not change it
