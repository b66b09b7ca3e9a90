"""Non-blocking notices above the work area (read-only mode, a newer catalog revision)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


class Banner(QFrame):
    action_clicked = Signal()

    def __init__(self, name: str, colour: QColor, action_text: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self._colour = QColor(colour)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.action = QPushButton(action_text or "")
        self.action.setVisible(bool(action_text))
        self.action.clicked.connect(self.action_clicked)
        self.dismiss = QPushButton("閉じる")
        self.dismiss.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        margin = self.fontMetrics().averageCharWidth()
        layout.setContentsMargins(margin, margin // 2, margin, margin // 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.dismiss)
        self.hide()

    def show_text(self, text: str, *, closable: bool = True) -> None:
        if not self.styleSheet():
            # Styled when first shown, not when built: most starts never show a banner,
            # and the window's first paint need not set up Qt's style-sheet style.
            colour, tint = self._colour, QColor(self._colour)
            tint.setAlpha(40)
            self.setStyleSheet(
                f"QFrame#{self.objectName()} {{ background: rgba({tint.red()},{tint.green()},"
                f"{tint.blue()},{tint.alpha()}); border: 1px solid {colour.name()};"
                " border-radius: 3px; }"
            )
        self.label.setText(text)
        self.dismiss.setVisible(closable)
        self.show()
