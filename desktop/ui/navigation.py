"""The left pane: the filter bar and the navigation tree (through the filter proxy)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.scoring import tree as T
from desktop.ui.guarded_combo import GuardedComboBox
from desktop.ui.row_views import read_only_rows
from desktop.ui.tree_filter import ScoreFilterProxy
from desktop.ui.tree_model import (
    COL_DONE,
    COL_NAME,
    COL_SCORE,
    COL_STATUS,
    LEVEL_ROLE,
    NODE_ID_ROLE,
    ScoreTreeModel,
)

ALL_SECTIONS = "担当課: すべて"


class NavigationPane(QWidget):
    indicator_chosen = Signal(str)  # the current row became this indicator
    assign_requested = Signal(str)  # 担当課・担当者をまとめて設定 for a goal, group or indicator
    enter_requested = Signal(str)  # Enter, click or search hit on an indicator: to its sub-items

    def __init__(self, model: ScoreTreeModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.proxy = ScoreFilterProxy(self)
        self.proxy.setSourceModel(model)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("検索（題名・小項目・自分の文言）  Ctrl+F")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._search_entered)
        self.unanswered = QCheckBox("未回答のみ")
        self.unanswered.setObjectName("filterUnanswered")
        self.lost = QCheckBox("減点あり")
        self.lost.setObjectName("filterLost")
        self.lost.setToolTip("回答した小項目のうち、得点が配点に届かないものがある評価指標")
        self.carried = QCheckBox("引継ぎ・要確認")
        self.carried.setObjectName("filterCarried")
        self.carried.setToolTip("前年度から引き継いだまま、まだ確認していない回答がある評価指標")
        self.section = GuardedComboBox()
        self.section.setObjectName("filterSection")
        self.section.addItem(ALL_SECTIONS, "")
        self.clear_button = QPushButton("解除")
        self.clear_button.setToolTip("絞り込みと検索をすべて解除")
        self.unanswered.toggled.connect(lambda on: self._apply(self.proxy.set_unanswered_only, on))
        self.lost.toggled.connect(lambda on: self._apply(self.proxy.set_lost_points_only, on))
        self.carried.toggled.connect(lambda on: self._apply(self.proxy.set_carried_only, on))
        self.section.currentIndexChanged.connect(
            lambda _i: self._apply(self.proxy.set_section, self.section.currentData())
        )
        self.clear_button.clicked.connect(self.clear_filters)

        self.view = QTreeView()
        self.view.setObjectName("navigationTree")
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        read_only_rows(self.view, single=True)
        self.view.setAllColumnsShowFocus(True)
        self.view.setIndentation(self.fontMetrics().averageCharWidth() * 2)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        # Widths from the font, not ResizeToContents: that would measure every row again
        # on each answer (dozens of milliseconds), and the figures never get wider than this.
        metrics = self.fontMetrics()
        padding = metrics.averageCharWidth()
        for column, widest in (
            (COL_SCORE, "見込100/100"),
            (COL_DONE, "見込15/15"),
            (COL_STATUS, "確認待ち"),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(widest) + padding)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.activated.connect(self._activated)
        # A click on an indicator is a choice: answering can start at once by keyboard.
        self.view.clicked.connect(self._activated)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        model.modelReset.connect(self._after_reset)

        filters = QGridLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.search, 0, 0, 1, 4)
        filters.addWidget(self.unanswered, 1, 0)
        filters.addWidget(self.lost, 1, 1)
        filters.addWidget(self.carried, 1, 2)
        filters.addWidget(self.section, 2, 0, 1, 3)
        filters.addWidget(self.clear_button, 2, 3)
        layout = QVBoxLayout(self)
        margin = self.fontMetrics().averageCharWidth() // 2
        layout.setContentsMargins(margin, margin, 0, margin)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)

    def sizeHint(self) -> QSize:
        # Wide enough for a few words of an indicator's title beside its three figures.
        char = self.fontMetrics().horizontalAdvance("あ")
        return QSize(char * 29, super().sizeHint().height())

    # --- filters ------------------------------------------------------------------------
    def _apply(self, setter, value) -> None:
        setter(value)
        self._expand_for_filter()

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search_text(text)
        self._expand_for_filter()

    def _search_entered(self) -> None:
        """Enter in the search box: open the first indicator that matches."""
        first = self._first_indicator(QModelIndex())
        if first.isValid():
            self.view.setCurrentIndex(first)
            self.enter_requested.emit(first.data(NODE_ID_ROLE))  # straight to its sub-items

    def _first_indicator(self, parent: QModelIndex) -> QModelIndex:
        for row in range(self.proxy.rowCount(parent)):
            index = self.proxy.index(row, 0, parent)
            if index.data(LEVEL_ROLE) == T.INDICATOR:
                return index
            found = self._first_indicator(index)
            if found.isValid():
                return found
        return QModelIndex()

    def _expand_for_filter(self) -> None:
        if self.proxy.active:
            self.view.expandAll()
        self.clear_button.setEnabled(self.proxy.active)

    def clear_filters(self) -> None:
        for box in (self.unanswered, self.lost, self.carried):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self.section.blockSignals(True)
        self.section.setCurrentIndex(0)
        self.section.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.proxy.clear_filters()
        self.clear_button.setEnabled(False)

    def set_sections(self, sections: list[str]) -> None:
        """The 担当課 choices: the sections entered so far."""
        current = self.section.currentData()
        self.section.blockSignals(True)
        self.section.clear()
        self.section.addItem(ALL_SECTIONS, "")
        for name in sections:
            self.section.addItem(f"担当課: {name}", name)
        index = self.section.findData(current)
        self.section.setCurrentIndex(max(index, 0))
        self.section.blockSignals(False)
        if current and index < 0:  # the chosen section no longer exists
            self.proxy.set_section(None)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- selection --------------------------------------------------------------------------
    def _after_reset(self) -> None:
        self.view.expandToDepth(1)  # grants and goals open: the groups are visible
        self._expand_for_filter()

    def select(self, node_id: str) -> bool:
        """Make a node (usually an indicator) current, clearing filters that hide it."""
        source = self.model.index_of(node_id)
        if not source.isValid():
            return False
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            self.clear_filters()
            index = self.proxy.mapFromSource(source)
        parent = index.parent()
        while parent.isValid():
            self.view.expand(parent)
            parent = parent.parent()
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def current_node_id(self) -> str | None:
        index = self.view.currentIndex()
        return index.data(NODE_ID_ROLE) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.data(LEVEL_ROLE) == T.INDICATOR:
            node_id = current.data(NODE_ID_ROLE)
            self.indicator_chosen.emit(node_id)
            self.proxy.set_pinned(node_id)

    def _context_menu(self, position) -> None:
        index = self.view.indexAt(position)
        if not index.isValid():
            return
        node_id = index.data(NODE_ID_ROLE)
        menu = QMenu(self)
        menu.addAction("担当課・担当者をまとめて設定…").triggered.connect(
            lambda _checked=False: self.assign_requested.emit(node_id)
        )
        menu.exec(self.view.viewport().mapToGlobal(position))

    def _activated(self, index: QModelIndex) -> None:
        if index.data(LEVEL_ROLE) == T.INDICATOR:
            self.enter_requested.emit(index.data(NODE_ID_ROLE))
