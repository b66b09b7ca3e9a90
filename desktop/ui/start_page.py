"""The friendly first page: shown while the open file holds no evaluation yet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME_JA
from desktop.ui import colors

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class StartPage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    recent_chosen = Signal(object)  # Path

    def __init__(self, parent=None):
        super().__init__(parent)
        title = QLabel(APP_NAME_JA)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel("保険者機能強化推進交付金・介護保険保険者努力支援交付金の自己評価")
        colors.set_text_colour(subtitle, colors.MUTED)
        self.message = QLabel()
        self.message.setObjectName("startMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.new_button = QPushButton("新規評価を作成…")
        self.new_button.setObjectName("newEvaluation")
        self.new_button.setDefault(True)
        self.new_button.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
        self.open_button = QPushButton("評価ファイルを開く…")
        self.open_button.setMinimumHeight(self.new_button.minimumHeight())
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.recent_title = QLabel("最近使ったファイル")
        self.recent = QListWidget()
        self.recent.setObjectName("recentFiles")
        self.recent.itemActivated.connect(
            lambda item: self.recent_chosen.emit(item.data(PATH_ROLE))
        )
        self.recent.setMaximumHeight(self.fontMetrics().lineSpacing() * 8 + 8)
        steps = QLabel(
            "使い方: ① 新規評価で市町村と年度を選ぶ　② 左の一覧で評価指標を選び、小項目に回答する"
            "（キーボードだけでも操作できます。F1 で一覧）　③ 右の得点の一覧で、全国平均との差を確かめる。"
            "入力はその都度ファイルに保存されます。"
        )
        steps.setWordWrap(True)
        colors.set_text_colour(steps, colors.MUTED)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(subtitle)
        column.addSpacing(self.fontMetrics().height())
        column.addWidget(self.message)
        column.addSpacing(self.fontMetrics().height() // 2)
        column.addLayout(buttons)
        column.addSpacing(self.fontMetrics().height())
        column.addWidget(self.recent_title)
        column.addWidget(self.recent)
        column.addSpacing(self.fontMetrics().height())
        column.addWidget(steps)
        column.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)

    def show_state(self, message: str, recent: list[Path], can_create: bool = True) -> None:
        self.message.setText(message)
        self.new_button.setEnabled(can_create)
        self.recent.clear()
        for path in recent:
            item = QListWidgetItem(f"{path.name}　—　{path.parent}")
            item.setData(PATH_ROLE, path)
            item.setToolTip(str(path))
            self.recent.addItem(item)
        self.recent_title.setVisible(bool(recent))
        self.recent.setVisible(bool(recent))
