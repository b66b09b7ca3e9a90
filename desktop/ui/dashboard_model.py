"""The totals dashboard as a table model: total, grants, goals and their groups.

Rows follow the score tree (合計 → 推進交付金 → 目標Ⅰ → 体制・取組/活動 …); 目標Ⅳ is
shown once, marked as counted in both grants, and the R8 成果指向配分枠 comes last,
marked 別枠 (it is not part of the 800 points).

Two extra columns can be supplied later without changing this model's users:
``previous`` (前年度の得点, node id → points) and ``official`` (国による評価結果,
node id → points). A column is shown only when its figures are given.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreNode, ScoreTree
from desktop.ui import formatting as fmt

_NO_PARENT = QModelIndex()  # the invisible root: Qt's default argument

# Column keys (the visible set depends on the optional figures).
NAME = "name"
MAX = "max"
POINTS = "points"
RATE = "rate"
PROJECTED = "projected"
NATIONAL = "national"
PREVIOUS = "previous"
OFFICIAL = "official"
BAR = "bar"

COLUMN_TITLES = {
    NAME: "区分",
    MAX: "配点",
    POINTS: "得点",
    RATE: "得点率",
    PROJECTED: "見込み",
    NATIONAL: "全国平均",
    PREVIOUS: "前年度",
    OFFICIAL: "国の評価",
    BAR: "全国平均比",
}
COLUMN_TIPS = {
    POINTS: "自己評価の得点（国が算定する指標は含みません）",
    RATE: "自己評価の得点率",
    PROJECTED: "見込み: 自己評価に、国が算定する指標の見込みを加えた得点",
    NATIONAL: "全国平均の得点（コマンドラインや公表資料と同じ点数）。"
    "＊は評価指標ごとの全国平均の合計",
    PREVIOUS: "前年度の得点",
    OFFICIAL: "国による評価結果の得点",
    BAR: "棒: 見込みの得点率（濃い部分が自己評価）。縦線: 全国平均得点率。"
    "緑=全国平均以上、黄=やや下回る、赤=大きく下回る",
}

NODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
BAR_ROLE = Qt.ItemDataRole.UserRole + 2  # (rate, projected_rate, national_avg_rate)
KIND_ROLE = Qt.ItemDataRole.UserRole + 3  # total / grant / goal / group / frame

KIND_FRAME = "frame"

GROUP_SHORT_NAMES = {
    "process": "体制・取組",
    "activity": "活動",
    "outcome": "成果",
    "outcome_oriented_frame": "成果指向配分枠",
}


@dataclass(frozen=True)
class DashboardRow:
    """A row of the dashboard: a node of the score tree, indented by its depth."""

    node_id: str
    kind: str
    depth: int
    label: str


def dashboard_rows(tree: ScoreTree) -> list[DashboardRow]:
    rows = [DashboardRow(tree.root.id, T.TOTAL, 0, f"合計（{tree.root.max_points}点）")]
    common: ScoreNode | None = None
    for grant in tree.grants:
        rows.append(DashboardRow(grant.id, T.GRANT, 0, grant.label))
        for goal in grant.children:
            if goal.id.startswith("common."):
                common = goal
                continue
            rows += _goal_rows(goal, goal.label)
    if common is not None:
        rows += _goal_rows(common, f"{common.label}（両交付金に算入）")
    for frame in tree.frames:
        rows.append(
            DashboardRow(frame.id, KIND_FRAME, 0, f"{frame.label}〔{fmt.OUTSIDE_TOTAL_MARK}〕")
        )
    return rows


def _goal_rows(goal: ScoreNode, label: str) -> list[DashboardRow]:
    rows = [DashboardRow(goal.id, T.GOAL, 1, label)]
    for group in goal.children:
        short = GROUP_SHORT_NAMES.get(group.group or "", group.label)
        rows.append(DashboardRow(group.id, T.GROUP, 2, short))
    return rows


BOLD_KINDS = (T.TOTAL, T.GRANT, T.GOAL)


class DashboardModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._tree: ScoreTree | None = None
        self._rows: list[DashboardRow] = []
        self._figures: list[tuple] = []  # per row: what update() compares
        self.previous: dict[str, int] | None = None
        self.official: dict[str, float] | None = None
        self._columns = self._visible_columns()

    # --- feeding -----------------------------------------------------------------------
    def reset(self, tree: ScoreTree | None) -> None:
        self.beginResetModel()
        self._tree = tree
        self._rows = dashboard_rows(tree) if tree is not None else []
        self._figures = [self._row_figures(row) for row in self._rows]
        self.endResetModel()

    def update(self, tree: ScoreTree) -> int:
        """New figures, same rows: announce only the rows whose figures changed.

        An answer moves a handful of rows (its group, goal, grant and the total);
        repainting only those keeps a click's way to the screen short.
        """
        self._tree = tree
        last = len(self._columns) - 1
        changed = 0
        for number, row in enumerate(self._rows):
            figures = self._row_figures(row)
            if figures != self._figures[number]:
                self._figures[number] = figures
                self.dataChanged.emit(self.index(number, 0), self.index(number, last))
                changed += 1
        return changed

    def _row_figures(self, row: DashboardRow) -> tuple:
        node = self._tree.node(row.node_id)
        return (node.points, node.projected_points, node.answered, node.estimated, node.status)

    def set_extra_columns(
        self,
        previous: dict[str, int] | None = None,
        official: dict[str, float] | None = None,
    ) -> None:
        """前年度 and 国の評価 columns: shown only when their figures are given."""
        self.beginResetModel()
        self.previous = previous
        self.official = official
        self._columns = self._visible_columns()
        self.endResetModel()

    def _visible_columns(self) -> list[str]:
        columns = [NAME, MAX, POINTS, RATE, PROJECTED, NATIONAL]
        if self.previous is not None:
            columns.append(PREVIOUS)
        if self.official is not None:
            columns.append(OFFICIAL)
        columns.append(BAR)
        return columns

    # --- lookup ----------------------------------------------------------------------------
    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def column_of(self, key: str) -> int:
        return self._columns.index(key)

    def row_of(self, node_id: str) -> int:
        for number, row in enumerate(self._rows):
            if row.node_id == node_id:
                return number
        return -1

    def rows(self) -> list[DashboardRow]:
        return list(self._rows)

    def column_texts(self, column: int) -> list[tuple[str, bool]]:
        """What a column shows, row by row, and whether the row is bold (to fit its width)."""
        if self._tree is None:
            return []
        key = self._columns[column]
        return [
            (self._display(row, self._tree.node(row.node_id), key), row.kind in BOLD_KINDS)
            for row in self._rows
        ]

    # --- QAbstractTableModel ---------------------------------------------------------------------
    def rowCount(self, parent=_NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        key = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMN_TITLES[key]
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMN_TIPS.get(key)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._tree is None:
            return None
        row = self._rows[index.row()]
        node = self._tree.node(row.node_id)
        key = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, node, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, node)
        if role == Qt.ItemDataRole.TextAlignmentRole and key != NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.kind in BOLD_KINDS:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, node, key)
        if role == Qt.ItemDataRole.BackgroundRole and row.kind in (T.TOTAL, T.GRANT):
            return QColor(0, 0, 0, 18)
        if role == NODE_ID_ROLE:
            return row.node_id
        if role == KIND_ROLE:
            return row.kind
        if role == BAR_ROLE:
            return (self._self_rate(node), node.projected_rate, node.national_avg_rate)
        return None

    def _display(self, row: DashboardRow, node: ScoreNode, key: str) -> str:
        if key == NAME:
            return "　" * row.depth + row.label
        if key == MAX:
            return fmt.points(node.max_points)
        if key == POINTS:
            return "—" if fmt.is_state_scored_node(node) else fmt.points(node.points)
        if key == RATE:
            return fmt.rate(self._self_rate(node))
        if key == PROJECTED:
            return fmt.points(node.projected_points)
        if key == NATIONAL:  # points, as on the command line and in the report
            value = fmt.points(node.national_avg_points)
            return f"{value}*" if node.national_avg_derived and node.national_avg_points else value
        if key == PREVIOUS:
            return fmt.points((self.previous or {}).get(row.node_id))
        if key == OFFICIAL:
            return fmt.points((self.official or {}).get(row.node_id))
        return ""

    @staticmethod
    def _self_rate(node: ScoreNode) -> float | None:
        """自己評価の得点率; none for nodes the state scores alone (it would read 0 %)."""
        return None if fmt.is_state_scored_node(node) else node.rate

    def _foreground(self, row: DashboardRow, node: ScoreNode, key: str):
        if key == PROJECTED:
            return fmt.ESTIMATE
        if key == RATE and node.national_avg_rate is not None and self._self_rate(node) is not None:
            return fmt.compare_color(node.rate, node.national_avg_rate)
        if row.kind == KIND_FRAME:
            return fmt.MUTED
        return None

    def _tooltip(self, row: DashboardRow, node: ScoreNode) -> str:
        lines = [node.title if row.kind != T.GROUP else node.label]
        if row.kind == KIND_FRAME:
            lines.append("800点の合計には含まれない別枠の配分です。")
        if row.kind == T.GOAL and node.id.startswith("common."):
            lines.append("目標Ⅳは推進交付金・努力支援交付金の両方に同じ得点で算入されます。")
        if fmt.is_state_scored_node(node):
            lines.append("国が算定する指標群です。得点は見込みだけを表示します。")
        lines.append(
            f"自己評価 {fmt.points(node.points)}点・見込み {fmt.points(node.projected_points)}点"
            f"／配点 {node.max_points}点"
        )
        if node.national_avg_points is not None:
            derived = "（評価指標ごとの全国平均の合計）" if node.national_avg_derived else ""
            lines.append(
                f"全国平均 {fmt.points(node.national_avg_points)}点"
                f"（{fmt.rate(node.national_avg_rate)}）{derived}"
            )
        return "\n".join(lines)
