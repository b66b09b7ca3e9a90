"""The navigation tree: a real item model over the score tree.

Levels: 推進交付金 / 努力支援交付金 → 目標 → 指標群 → 評価指標, plus the R8 成果指向配分枠
as its own top-level row marked 別枠. 目標Ⅳ is one score node shared by both grants,
so it appears under both; each appearance is its own model row.

The shape of the tree depends only on the catalog, so rows are built once per
evaluation (``reset``). After each answer the new score tree is compared row by row
and only rows whose figures changed are announced with ``dataChanged``; expansion
and selection stay where the user left them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from desktop.catalog.model import REFERENCE_MARK, Indicator
from desktop.records import (
    INDICATOR_STATUSES,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    IndicatorNote,
)
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreNode, ScoreTree
from desktop.ui import formatting as fmt

_NO_PARENT = QModelIndex()  # the invisible root: Qt's default argument

COL_NAME, COL_SCORE, COL_DONE, COL_STATUS = range(4)
HEADERS = ("名称", "得点/配点", "完了", "状況")

NODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2
NODE_ROLE = Qt.ItemDataRole.UserRole + 3
SEARCH_TEXT_ROLE = Qt.ItemDataRole.UserRole + 4  # titles, labels, wording (indicators)
SECTION_ROLE = Qt.ItemDataRole.UserRole + 5  # 担当課 (indicators)
UNANSWERED_ROLE = Qt.ItemDataRole.UserRole + 6  # bool: a self-assessed sub-item is open
LOST_POINTS_ROLE = Qt.ItemDataRole.UserRole + 7  # bool: an answer scored less than it could
CARRIED_ROLE = Qt.ItemDataRole.UserRole + 8  # bool: an answer carried from last year, unchecked
NOTE_STATUS_ROLE = Qt.ItemDataRole.UserRole + 9  # 未着手 … 確定


@dataclass(eq=False)
class _Row:
    """A row of the navigation tree: a node of the score tree and where it sits."""

    node_id: str
    level: str
    parent: _Row | None
    row: int
    ancestors_text: str = ""
    children: list[_Row] = field(default_factory=list)


class ScoreTreeModel(QAbstractItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._tree: ScoreTree | None = None
        self._roots: list[_Row] = []
        self._rows_by_id: dict[str, list[_Row]] = {}
        self._signatures: dict[int, tuple] = {}
        self._static_search: dict[str, str] = {}
        self.notes: dict[str, IndicatorNote] = {}
        self.wordings: dict[str, str] = {}
        self.carried: set[str] = set()

    # --- loading ---------------------------------------------------------------------------
    def reset(
        self,
        tree: ScoreTree | None,
        notes: dict[str, IndicatorNote] | None = None,
        wordings: dict[str, str] | None = None,
        carried: set[str] | None = None,
    ) -> None:
        """A new evaluation (or a reload): rebuild every row."""
        self.beginResetModel()
        self._tree = tree
        self.notes = dict(notes or {})
        self.wordings = dict(wordings or {})
        self.carried = set(carried or ())
        self._roots = []
        self._rows_by_id = {}
        self._static_search = {}
        if tree is not None:
            for number, node in enumerate(tree.root.children):
                self._roots.append(self._build(node, None, number, ""))
        self._signatures = {id(row): self._signature(row) for row in self._all_rows()}
        self.endResetModel()

    def _build(self, node: ScoreNode, parent: _Row | None, number: int, above: str) -> _Row:
        row = _Row(node.id, node.level, parent, number, ancestors_text=above)
        self._rows_by_id.setdefault(node.id, []).append(row)
        if node.level == T.INDICATOR:
            self._static_search[node.id] = _indicator_search_text(node)
            return row
        text = f"{above} {node.label} {node.title}"
        row.children = [
            self._build(child, row, i, text)
            for i, child in enumerate(node.children)
            if child.level != T.ITEM
        ]
        return row

    def update(
        self,
        tree: ScoreTree | None = None,
        notes: dict[str, IndicatorNote] | None = None,
        wordings: dict[str, str] | None = None,
        carried: set[str] | None = None,
    ) -> int:
        """New figures for the same catalog: announce only the rows that changed."""
        if tree is not None:
            self._tree = tree
        if notes is not None:
            self.notes = dict(notes)
        if wordings is not None:
            self.wordings = dict(wordings)
        if carried is not None:
            self.carried = set(carried)
        changed = 0
        last = self.columnCount() - 1
        for row in self._all_rows():
            signature = self._signature(row)
            if self._signatures.get(id(row)) != signature:
                self._signatures[id(row)] = signature
                self.dataChanged.emit(
                    self.createIndex(row.row, 0, row), self.createIndex(row.row, last, row)
                )
                changed += 1
        return changed

    def _all_rows(self):
        stack = list(reversed(self._roots))
        while stack:
            row = stack.pop()
            yield row
            stack.extend(reversed(row.children))

    def _signature(self, row: _Row) -> tuple:
        node = self.node(row)
        return (
            node.points,
            node.projected_points,
            node.answered,
            node.estimated,
            node.status,
            self._note_status(row),
            self._section(row),
            self._has_carried(row),
            self._lost_points(row),
            self._user_wording_text(row),
        )

    # --- lookup ---------------------------------------------------------------------------
    @property
    def tree(self) -> ScoreTree | None:
        return self._tree

    def node(self, row: _Row) -> ScoreNode:
        return self._tree.node(row.node_id)

    def node_at(self, index: QModelIndex) -> ScoreNode | None:
        row = self._row(index)
        return self.node(row) if row is not None else None

    def index_of(self, node_id: str, occurrence: int = 0) -> QModelIndex:
        rows = self._rows_by_id.get(node_id) or []
        if occurrence >= len(rows):
            return QModelIndex()
        row = rows[occurrence]
        return self.createIndex(row.row, 0, row)

    def indicator_ids(self) -> list[str]:
        """Indicator ids in display order (目標Ⅳ's once: its first appearance)."""
        seen: list[str] = []
        for row in self._all_rows():
            if row.level == T.INDICATOR and row.node_id not in seen:
                seen.append(row.node_id)
        return seen

    def _row(self, index: QModelIndex | QPersistentModelIndex) -> _Row | None:
        if not index.isValid():
            return None
        return index.internalPointer()

    # --- QAbstractItemModel ----------------------------------------------------------------------
    def index(self, row: int, column: int, parent=_NO_PARENT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        children = self._children(parent)
        return self.createIndex(row, column, children[row])

    def parent(self, index=_NO_PARENT):
        row = self._row(index)
        if row is None or row.parent is None:
            return QModelIndex()
        return self.createIndex(row.parent.row, 0, row.parent)

    def _children(self, parent: QModelIndex) -> list[_Row]:
        if not parent.isValid():
            return self._roots
        return parent.internalPointer().children

    def rowCount(self, parent=_NO_PARENT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent=_NO_PARENT) -> int:
        return len(HEADERS)

    def hasChildren(self, parent=_NO_PARENT) -> bool:
        return self.rowCount(parent) > 0

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row = self._row(index)
        if row is None or self._tree is None:
            return None
        node = self.node(row)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, node, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, node)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, node, column)
        if role == Qt.ItemDataRole.FontRole and row.level in (T.GRANT, T.GOAL) and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column != COL_NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == NODE_ID_ROLE:
            return row.node_id
        if role == LEVEL_ROLE:
            return row.level
        if role == NODE_ROLE:
            return node
        if role == SEARCH_TEXT_ROLE:
            return self._search_text(row)
        if role == SECTION_ROLE:
            return self._section(row)
        if role == UNANSWERED_ROLE:
            return node.answered < node.answerable
        if role == LOST_POINTS_ROLE:
            return self._lost_points(row)
        if role == CARRIED_ROLE:
            return self._has_carried(row)
        if role == NOTE_STATUS_ROLE:
            return self._note_status(row)
        return None

    # --- what a row shows ---------------------------------------------------------------------
    def _display(self, row: _Row, node: ScoreNode, column: int) -> str:
        if column == COL_NAME:
            return self._name(row, node)
        if column == COL_SCORE:
            return fmt.score_text(node)
        if column == COL_DONE:
            return fmt.completion_text(node)
        if column == COL_STATUS:
            return self._note_status(row)
        return ""

    def _name(self, row: _Row, node: ScoreNode) -> str:
        if node.outside_total:
            return f"{node.label}〔{fmt.OUTSIDE_TOTAL_MARK}〕"
        if row.level == T.GOAL:
            return f"{node.label} {node.title}"
        if row.level == T.INDICATOR:
            mark = "〔引継〕" if self._has_carried(row) else ""
            return f"{node.label}. {node.title}{mark}"
        return node.label

    def _tooltip(self, row: _Row, node: ScoreNode) -> str:
        lines = [node.title if row.level != T.GROUP else node.label]
        if node.outside_total:
            lines.append("800点の合計には含まれない別枠の配分です。")
        if row.level == T.GOAL and node.id.startswith("common."):
            lines.append("目標Ⅳは両方の交付金に同じ得点で算入されます。")
        lines.append(fmt.score_tooltip(node))
        done = fmt.completion_long(node)
        if done:
            lines.append(done)
        if node.national_avg_points is not None:
            lines.append(f"全国平均 {fmt.points(node.national_avg_points)}点")
        if self._has_carried(row):
            lines.append("前年度から引き継いだ回答があります（要確認）。")
        return "\n".join(lines)

    def _foreground(self, row: _Row, node: ScoreNode, column: int):
        if column == COL_STATUS:
            return fmt.STATUS_COLORS.get(self._note_status(row))
        if column == COL_DONE and node.answerable and node.answered == node.answerable:
            return fmt.GOOD
        if column == COL_SCORE and fmt.is_state_scored_node(node):
            return fmt.ESTIMATE
        if node.outside_total:
            return fmt.MUTED
        return None

    # --- derived per-row facts --------------------------------------------------------------------
    def _indicator_rows(self, row: _Row):
        if row.level == T.INDICATOR:
            yield row
            return
        for child in row.children:
            yield from self._indicator_rows(child)

    def _note_status(self, row: _Row) -> str:
        if row.level == T.INDICATOR:
            note = self.notes.get(row.node_id)
            return note.status if note else STATUS_NOT_STARTED
        statuses = {self._note_status(r) for r in self._indicator_rows(row)}
        if not statuses:
            return ""
        if len(statuses) == 1:
            return statuses.pop()
        if statuses == {STATUS_NOT_STARTED}:
            return STATUS_NOT_STARTED
        # Mixed: the least advanced status that is not 未着手 tells where work stands.
        if STATUS_NOT_STARTED in statuses:
            return STATUS_IN_PROGRESS
        return min(statuses, key=INDICATOR_STATUSES.index)

    def _section(self, row: _Row) -> str:
        if row.level != T.INDICATOR:
            return ""
        note = self.notes.get(row.node_id)
        return note.section if note else ""

    def _has_carried(self, row: _Row) -> bool:
        if not self.carried:
            return False
        if row.level != T.INDICATOR:
            return any(self._has_carried(r) for r in self._indicator_rows(row))
        return any(_targets_of(item) & self.carried for item in self.node(row).children)

    def _lost_points(self, row: _Row) -> bool:
        if row.level != T.INDICATOR:
            return any(self._lost_points(r) for r in self._indicator_rows(row))
        node = self.node(row)
        indicator = node.source
        if isinstance(indicator, Indicator) and indicator.combine == "best_of":
            started = any(item.answer is not None for item in node.children)
            return started and node.projected_points < node.max_points
        return any(
            item.answer is not None and item.projected_points < item.max_points
            for item in node.children
        )

    def _user_wording_text(self, row: _Row) -> str:
        if row.level != T.INDICATOR or not self.wordings:
            return ""
        return " ".join(
            self.wordings[item.id] for item in self.node(row).children if item.id in self.wordings
        )

    def _search_text(self, row: _Row) -> str:
        if row.level != T.INDICATOR:
            return f"{row.ancestors_text} {self.node(row).label} {self.node(row).title}"
        return " ".join(
            (
                row.ancestors_text,
                self._static_search.get(row.node_id, ""),
                self._user_wording_text(row),
            )
        )


def _targets_of(item: ScoreNode) -> set[str]:
    """The stored answer ids of a sub-item (its parts for an all-of item)."""
    if item.parts:
        return {part["id"] for part in item.parts}
    return {item.id}


def _indicator_search_text(node: ScoreNode) -> str:
    """What a text search looks at besides the user's own wording (which changes)."""
    words = [node.label, node.title]
    for item in node.children:
        catalog_item = item.source
        words.append(item.label)
        if catalog_item is None:
            continue
        words += [catalog_item.wording or "", catalog_item.hint or ""]
        for option in catalog_item.options:
            words += [option.label, option.note or ""]
        for part in catalog_item.parts:
            words += [part.label, part.wording or "", part.hint or ""]
    return " ".join(w for w in words if w and w != REFERENCE_MARK)
