"""Enter the official results (国による評価結果) and see them against the self-assessment.

One row per grant, goal, group and indicator (目標Ⅳ once, as it counts in both
grants), in a tree model whose only editable column is 国による評価結果. The
difference to the self-assessment (estimates included) shows as soon as a figure is
typed, highlighted where they differ. 保存 stores every change as one action, or
nothing when any entry is wrong (the message lists them all).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTreeView,
    QVBoxLayout,
)

from desktop.formats import fmt_points
from desktop.report.official import OfficialResultError, enter_official_results, parse_points
from desktop.report.wording import node_title
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreNode, ScoreTree
from desktop.ui.dialog_buttons import action_buttons

COL_TITLE = 0
COL_MAX = 1
COL_SELF = 2
COL_OFFICIAL = 3
COL_DIFFERENCE = 4
HEADERS = ("区分", "配点", "自己評価（見込みを含む）", "国による評価結果", "差（国−自己）")

NodeIdRole = Qt.ItemDataRole.UserRole + 1
DIFFERS_COLOUR = QColor("#f8cbad")
MATCHES_COLOUR = QColor("#e2efda")
INVALID_COLOUR = QColor("#c00000")
NOT_A_NUMBER = "数値ではありません"


def _signed(value: float) -> str:
    text = fmt_points(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "±0")


@dataclass(eq=False)
class _Row:
    node: ScoreNode
    title: str
    parent: _Row | None
    text: str = ""  # what the user typed in 国による評価結果
    children: list[_Row] = field(default_factory=list)

    @property
    def row_number(self) -> int:
        siblings = self.parent.children if self.parent else []
        return siblings.index(self) if self.parent else 0

    def official(self) -> float | None:
        """The typed figure; raises OfficialResultError when it is not a number."""
        return parse_points(self.text, self.title) if self.text.strip() else None


class OfficialResultsModel(QAbstractItemModel):
    """Grants → goals → groups → indicators, then 目標Ⅳ, the frames and the total."""

    def __init__(self, catalog, tree: ScoreTree, stored: dict[str, float], parent=None):
        super().__init__(parent)
        self._root = _Row(tree.root, "", None)
        self._by_id: dict[str, _Row] = {}
        common_id = catalog.common.id if catalog.common else None
        for grant in tree.grants:
            grant_row = self._add(self._root, grant, grant.title, stored)
            for goal in grant.children:
                if goal.id != common_id:
                    self._add_goal(grant_row, goal, "", stored)
        if common_id:
            self._add_goal(self._root, tree.node(common_id), "（両交付金共通）", stored)
        for frame in tree.frames:
            frame_row = self._add(self._root, frame, node_title(catalog, frame), stored)
            for indicator in frame.children:
                self._add(frame_row, indicator, f"{indicator.label} {indicator.title}", stored)
        self._add(self._root, tree.root, node_title(catalog, tree.root), stored)

    def _add_goal(self, parent: _Row, goal: ScoreNode, suffix: str, stored) -> None:
        goal_row = self._add(parent, goal, f"{goal.label} {goal.title}{suffix}", stored)
        for group in goal.children:
            group_row = self._add(goal_row, group, group.label, stored)
            for indicator in group.children:
                self._add(group_row, indicator, f"{indicator.label} {indicator.title}", stored)

    def _add(self, parent: _Row, node: ScoreNode, title: str, stored) -> _Row:
        row = _Row(node, title, parent, fmt_points(stored.get(node.id)))
        parent.children.append(row)
        self._by_id[node.id] = row
        return row

    # --- lookup ----------------------------------------------------------------------------
    def node_ids(self) -> list[str]:
        return list(self._by_id)

    def text(self, node_id: str) -> str:
        return self._by_id[node_id].text

    def index_for(self, node_id: str, column: int = COL_OFFICIAL) -> QModelIndex:
        row = self._by_id[node_id]
        return self.createIndex(row.row_number, column, row)

    def set_text(self, node_id: str, text: str) -> None:
        self.setData(self.index_for(node_id), text)

    def _row(self, index: QModelIndex | QPersistentModelIndex) -> _Row:
        return index.internalPointer() if index.isValid() else self._root

    # --- QAbstractItemModel ----------------------------------------------------------------
    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:  # noqa: B008
        owner = self._row(parent)
        if not (0 <= row < len(owner.children) and 0 <= column < len(HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column, owner.children[row])

    def parent(self, index=QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        owner = self._row(index).parent
        if owner is None or owner is self._root:
            return QModelIndex()
        return self.createIndex(owner.row_number, 0, owner)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._row(parent).children)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_OFFICIAL:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._row(index)
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._display(row, column)
        if role == NodeIdRole:
            return row.node.id
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_TITLE:
            return row.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column != COL_TITLE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            difference = self._difference(row)
            if difference is not None:
                return QBrush(DIFFERS_COLOUR if difference else MATCHES_COLOUR)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_DIFFERENCE:
            if self._invalid(row):
                return QBrush(INVALID_COLOUR)
            return None
        if role == Qt.ItemDataRole.FontRole:
            bold_title = column == COL_TITLE and row.node.level in (T.TOTAL, T.GRANT, T.GOAL)
            bold_difference = column == COL_DIFFERENCE and bool(self._difference(row))
            if bold_title or bold_difference:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != COL_OFFICIAL:
            return False
        if role != Qt.ItemDataRole.EditRole:
            return False
        row = self._row(index)
        row.text = "" if value is None else str(value).strip()
        self.dataChanged.emit(
            self.createIndex(index.row(), 0, row),
            self.createIndex(index.row(), len(HEADERS) - 1, row),
        )
        return True

    def _display(self, row: _Row, column: int) -> str:
        if column == COL_TITLE:
            return row.title
        if column == COL_MAX:
            return str(row.node.max_points)
        if column == COL_SELF:
            return str(row.node.projected_points)
        if column == COL_OFFICIAL:
            return row.text
        if self._invalid(row):
            return NOT_A_NUMBER
        difference = self._difference(row)
        return "" if difference is None else _signed(difference)

    @staticmethod
    def _invalid(row: _Row) -> bool:
        try:
            row.official()
        except OfficialResultError:
            return True
        return False

    @staticmethod
    def _difference(row: _Row) -> float | None:
        try:
            value = row.official()
        except OfficialResultError:
            return None
        return None if value is None else value - row.node.projected_points


class OfficialResultsDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(f"国による評価結果の入力（{session.catalog.year_label}）")
        self.resize(980, 640)
        self.stored = session.official_results()
        self.model = OfficialResultsModel(session.catalog, session.score(), self.stored, self)

        intro = QLabel(
            "国からの通知（評価結果）の得点を、目標・指標群ごと（わかる場合は評価指標ごと）に入力します。"
            "入力した区分は、評価結果の資料でも国による評価結果を用います。空欄にすると入力を消します。",
            self,
        )
        intro.setWordWrap(True)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.view.header()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (COL_MAX, COL_SELF, COL_OFFICIAL, COL_DIFFERENCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.expandToDepth(1)
        self.summary = QLabel(self)
        buttons, _save = action_buttons(self, "保存")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

        self.view.doubleClicked.connect(self._edit_official)
        self.model.dataChanged.connect(self._refresh_summary)
        self._refresh_summary()

    def _edit_official(self, index: QModelIndex) -> None:
        """A double-click anywhere on a row edits its 国による評価結果."""
        if index.isValid() and index.column() != COL_OFFICIAL:
            self.view.edit(index.siblingAtColumn(COL_OFFICIAL))

    def entered_values(self) -> dict[str, str | None]:
        """What differs from the stored official results: node id → text (None clears)."""
        changes: dict[str, str | None] = {}
        for node_id in self.model.node_ids():
            text = self.model.text(node_id)
            stored = self.stored.get(node_id)
            if not text:
                if stored is not None:
                    changes[node_id] = None
                continue
            try:
                value = parse_points(text, node_id)
            except OfficialResultError:
                changes[node_id] = text  # validation reports it with the others
                continue
            if stored is None or value != stored:
                changes[node_id] = text
        return changes

    def _refresh_summary(self, *_args) -> None:
        ids = self.model.node_ids()
        entered = sum(1 for node_id in ids if self.model.text(node_id))
        differing = sum(
            1
            for node_id in ids
            if self.model.data(self.model.index_for(node_id, COL_DIFFERENCE)) not in ("", "±0")
        )
        self.summary.setText(f"入力済み {entered}区分、うち自己評価と異なる {differing}区分")

    def accept(self) -> None:
        changes = self.entered_values()
        if changes:
            try:
                enter_official_results(self.session, changes)
            except OfficialResultError as exc:
                QMessageBox.warning(
                    self, "入力を確認してください", f"保存しませんでした。\n\n{exc}"
                )
                return
        super().accept()
