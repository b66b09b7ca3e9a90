"""Edit 今後の対応 (the planned response) per indicator group.

The list on the left shows every group with its points (✎ where a response is
written); choosing one shows where its points were lost (what the response is
usually about) and its text. A group's text is saved as its own action
(``store.set_planned_response``) when the user presses 保存, moves to another
group, or closes the editor.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.evaluation.errors import StoreError
from desktop.report.losses import lines_by_indicator, lost_items
from desktop.report.wording import node_title
from desktop.text_limits import too_long_message
from desktop.ui.dialog_buttons import action_buttons

GroupIdRole = Qt.ItemDataRole.UserRole + 1


class GroupListModel(QAbstractListModel):
    """Every indicator group once (目標Ⅳ once), marked ✎ when it has a response."""

    def __init__(self, session, tree, saved: dict[str, str], parent=None):
        super().__init__(parent)
        self.catalog = session.catalog
        self.tree = tree
        self.saved = saved
        self.group_ids: list[str] = []
        for node in tree.root.walk():
            if node.level == "group" and node.id not in self.group_ids:
                self.group_ids.append(node.id)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.group_ids)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.group_ids):
            return None
        group_id = self.group_ids[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            node = self.tree.node(group_id)
            mark = "✎ " if self.saved.get(group_id) else "　 "
            return f"{mark}{node_title(self.catalog, node)}（{node.projected_points}/{node.max_points}点）"
        if role == GroupIdRole:
            return group_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.saved.get(group_id) or "今後の対応は未記入です"
        return None

    def saved_changed(self, group_id: str) -> None:
        row = self.group_ids.index(group_id)
        self.dataChanged.emit(self.index(row), self.index(row))


class PlannedResponseEditor(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(f"今後の対応の編集（{session.catalog.year_label}）")
        self.resize(980, 620)
        self.tree = session.score()
        self.saved: dict[str, str] = session.planned_responses()
        self.wordings = session.text_layers()
        self._current: str | None = None

        self.model = GroupListModel(session, self.tree, self.saved, self)
        self.groups = QListView(self)
        self.groups.setModel(self.model)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.lost = QPlainTextEdit(self)
        self.lost.setReadOnly(True)
        self.lost.setMaximumHeight(180)
        self.editor = QPlainTextEdit(self)
        self.editor.setPlaceholderText(
            "この指標群について、今後どう取り組むかを書きます（評価結果の資料に載ります）。"
        )
        self.save_button = QPushButton("保存", self)
        self.status = QLabel(self)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(QLabel("主な減点に関する項目", right))
        right_layout.addWidget(self.lost)
        right_layout.addWidget(QLabel("今後の対応", right))
        right_layout.addWidget(self.editor, 1)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        right_layout.addLayout(row)

        splitter = QSplitter(self)
        splitter.addWidget(self.groups)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 640])

        buttons, _close = action_buttons(self, "閉じる", cancel=False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.groups.selectionModel().currentChanged.connect(self._group_changed)
        self.save_button.clicked.connect(self.save_current)
        self.editor.textChanged.connect(self._text_changed)
        if self.model.rowCount():
            self.select_group(self.model.group_ids[0])
        if session.read_only:
            self.editor.setReadOnly(True)
            self.save_button.setEnabled(False)
            self.status.setText("読み取り専用で開いているため編集できません。")

    # --- moving between groups -------------------------------------------------------------
    def select_group(self, group_id: str) -> None:
        index = self.model.index(self.model.group_ids.index(group_id))
        self.groups.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    @property
    def current_group(self) -> str | None:
        return self._current

    def _group_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._current is not None and not self.save_current():
            # Stay on the group whose text could not be saved, so nothing typed is lost.
            back = self.model.index(self.model.group_ids.index(self._current))
            self.groups.selectionModel().blockSignals(True)
            self.groups.selectionModel().setCurrentIndex(
                back, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.groups.selectionModel().blockSignals(False)
            return
        if not current.isValid():
            self._current = None
            return
        group_id = self.model.group_ids[current.row()]
        self._current = group_id
        node = self.tree.node(group_id)
        self.heading.setText(
            f"<b>{node_title(self.session.catalog, node)}</b>　"
            f"得点 {node.projected_points}/{node.max_points}点"
        )
        if node.estimable and not node.answerable:
            lost = "国が算定する指標群です（得点は国による評価結果で確定します）。"
        else:
            items = lost_items(self.session.catalog, self.tree, group_id, self.wordings)
            lost = "\n".join(lines_by_indicator(items)) or "なし（満点）"
        self.lost.setPlainText(lost)
        self.editor.blockSignals(True)
        self.editor.setPlainText(self.saved.get(group_id, ""))
        self.editor.blockSignals(False)
        self._text_changed()

    def _text_changed(self) -> None:
        if self._current is None or self.session.read_only:
            return
        dirty = self.editor.toPlainText().strip() != self.saved.get(self._current, "")
        self.status.setText("未保存の変更があります" if dirty else "保存済み")

    # --- saving --------------------------------------------------------------------------
    def save_current(self) -> bool:
        """Save the shown group's text as one action; False if it could not be saved."""
        group_id = self._current
        if group_id is None or self.session.read_only:
            return True
        text = self.editor.toPlainText().strip()
        if text == self.saved.get(group_id, ""):
            return True
        message = too_long_message("今後の対応", text)
        if message is not None:
            QMessageBox.warning(self, "今後の対応", message)
            return False
        try:
            self.session.set_planned_response(group_id, text)
        except StoreError as exc:
            QMessageBox.warning(self, exc.title, str(exc))
            return False
        self.saved[group_id] = text
        self.model.saved_changed(group_id)
        self.status.setText("保存しました")
        return True

    def accept(self) -> None:
        if self.save_current():
            super().accept()

    def reject(self) -> None:
        # Closing the window keeps what was typed: losing a paragraph to a stray Esc is worse.
        if self.save_current():
            super().reject()
