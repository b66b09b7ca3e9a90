"""担当課・担当者をまとめて設定: one section and person for several indicators at once.

A coordinator hands a whole goal (or a few indicators) to one section: choose the
indicators (all of the chosen goal or group are ticked to begin with), type the section
and the person, and every ticked indicator gets them as one action (one undo step).
An empty field leaves that field as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)


@dataclass(frozen=True)
class IndicatorChoice:
    id: str
    label: str  # 「1. 地域の介護保険事業の特徴を把握しているか。」
    section: str  # what is recorded today
    assignee: str


@dataclass(frozen=True)
class BulkAssignment:
    indicator_ids: list[str]
    fields: dict[str, str]  # section / assignee → the new value (only those given)


class BulkAssignDialog(QDialog):
    def __init__(
        self, place: str, choices: list[IndicatorChoice], sections: list[str], parent=None
    ):
        super().__init__(parent)
        self.setWindowTitle("担当課・担当者をまとめて設定")
        self.setObjectName("bulkAssignDialog")
        self.section = QLineEdit()
        self.section.setObjectName("bulkSection")
        self.section.setPlaceholderText("例: 高齢福祉課（空欄なら変更しません）")
        self.section.setCompleter(QCompleter(sections, self.section))
        self.assignee = QLineEdit()
        self.assignee.setObjectName("bulkAssignee")
        self.assignee.setPlaceholderText("空欄なら変更しません")
        self.list = QListWidget()
        self.list.setObjectName("bulkIndicators")
        # Long titles end in …; the tooltip has them whole.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        for choice in choices:
            now = "・".join(x for x in (choice.section, choice.assignee) if x) or "未設定"
            entry = QListWidgetItem(f"［いま: {now}］ {choice.label}")
            entry.setData(Qt.ItemDataRole.UserRole, choice.id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked)
            entry.setToolTip(entry.text())
            self.list.addItem(entry)
        self.list.itemChanged.connect(self._update_ok)
        self.section.textChanged.connect(self._update_ok)
        self.assignee.textChanged.connect(self._update_ok)

        form = QFormLayout()
        form.addRow("担当課", self.section)
        form.addRow("担当者", self.assignee)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("設定する")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{place} の評価指標（チェックしたものに設定します）"))
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        metrics = self.fontMetrics()
        self.resize(metrics.horizontalAdvance("あ") * 48, metrics.lineSpacing() * 24)
        self._update_ok()

    def assignment(self) -> BulkAssignment:
        ids = [
            self.list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]
        fields = {
            name: edit.text().strip()
            for name, edit in (("section", self.section), ("assignee", self.assignee))
            if edit.text().strip()
        }
        return BulkAssignment(ids, fields)

    def _update_ok(self, *_args) -> None:
        wanted = self.assignment()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(wanted.indicator_ids and wanted.fields))
