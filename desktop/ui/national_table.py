"""A sortable table over :class:`desktop.national.views.Table` rows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableView

from desktop.national.views import Table
from desktop.ui.row_views import read_only_rows

SortRole = Qt.ItemDataRole.UserRole + 1
MARKED = QBrush(QColor("#fde2e1"))  # the municipality itself, as in the histogram
_ROOT = QModelIndex()


class NationalTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = Table("", (), [], ())

    def set_table(self, table: Table) -> None:
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.table.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self.table.rows[index.row()][index.column()]
        numeric = self.table.numeric[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return "—"
            if isinstance(value, float):
                return f"{value:g}" if value.is_integer() else f"{value:.1f}"
            return str(value)
        if role == SortRole:
            if numeric:
                return float("-inf") if value is None else float(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.table.highlight:
            return MARKED
        if role == Qt.ItemDataRole.TextAlignmentRole and numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.table.headers[section]
        return None


def make_table_view(model: NationalTableModel, object_name: str) -> QTableView:
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    view = QTableView()
    view.setObjectName(object_name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    read_only_rows(view)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setSortIndicatorShown(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    model.modelReset.connect(lambda: fit_columns(view))
    return view


def fit_columns(view: QTableView, widest: int = 340) -> None:
    """Columns as wide as their contents (long wordings capped; the tooltip-free table
    stays readable at 1280 px)."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for column in range(header.count()):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)
