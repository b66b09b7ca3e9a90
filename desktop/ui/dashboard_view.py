"""The totals dashboard view: the table plus the rate bars drawn with QPainter.

The bar shows the 見込み rate (its darker part is the self-assessed rate) against
the national average, which is a vertical tick; the colour says green (at or above
the average), amber (a little below) or red (well below).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import formatting as fmt
from desktop.ui.dashboard_model import BAR, BAR_ROLE, DashboardModel
from desktop.ui.row_views import read_only_rows


class RateBarDelegate(QStyledItemDelegate):
    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the bar is drawn instead of the text

    def paint(self, painter: QPainter, option, index) -> None:
        # The item itself first (selection, background: no text), then the bar on top.
        # Through the delegate rather than QStyle: PySide builds QStyle's enums on first
        # use (about 8 ms at start-up).
        super().paint(painter, option, index)
        self.initStyleOption(option, index)
        rate, projected, average = index.data(BAR_ROLE) or (None, None, None)
        if projected is None and rate is None:
            return
        metrics = option.fontMetrics
        margin_x = metrics.horizontalAdvance("0") // 2 + 1
        height = max(4.0, metrics.height() * 0.55)
        rect = QRectF(option.rect).adjusted(margin_x, 0, -margin_x, 0)
        track = QRectF(rect.left(), rect.center().y() - height / 2, rect.width(), height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(128, 128, 128, 45))
        painter.drawRect(track)
        colour = fmt.compare_color(projected if projected is not None else rate, average)
        if projected:
            estimate = QColor(colour)
            estimate.setAlpha(110)  # the estimated part is lighter than the self-assessed part
            painter.setBrush(estimate)
            painter.drawRect(_part(track, projected))
        if rate:
            painter.setBrush(colour)
            painter.drawRect(_part(track, rate))
        if average is not None:
            x = track.left() + track.width() * min(max(average, 0.0), 1.0)
            pen = QPen(option.palette.text().color())
            pen.setWidthF(max(1.5, metrics.height() / 9))
            painter.setPen(pen)
            painter.drawLine(x, track.top() - height * 0.35, x, track.bottom() + height * 0.35)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        width = option.fontMetrics.horizontalAdvance("0") * 12
        return QSize(width, option.fontMetrics.height() + 4)


def _part(track: QRectF, fraction: float) -> QRectF:
    fraction = min(max(fraction, 0.0), 1.0)
    return QRectF(track.left(), track.top(), track.width() * fraction, track.height())


class DashboardView(QWidget):
    """The always-visible totals: a caption and the goals × groups table."""

    def __init__(self, model: DashboardModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.table = QTableView(self)
        self.table.setObjectName("dashboardTable")
        self.table.setModel(model)
        self.table.setItemDelegateForColumn(model.column_of(BAR), RateBarDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        read_only_rows(self.table, single=True)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.legend = QLabel(
            "見込み＝自己評価＋国が算定する指標の見込み。棒の縦線は全国平均。"
            "＊は評価指標ごとの全国平均の合計。",
            self,
        )
        self.legend.setWordWrap(True)
        fmt.set_text_colour(self.legend, fmt.MUTED)
        # 「推進 1点あたり 約N千円（試算）…」 where the year's national results are imported.
        self.per_point = QLabel(self)
        self.per_point.setObjectName("perPointLabel")
        self.per_point.setWordWrap(True)
        self.per_point.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.per_point)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        model.modelReset.connect(self._fit_columns)
        self._fit_columns()

    def set_per_point(self, text: str, tooltip: str = "") -> None:
        self.per_point.setText(text)
        self.per_point.setToolTip(tooltip)
        self.per_point.setVisible(bool(text))

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        bar = self.model.column_of(BAR)
        # the bar delegate may have moved when optional columns appeared
        for column in range(self.model.columnCount()):
            self.table.setItemDelegateForColumn(column, None)
        self.table.setItemDelegateForColumn(bar, RateBarDelegate(self.table))
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("000") + 8)
        # Measured once per reset: measuring on every update (ResizeToContents) would
        # cost more than the rescoring itself, and the figures keep their width.
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            if column != bar:
                header.resizeSection(column, self._content_width(column))
        header.setSectionResizeMode(bar, QHeaderView.ResizeMode.Stretch)

    def _content_width(self, column: int) -> int:
        """The widest text of a column or its title, with the cell's margins.

        From the model's texts and the font, not resizeColumnToContents: that asks the
        model for every role of every cell through the delegate (about 3 ms when an
        evaluation is opened). The padding is an average character, more than the
        style's margins of a cell, so that no figure is ever cut.
        """
        regular = self.table.fontMetrics()
        bold_font = QFont(self.table.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        texts = self.model.column_texts(column)
        widths = ((bold if is_bold else regular).horizontalAdvance(text) for text, is_bold in texts)
        widest = max(widths, default=0)
        padding = regular.averageCharWidth() + 6
        return max(widest + padding, self.table.horizontalHeader().sectionSizeHint(column))

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("0") * 56, metrics.height() * 30)
