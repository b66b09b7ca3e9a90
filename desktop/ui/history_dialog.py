"""編集 → 変更履歴: who changed what, when, old → new, filtered by indicator, person and day.

The rows come from :mod:`desktop.history` (Qt-free); this module only shows and filters
them. Opened for one sub-item (its row's context menu, or Ctrl+H on the row) it starts
filtered to that sub-item; 「すべて表示」 lifts that filter. A double-click goes to the
place of the change in the main window.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from desktop.history import HistoryRow, matches
from desktop.ui.filter_change import change_row_filter
from desktop.ui.guarded_combo import GuardedComboBox
from desktop.ui.row_views import read_only_rows

_NO_PARENT = QModelIndex()
COLUMNS = ("日時", "変更した人", "内容", "場所", "変更前", "変更後")
ALL = "すべて"
INDICATOR_FILTER_CHARACTERS = 24  # the filter shows this much of a title; its tooltip all


class HistoryModel(QAbstractTableModel):
    def __init__(self, rows: list[HistoryRow], parent=None):
        super().__init__(parent)
        self.rows = rows

    def rowCount(self, parent=_NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = (row.at, row.user, row.what, row.place, row.old, row.new)[index.column()]
            if role == Qt.ItemDataRole.DisplayRole:
                return " ".join(text.split())  # one line per change; the tooltip has it all
            return text
        return None


class HistoryFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.filters: dict[str, object] = {}

    def set_filter(self, name: str, value) -> None:
        change_row_filter(self, lambda: self.filters.__setitem__(name, value))

    def filterAcceptsRow(self, source_row: int, _source_parent) -> bool:
        row = self.sourceModel().rows[source_row]
        return matches(row, **{k: v for k, v in self.filters.items() if v is not None})


class HistoryDialog(QDialog):
    place_chosen = Signal(str)  # the target (or indicator) of a double-clicked change

    def __init__(
        self,
        rows: list[HistoryRow],
        indicator_names: dict[str, str],
        *,
        target: str | None = None,
        target_name: str = "",
        parent=None,
    ):
        super().__init__(parent)
        self.setWindowTitle("変更履歴")
        self.setObjectName("historyDialog")
        self.model = HistoryModel(rows, self)
        self.proxy = HistoryFilter(self)
        self.proxy.setSourceModel(self.model)

        self.indicator = GuardedComboBox()
        self.indicator.setObjectName("historyIndicator")
        # Sized to a short title, not the longest one (that made the dialog 1,600 px wide);
        # the open list is as wide as its titles, and the chosen one is in the tooltip.
        self.indicator.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.indicator.setMinimumContentsLength(INDICATOR_FILTER_CHARACTERS)
        self.indicator.addItem(f"評価指標: {ALL}", None)
        for indicator_id, name in indicator_names.items():
            if any(row.indicator_id == indicator_id for row in rows):
                self.indicator.addItem(name, indicator_id)
        self.indicator.currentIndexChanged.connect(self._indicator_chosen)
        self.indicator.view().setMinimumWidth(self.indicator.view().sizeHintForColumn(0) + 24)
        self.user = GuardedComboBox()
        self.user.setObjectName("historyUser")
        self.user.addItem(f"変更した人: {ALL}", None)
        for name in sorted({row.user for row in rows}):
            self.user.addItem(name, name)
        self.user.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter("user", self.user.currentData())
        )
        self.by_day = QCheckBox("期間")
        self.by_day.setObjectName("historyByDay")
        days = [row.day for row in rows if row.day is not None]
        first, last = (min(days), max(days)) if days else (date.today(), date.today())
        self.since = QDateEdit(QDate(first.year, first.month, first.day))
        self.until = QDateEdit(QDate(last.year, last.month, last.day))
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._apply_days)
        self.by_day.toggled.connect(self._toggle_days)

        self.target_label = QLabel()
        self.target_label.setObjectName("historyTarget")
        self.show_all = QPushButton("すべて表示")
        self.show_all.clicked.connect(lambda: self.set_target(None))

        filters = QHBoxLayout()
        filters.addWidget(self.indicator, 2)
        filters.addWidget(self.user, 1)
        filters.addWidget(self.by_day)
        filters.addWidget(self.since)
        filters.addWidget(QLabel("〜"))
        filters.addWidget(self.until)
        target_bar = QHBoxLayout()
        target_bar.addWidget(self.target_label, 1)
        target_bar.addWidget(self.show_all)

        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.proxy)
        read_only_rows(self.table)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        metrics = self.fontMetrics()
        for column, sample in enumerate(
            (
                "2026-12-02 11:25",
                "高齢福祉課 山田",
                "指標の記録（担当者）",
                None,
                "（なし）非該当",
                "（なし）非該当",
            )
        ):
            if sample is None:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        self.table.doubleClicked.connect(self._go_to)

        self.count = QLabel()
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("行をダブルクリックすると、その場所へ移動します。"), 1)
        bottom.addWidget(self.count)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(target_bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        char = metrics.horizontalAdvance("あ")
        self.resize(char * 70, metrics.lineSpacing() * 30)
        self._target_name = target_name
        self.set_target(target)

    def set_target(self, target: str | None) -> None:
        """Show only one sub-item's (or indicator's) changes, or everything (None)."""
        self.proxy.set_filter("target", target)
        shown = target is not None
        self.target_label.setText(
            f"{self._target_name} の変更だけを表示しています" if shown else ""
        )
        self.target_label.setVisible(shown)
        self.show_all.setVisible(shown)
        self._update_count()

    def _indicator_chosen(self, _index: int) -> None:
        self.indicator.setToolTip(self.indicator.currentText())
        self.proxy.set_filter("indicator", self.indicator.currentData())

    def _toggle_days(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        self._apply_days()

    def _apply_days(self, *_args) -> None:
        on = self.by_day.isChecked()
        self.proxy.set_filter("since", self.since.date().toPython() if on else None)
        self.proxy.set_filter("until", self.until.date().toPython() if on else None)
        self._update_count()

    def _update_count(self, *_args) -> None:
        self.count.setText(f"{self.proxy.rowCount()} 件 / 全 {self.model.rowCount()} 件")

    def _go_to(self, index: QModelIndex) -> None:
        row = self.model.rows[self.proxy.mapToSource(index).row()]
        if row.target:
            self.place_chosen.emit(row.target)
