"""The gap view (伸びしろ): unmet sub-items ranked, with what meeting each would do.

A table model over :func:`desktop.report.gaps.find_gaps`, a proxy that filters by
text, grant, answer (未回答 apart from 非該当), 「全国60%以上のみ」 and whether the
state scores the item, and a double-click that asks the main window to jump to the
item (signal :attr:`GapView.itemActivated`).

The 実現性 column (容易・要調整・不可) is edited in place with a combo box that
arrow keys and the wheel do not change while it is closed; the view stores a choice
through the ``set_effort`` callable it was given (none: the column is read-only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.national.gap_rates import GapRates
from desktop.records import EFFORT_UNSET, EFFORTS, default_effort
from desktop.report.gaps import CATALOG_RATES_LABEL, HIGH_SHARE_PCT, Gap, high_share_note
from desktop.ui.filter_change import change_row_filter
from desktop.ui.guarded_combo import GuardedComboBox

COL_RANK = 0
COL_REFERENCE = 1
COL_TEXT = 2
COL_GAIN = 3
COL_SHARE = 4
COL_GROUP_RATE = 5
COL_TOTAL = 6
COL_NOTE = 7
COL_INDICATOR = 8
COL_SECTION = 9
COL_EFFORT = 10
HEADERS = (
    "順位",
    "区分",
    "減点に関する項目",
    "加点",
    "全国該当率",
    "指標群の得点率",
    "自己評価の合計",
    "備考",
    "評価指標",
    "担当課",
    "実現性",
)

# Shown only where the year's national results are imported (desktop.national.gap_rates);
# numbered after the other columns so that those keep their places.
NATIONAL_HEADERS = ("比較市町村\nの該当率", "比較市町村\nの多く", "試算額\n（千円）")
COL_PEER_SHARE = len(HEADERS)
COL_MOST_PEERS = COL_PEER_SHARE + 1
COL_VALUE = COL_PEER_SHARE + 2
ALL_HEADERS = HEADERS + NATIONAL_HEADERS
# 並び順: the default rank, or by either rate, or by the estimated amount (largest first).
ORDERS = (
    ("既定（全国で多くが該当する項目を先に、加点の大きい順）", COL_RANK, Qt.SortOrder.AscendingOrder),
    ("全国該当率の高い順", COL_SHARE, Qt.SortOrder.DescendingOrder),
    ("比較市町村の該当率の高い順", COL_PEER_SHARE, Qt.SortOrder.DescendingOrder),
    ("試算額の大きい順", COL_VALUE, Qt.SortOrder.DescendingOrder),
)

ItemIdRole = Qt.ItemDataRole.UserRole + 1  # the sub-item's id
SortRole = Qt.ItemDataRole.UserRole + 2  # numbers sort as numbers
GrantRole = Qt.ItemDataRole.UserRole + 3
HighShareRole = Qt.ItemDataRole.UserRole + 4
UnansweredRole = Qt.ItemDataRole.UserRole + 5
StateScoredRole = Qt.ItemDataRole.UserRole + 6

HIGH_SHARE_COLOUR = QColor("#fff2cc")
GRANT_FILTERS = (("すべて", None), ("推進交付金", "suishin"), ("努力支援交付金", "shien"))
# 未回答 (not answered yet) and 非該当 (answered, not met or met in part) apart.
ANSWER_FILTERS = (("すべて", None), ("未回答", True), ("回答済み（非該当など）", False))


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# Stores one item's mark (None clears it); False when it could not be stored.
EffortSetter = Callable[[str, str | None], bool]


# Roles that carry a field of the gap itself, whatever the column.
GAP_FIELD_ROLES = {
    ItemIdRole: "item_id",
    GrantRole: "grant",
    HighShareRole: "high_share",
    UnansweredRole: "unanswered",
    StateScoredRole: "state_scored",
}


def _share(gap: Gap) -> str:
    rate = gap.national_rate_pct
    return "—" if rate is None else f"{rate:.1f}%"


# What each column shows (the rank column shows the row's place instead).
DISPLAYED = {
    COL_REFERENCE: lambda gap: gap.reference,
    # with the indicator's number and full title: out of context here
    COL_TEXT: lambda gap: gap.lost.text,
    COL_GAIN: lambda gap: f"+{gap.gain}点",
    COL_SHARE: _share,
    COL_GROUP_RATE: lambda gap: f"{_rate(gap.group_rate_before)} → {_rate(gap.group_rate_after)}",
    COL_TOTAL: lambda gap: f"{gap.total_before} → {gap.total_after}点（/{gap.total_max}）",
    COL_NOTE: lambda gap: gap.note,
    COL_INDICATOR: lambda gap: gap.indicator_title,
    COL_SECTION: lambda gap: gap.section,
    COL_EFFORT: lambda gap: gap.effort,
}


class GapTableModel(QAbstractTableModel):
    def __init__(
        self, gaps: list[Gap] | None = None, parent=None, set_effort: EffortSetter | None = None
    ):
        super().__init__(parent)
        self._gaps: list[Gap] = list(gaps or [])
        self._set_effort = set_effort
        self._rates: GapRates | None = None

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and index.column() == COL_EFFORT and self._set_effort is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        """Store the chosen 実現性 (None or 「未設定」 clears the user's mark)."""
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or index.column() != COL_EFFORT
            or self._set_effort is None
        ):
            return False
        effort = None if value in (None, "", EFFORT_UNSET) else value
        if effort is not None and effort not in EFFORTS:
            return False
        gap = self._gaps[index.row()]
        if not self._set_effort(gap.item_id, effort):
            return False
        mark = effort or default_effort(gap.state_scored)
        self._gaps[index.row()] = replace(gap, effort_mark=mark)
        self.dataChanged.emit(index, index)
        return True

    def set_gaps(self, gaps: list[Gap]) -> None:
        self.beginResetModel()
        self._gaps = list(gaps)
        self.endResetModel()

    def set_rates(self, rates: GapRates | None) -> None:
        """The year's real rates and one point's worth; None hides those columns' figures."""
        self.beginResetModel()
        self._rates = rates
        self.endResetModel()

    def gap(self, row: int) -> Gap:
        return self._gaps[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._gaps)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ALL_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ALL_HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == COL_VALUE:
            return "加点 × 1点あたりの額（試算）。実際の交付額とは異なります"
        if role == Qt.ItemDataRole.ToolTipRole and section == COL_MOST_PEERS:
            return "◎＝比較市町村の半数以上が該当している小項目"
        if role == Qt.ItemDataRole.ToolTipRole and section in (COL_GROUP_RATE, COL_TOTAL):
            return "現在 → この小項目を満たした場合"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._gaps):
            return None
        gap = self._gaps[index.row()]
        column = index.column()
        if column >= COL_PEER_SHARE and role in (
            Qt.ItemDataRole.DisplayRole,
            SortRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return self._national_data(gap, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(gap, index.row(), column)
        if role == SortRole:
            return self._sort_value(gap, index.row(), column)
        if role in GAP_FIELD_ROLES:
            return getattr(gap, GAP_FIELD_ROLES[role])
        if role == Qt.ItemDataRole.EditRole and column == COL_EFFORT:
            return gap.effort_mark
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{gap.lost.text}\n{gap.note}".strip()
        if role == Qt.ItemDataRole.BackgroundRole and gap.high_share:
            return QBrush(HIGH_SHARE_COLOUR)
        if role == Qt.ItemDataRole.FontRole and gap.high_share and column == COL_TEXT:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            COL_RANK,
            COL_GAIN,
            COL_SHARE,
            COL_GROUP_RATE,
            COL_TOTAL,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _national_data(self, gap: Gap, column: int, role):
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        rates = self._rates
        if column == COL_PEER_SHARE:
            rate = None if rates is None else rates.peer_rate(gap.item_id)
            if role == SortRole:
                return -1.0 if rate is None else rate
            return "—" if rate is None else f"{rate:.1f}%"
        if column == COL_MOST_PEERS:
            most = rates is not None and rates.most_peers(gap.item_id)
            return int(most) if role == SortRole else ("◎" if most else "")
        value = None if rates is None else rates.value(gap)
        if role == SortRole:
            return -1.0 if value is None else value
        return "—" if value is None else f"約{value:,.0f}（試算）"

    @staticmethod
    def _display(gap: Gap, row: int, column: int) -> str:
        if column == COL_RANK:
            return str(row + 1)
        shown = DISPLAYED.get(column)
        return "" if shown is None else shown(gap)

    @staticmethod
    def _sort_value(gap: Gap, row: int, column: int):
        if column == COL_RANK:
            return row
        if column == COL_GAIN:
            return gap.gain
        if column == COL_SHARE:
            return gap.national_rate_pct if gap.national_rate_pct is not None else -1.0
        if column == COL_GROUP_RATE:
            return (gap.group_rate_after or 0) - (gap.group_rate_before or 0)
        if column == COL_TOTAL:
            return gap.total_after
        if column == COL_EFFORT:  # 容易 first, unmarked last
            return EFFORTS.index(gap.effort_mark) if gap.effort_mark else len(EFFORTS)
        return GapTableModel._display(gap, row, column)


class EffortDelegate(QStyledItemDelegate):
    """A combo box of 未設定・容易・要調整・不可; a choice is stored as soon as it is made."""

    def createEditor(self, parent, option, index):
        combo = GuardedComboBox(parent)
        combo.addItem(EFFORT_UNSET, None)
        for effort in EFFORTS:
            combo.addItem(effort, effort)
        combo.activated.connect(lambda _i, combo=combo: self._commit(combo))
        return combo

    def setEditorData(self, editor, index) -> None:
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor, model, index) -> None:
        if editor.currentData() != index.data(Qt.ItemDataRole.EditRole):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def _commit(self, combo) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)


class GapFilterProxy(QSortFilterProxyModel):
    """Filters by free text (区分・小項目・備考), grant and high national share."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._grant: str | None = None
        self._high_share_only = False
        self._unanswered: bool | None = None
        self._state_scored_too = False
        self.setSortRole(SortRole)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_text(self, text: str) -> None:
        self._refilter("_text", text.strip().lower())

    def set_grant(self, grant: str | None) -> None:
        self._refilter("_grant", grant)

    def set_high_share_only(self, on: bool) -> None:
        self._refilter("_high_share_only", on)

    def set_unanswered(self, unanswered: bool | None) -> None:
        """True: only 未回答; False: only answered (非該当, partly met); None: all."""
        self._refilter("_unanswered", unanswered)

    def set_state_scored_too(self, on: bool) -> None:
        """Show the items the state scores as well (hidden by default: nobody can tick them)."""
        self._refilter("_state_scored_too", on)

    def _refilter(self, name: str, value) -> None:
        change_row_filter(self, lambda: setattr(self, name, value))

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._grant is not None:
            grant = model.data(index, GrantRole)
            # 目標Ⅳ counts in both grants, so it shows under either filter.
            if grant not in (self._grant, "common"):
                return False
        if not self._state_scored_too and model.data(index, StateScoredRole):
            return False
        if self._high_share_only and not model.data(index, HighShareRole):
            return False
        if self._unanswered is not None and model.data(index, UnansweredRole) != self._unanswered:
            return False
        if self._text:
            haystack = " ".join(
                str(model.data(model.index(source_row, column, source_parent)) or "")
                for column in (COL_REFERENCE, COL_TEXT, COL_NOTE, COL_INDICATOR, COL_SECTION)
            ).lower()
            if self._text not in haystack:
                return False
        return True


class GapView(QWidget):
    """The 伸びしろ list; double-click (or Enter) emits :attr:`itemActivated` with the item id."""

    itemActivated = Signal(str)

    def __init__(
        self, gaps: list[Gap] | None = None, parent=None, set_effort: EffortSetter | None = None
    ):
        super().__init__(parent)
        self.model = GapTableModel(gaps, self, set_effort)
        self.proxy = GapFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("絞り込み（区分・評価指標・小項目の文言・担当課・備考）")
        self.search.setClearButtonEnabled(True)
        self.grant_filter = GuardedComboBox(self)
        for label, value in GRANT_FILTERS:
            self.grant_filter.addItem(label, value)
        self.high_share_only = QCheckBox(f"全国該当率 {HIGH_SHARE_PCT:.0f}% 以上のみ", self)
        self.high_share_only.setToolTip(high_share_note())
        self.answer_filter = GuardedComboBox(self)
        for label, value in ANSWER_FILTERS:
            self.answer_filter.addItem(label, value)
        self.state_scored_too = QCheckBox("国が採点する小項目も表示", self)
        self.state_scored_too.setToolTip("実現性は設定するまで「不可」です。")
        self.count_label = QLabel(self)
        self.rates_label = QLabel(self)  # where the rates come from (national results or catalog)
        self.rates_label.setWordWrap(True)
        self.order = GuardedComboBox(self)
        for label, _column, _order in ORDERS:
            self.order.addItem(label)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_RANK, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Only the 実現性 cells are editable (flags); a double-click elsewhere jumps.
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setItemDelegateForColumn(COL_EFFORT, EffortDelegate(self.table))
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (COL_RANK, 44),
            (COL_REFERENCE, 150),
            (COL_GAIN, 52),
            (COL_SHARE, 72),
            (COL_GROUP_RATE, 116),
            (COL_TOTAL, 136),
            (COL_NOTE, 120),
            (COL_INDICATOR, 220),
            (COL_SECTION, 88),
            (COL_EFFORT, 72),
        ):
            self.table.setColumnWidth(column, width)
        # Read left to right: where (区分, 評価指標), what (小項目), who (担当課), then figures.
        header.moveSection(header.visualIndex(COL_INDICATOR), COL_TEXT)
        header.moveSection(header.visualIndex(COL_SECTION), COL_TEXT + 2)
        header.moveSection(header.visualIndex(COL_EFFORT), COL_TEXT + 3)
        # The national columns sit beside 全国該当率, read together.
        for offset, (column, width) in enumerate(
            ((COL_PEER_SHARE, 76), (COL_MOST_PEERS, 72), (COL_VALUE, 112)), start=1
        ):
            self.table.setColumnWidth(column, width)
            header.moveSection(header.visualIndex(column), header.visualIndex(COL_SHARE) + offset)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(QLabel("交付金:", self))
        filters.addWidget(self.grant_filter)
        filters.addWidget(QLabel("回答:", self))
        filters.addWidget(self.answer_filter)
        filters.addWidget(self.high_share_only)
        filters.addWidget(self.state_scored_too)
        ordering = QHBoxLayout()
        ordering.addWidget(QLabel("並び順:", self))
        ordering.addWidget(self.order)
        ordering.addWidget(self.rates_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(ordering)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._filter_changed)
        self.grant_filter.currentIndexChanged.connect(self._filter_changed)
        self.answer_filter.currentIndexChanged.connect(self._filter_changed)
        self.high_share_only.toggled.connect(self._filter_changed)
        self.state_scored_too.toggled.connect(self._filter_changed)
        self.order.currentIndexChanged.connect(self._order_changed)
        # Double-click, or Enter on the selected row; not QAbstractItemView.activated,
        # which some platforms emit on a single click as well.
        self.table.doubleClicked.connect(self._activate)
        self.table.installEventFilter(self)
        self.set_rates(None)
        self._update_count()

    def set_gaps(self, gaps: list[Gap]) -> None:
        self.model.set_gaps(gaps)
        self._update_count()

    def set_rates(self, rates: GapRates | None, source: str = CATALOG_RATES_LABEL) -> None:
        """Show peers' rates and 試算額 where ``rates`` has them; ``source`` says where the
        gaps' 全国該当率 come from (:func:`desktop.report.gaps.session_rate_source`)."""
        self.model.set_rates(rates)
        for column in (COL_PEER_SHARE, COL_MOST_PEERS):
            self.table.setColumnHidden(column, rates is None)
        self.table.setColumnHidden(COL_VALUE, rates is None or not rates.has_values)
        for index, (_label, column, _order) in enumerate(ORDERS):
            item = self.order.model().item(index)
            item.setEnabled(not self.table.isColumnHidden(column))
        if rates is None:
            self.rates_label.setText(f"全国該当率は{source}の値です。")
        else:
            self.rates_label.setText(
                f"全国該当率は{rates.year_label}の全国集計結果、比較市町村は{rates.peers_label}。"
                "◎＝比較市町村の半数以上が該当。試算額＝加点×1点あたりの額（試算）。"
            )

    def _order_changed(self, index: int) -> None:
        _label, column, order = ORDERS[index]
        self.table.sortByColumn(column, order)

    def _filter_changed(self, *_args) -> None:
        self.proxy.set_text(self.search.text())
        self.proxy.set_grant(self.grant_filter.currentData())
        self.proxy.set_unanswered(self.answer_filter.currentData())
        self.proxy.set_high_share_only(self.high_share_only.isChecked())
        self.proxy.set_state_scored_too(self.state_scored_too.isChecked())
        self._update_count()

    def _update_count(self) -> None:
        total = sum(
            1
            for row in range(self.model.rowCount())
            if self.state_scored_too.isChecked() or not self.model.gap(row).state_scored
        )
        shown = self.proxy.rowCount()
        points = sum(
            self.model.gap(self.proxy.mapToSource(self.proxy.index(row, 0)).row()).gain
            for row in range(shown)
        )
        self.count_label.setText(
            f"未該当の小項目 {total}件中 {shown}件を表示（それぞれ単独で満たした場合の加点の計 +{points}点）。"
            "ダブルクリックでその小項目へ移動します。"
        )

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._activate(self.table.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def _activate(self, index: QModelIndex) -> None:
        editable = bool(index.flags() & Qt.ItemFlag.ItemIsEditable)
        if index.isValid() and not (index.column() == COL_EFFORT and editable):
            self.itemActivated.emit(self.proxy.data(index, ItemIdRole))

    def visible_item_ids(self) -> list[str]:
        """Item ids in the order shown (after filtering and sorting)."""
        return [
            self.proxy.data(self.proxy.index(row, 0), ItemIdRole)
            for row in range(self.proxy.rowCount())
        ]
