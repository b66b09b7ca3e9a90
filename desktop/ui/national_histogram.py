"""A histogram of all municipalities' totals with one municipality marked (QPainter).

QtCharts (PySide6-Addons) would add tens of MB to the build for one chart; a painted
histogram is a few dozen lines and looks the same in the window and the screenshot.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#8fb3d9")
MARK = QColor("#d9534f")
MEAN = QColor("#555555")
AXIS = QColor("#444444")


class HistogramWidget(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("nationalHistogram")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.values: list[float] = []
        self.marked: float | None = None
        self.mean: float | None = None
        self.maximum = 800
        self.bin_width = 20
        self.caption = ""

    def sizeHint(self) -> QSize:
        return QSize(520, 220)

    def set_data(self, values, *, marked=None, mean=None, maximum=800, caption="") -> None:
        self.values = list(values)
        self.marked, self.mean, self.maximum, self.caption = marked, mean, maximum, caption
        self.update()

    def bins(self) -> list[int]:
        count = max(1, -(-self.maximum // self.bin_width))
        bins = [0] * count
        for value in self.values:
            bins[min(count - 1, max(0, int(value // self.bin_width)))] += 1
        return bins

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        left, right, top = 40, 12, 10 + metrics.height()
        bottom = 8 + metrics.height() * 2
        area = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        if area.width() <= 0 or area.height() <= 0:
            return
        painter.setPen(AXIS)
        if self.caption:
            painter.drawText(QRectF(left, 2, area.width(), metrics.height()), self.caption)
        bins = self.bins()
        peak = max(bins) or 1
        step = area.width() / len(bins)
        mark_bin = (
            None if self.marked is None else min(len(bins) - 1, int(self.marked // self.bin_width))
        )
        for i, count in enumerate(bins):
            height = area.height() * count / peak
            rect = QRectF(area.left() + i * step + 1, area.bottom() - height, step - 2, height)
            painter.fillRect(rect, MARK if i == mark_bin else BAR)
        painter.setPen(AXIS)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.drawLine(area.bottomLeft(), area.topLeft())
        painter.drawText(
            QRectF(0, area.top() - metrics.height() / 2, left - 4, metrics.height()),
            Qt.AlignmentFlag.AlignRight,
            f"{peak}",
        )
        for tick in range(0, self.maximum + 1, 100):
            x = area.left() + area.width() * tick / self.maximum
            painter.drawLine(int(x), int(area.bottom()), int(x), int(area.bottom() + 4))
            painter.drawText(
                QRectF(x - 30, area.bottom() + 4, 60, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter,
                f"{tick}",
            )
        label_y = area.bottom() + 4 + metrics.height()
        if self.mean is not None:
            x = area.left() + area.width() * self.mean / self.maximum
            painter.setPen(QPen(MEAN, 1, Qt.PenStyle.DashLine))
            painter.drawLine(int(x), int(area.top()), int(x), int(area.bottom()))
            painter.drawText(
                QRectF(x + 4, area.top(), 140, metrics.height()), f"全国平均 {self.mean:.1f}点"
            )
        if self.marked is not None:
            x = area.left() + area.width() * self.marked / self.maximum
            painter.setPen(QPen(MARK, 2))
            painter.drawLine(int(x), int(area.top()), int(x), int(area.bottom()))
            painter.drawText(
                QRectF(x - 80, label_y, 160, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter,
                f"▲ {self.marked:g}点",
            )
        painter.end()
