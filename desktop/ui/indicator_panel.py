"""The centre of the window: one indicator, its sub-items and its record.

Built afresh when another indicator is chosen (a few dozen widgets); after each
answer only the rows' states are refreshed, so the keyboard focus stays put.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.catalog.model import COMBINE_BEST_OF, Catalog, Frame, Indicator
from desktop.catalog.wording import own_summaries
from desktop.records import Attachment, IndicatorNote
from desktop.scoring.tree import ScoreNode, ScoreTree
from desktop.ui import formatting as fmt
from desktop.ui.item_rows import ItemRow, PartRow, rows_for
from desktop.ui.notes_form import NotesForm


def breadcrumb(catalog: Catalog, indicator_id: str) -> str:
    """「努力支援交付金 › 目標Ⅲ › 体制・取組指標群」 for an indicator."""
    group = catalog.group_of(indicator_id)
    if isinstance(group, Frame):
        return f"{group.name}〔{fmt.OUTSIDE_TOTAL_MARK}・{catalog.total_max}点の外〕"
    goal = catalog.goal_of(group.id)
    if goal is None:
        return group.name
    if catalog.common is not None and goal.id == catalog.common.id:
        return f"{goal.label}（両交付金に共通） › {group.name}"
    grant = next((g for g in catalog.grants if goal in g.goals), None)
    grant_name = grant.short_name if grant else ""
    return f"{grant_name} › {goal.label} › {group.name}"


class IndicatorPanel(QWidget):
    answer_requested = Signal(str, object)  # target id, value
    note_edited = Signal(str, str, str)  # indicator id, field, value
    wording_edited = Signal(str, str)  # item id, text
    attachment_action = Signal(
        str, str, object
    )  # action (add/export/open/remove), indicator, attachment
    leave_requested = Signal()  # Esc: back to the navigation tree
    paste_requested = Signal(str)  # indicator id: 「公式文言を貼り付け」
    waiver_requested = Signal(str, bool)  # item id, inferred prerequisite switched off
    end_reached = Signal()  # ↓ or Enter on the last sub-item: on to the next indicator
    history_requested = Signal(str)  # a sub-item's (or part's) id: show its change history

    def __init__(self, parent=None):
        super().__init__(parent)
        self.catalog: Catalog | None = None
        self.indicator: Indicator | None = None
        self.rows: list[ItemRow] = []
        self.editable = True
        self.layers = None  # the evaluation's TextLayers (official copies, own summaries)
        self.waived: set[str] = set()

        self.place = QLabel()
        self.place.setObjectName("breadcrumb")
        fmt.set_text_colour(self.place, fmt.MUTED)
        self.title = QLabel()
        self.title.setObjectName("indicatorTitle")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figures = QLabel()
        self.figures.setObjectName("indicatorFigures")
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.combine_note = QLabel()
        self.combine_note.setWordWrap(True)
        fmt.set_text_colour(self.combine_note, fmt.ESTIMATE)
        self.combine_note.hide()
        self.notes_line = QLabel()  # the catalog's user note on the indicator
        self.notes_line.setWordWrap(True)
        fmt.set_text_colour(self.notes_line, fmt.MUTED)
        self.notes_line.hide()

        header = QWidget()
        header_layout = QVBoxLayout(header)
        margin = self.fontMetrics().averageCharWidth()
        header_layout.setContentsMargins(margin, margin, margin, margin // 2)
        header_layout.setSpacing(2)
        self.paste_button = QPushButton("公式文言を貼り付け…")
        self.paste_button.setObjectName("pasteWording")
        self.paste_button.setToolTip(
            "国の評価指標（PDF・Excel）からこの評価指標の部分をコピーして貼り付けると、"
            "小項目ごとに分けて公式文言として保存します。"
        )
        self.paste_button.clicked.connect(self._paste)
        place_line = QHBoxLayout()
        place_line.setContentsMargins(0, 0, 0, 0)
        place_line.addWidget(self.place, 1)
        place_line.addWidget(self.paste_button)
        header_layout.addLayout(place_line)
        for widget in (self.title, self.figures, self.combine_note):
            header_layout.addWidget(widget)

        self.items_box = QVBoxLayout()
        self.items_box.setSpacing(0)
        self.notes = NotesForm()
        self.notes.field_edited.connect(self._note_edited)
        self.notes.wording_edited.connect(self.wording_edited)
        self.notes.attachment_add.connect(lambda: self._attachment("add", None))
        self.notes.attachment_export.connect(lambda a: self._attachment("export", a))
        self.notes.attachment_open.connect(lambda a: self._attachment("open", a))
        self.notes.attachment_remove.connect(lambda a: self._attachment("remove", a))
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)

        self.empty = QLabel("左の一覧から評価指標を選んでください。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        fmt.set_text_colour(self.empty, fmt.MUTED)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(margin, 0, margin, margin)
        content_layout.addLayout(self.items_box)
        content_layout.addWidget(self.notes_line)  # below the items: long notes never crowd them
        content_layout.addWidget(line)
        content_layout.addWidget(self.notes)
        content_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.empty, 1)
        self.header = header
        self._show_empty(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self.leave_requested)

    # --- choosing the indicator ---------------------------------------------------------------
    def clear(self) -> None:
        self.notes.commit_pending()
        self._drop_rows()
        self.indicator = None
        self._show_empty(True)

    def _show_empty(self, empty: bool) -> None:
        self.header.setVisible(not empty)
        self.scroll.setVisible(not empty)
        self.empty.setVisible(empty)

    def show_indicator(
        self,
        catalog: Catalog,
        indicator_id: str,
        tree: ScoreTree,
        note: IndicatorNote,
        wordings: dict[str, str],
        attachments: list[Attachment],
        sections: list[str],
    ) -> None:
        if self.indicator is not None:
            self.notes.commit_pending()  # what was typed belongs to the previous indicator
        # The focused row is about to be deleted; without a new focus the next keys
        # (1, 0, Enter) would go nowhere.
        had_focus = self.isAncestorOf(QApplication.focusWidget())
        self.catalog = catalog
        self.indicator = catalog.indicator(indicator_id)
        self._drop_rows()
        node = tree.node(indicator_id)
        for item_node in node.children:
            for row in rows_for(item_node.source, item_node):
                row.answer_requested.connect(self.answer_requested)
                row.waiver_requested.connect(self.waiver_requested)
                row.move_requested.connect(self._move)
                row.history_requested.connect(self.history_requested)
                row.set_editable(self.editable)
                self.items_box.addWidget(row)
                row.show()  # at once, not on the next event loop turn: focus can move to it now
                self.rows.append(row)
        self.place.setText(breadcrumb(catalog, indicator_id))
        self.title.setText(f"{self.indicator.number}. {self.indicator.title}")
        user_note = self.indicator.note  # never the provenance: that is for maintainers
        self.notes_line.setText(f"補足: {user_note}" if user_note else "")
        self.notes_line.setVisible(bool(user_note))
        self.notes.show_indicator(
            self.indicator, note, own_summaries(wordings), attachments, sections
        )
        self.update_tree(tree, wordings)
        self._show_empty(False)
        # From its top. (Not through the scroll bar: its type, built on first use, is not
        # needed for the first frame; desktop/ui/__init__.py.)
        self.scroll.ensureVisible(0, 0, 0, 0)
        if had_focus:
            self.focus_first_open_row()

    def _drop_rows(self) -> None:
        for row in self.rows:
            row.hide()
            row.setParent(None)
            row.deleteLater()
        self.rows = []

    # --- refreshing -----------------------------------------------------------------------------
    def update_tree(self, tree: ScoreTree, wordings=None, waived: set[str] | None = None) -> None:
        """``wordings``: the evaluation's TextLayers (or its own summaries as a dict)."""
        if wordings is not None:
            self.layers = wordings
        if waived is not None:
            self.waived = set(waived)
        if self.indicator is None:
            return
        node = tree.node(self.indicator.id)
        items = {child.id: child for child in node.children}
        counting = self._counting_item(node)
        for row in self.rows:
            item_node = items[row.item.id]
            row.show_node(item_node, self.layers, row.item.id in self.waived)
            if not isinstance(row, PartRow):
                row.show_series(None if counting is False else row.item.id == counting)
        self.figures.setText(self._figures(node))
        self._show_combine_note(node, counting)

    def update_note(self, note: IndicatorNote) -> None:
        self.notes.show_note(note)

    def update_wordings(self, tree: ScoreTree, wordings) -> None:
        self.notes.show_wordings(own_summaries(wordings))
        self.update_tree(tree, wordings)

    def update_attachments(self, attachments: list[Attachment]) -> None:
        self.notes.show_attachments(attachments)

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for row in self.rows:
            row.set_editable(editable)
        self.notes.set_editable(editable)
        self.paste_button.setEnabled(editable)

    def _figures(self, node: ScoreNode) -> str:
        parts = [f"配点 <b>{node.max_points}点</b>"]
        if fmt.is_state_scored_node(node):
            parts.append(
                f"<span style='color:{fmt.ESTIMATE.name()}'>{fmt.ESTIMATE_MARK}"
                f" <b>{node.projected_points}点</b>（国が算定）</span>"
            )
        else:
            parts.append(f"得点 <b>{node.points}点</b>")
            if node.projected_points != node.points:
                parts.append(
                    f"<span style='color:{fmt.ESTIMATE.name()}'>{fmt.ESTIMATE_MARK}"
                    f" {node.projected_points}点</span>"
                )
        if node.national_avg_points is not None:
            parts.append(f"全国平均 {fmt.points(node.national_avg_points)}点")
        done = fmt.completion_long(node)
        if done:
            parts.append(done)
        return "　・　".join(parts)

    def _counting_item(self, node: ScoreNode) -> str | bool | None:
        """best_of: the id of the series that counts (None if none scores); False otherwise."""
        if self.indicator is None or self.indicator.combine != COMBINE_BEST_OF:
            return False
        best = max(node.children, key=lambda c: c.projected_points, default=None)
        if best is None or best.projected_points <= 0:
            return None
        return best.id

    def _show_combine_note(self, node: ScoreNode, counting) -> None:
        if counting is False:
            self.combine_note.hide()
            return
        labels = "・".join(child.label for child in node.children)
        text = (
            f"この指標は {labels} の系列のうち、得点の高い系列だけが算入されます（合計しません）。"
        )
        if counting:
            label = next(child.label for child in node.children if child.id == counting)
            text += f" 現在は {label} の系列が算入されています。"
        self.combine_note.setText(text)
        self.combine_note.show()

    # --- keyboard -------------------------------------------------------------------------------
    def focus_first_row(self) -> bool:
        if self.rows:
            self.rows[0].setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(self.rows[0])
            return True
        return False

    def focus_first_open_row(self) -> bool:
        """Focus the first sub-item still to be answered (the first row if none is)."""
        row = next((row for row in self.rows if row.is_open()), None)
        if row is None:
            return self.focus_first_row()
        row.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll.ensureWidgetVisible(row)
        return True

    def focus_target(self, target_id: str) -> bool:
        """Focus the row of a sub-item or an all-of part; True if found."""
        for row in self.rows:
            row_target = row.part.id if isinstance(row, PartRow) else row.item.id
            if row_target == target_id:
                row.setFocus(Qt.FocusReason.OtherFocusReason)
                self.scroll.ensureWidgetVisible(row)
                return True
        return False

    def row_for(self, target_id: str) -> ItemRow | None:
        for row in self.rows:
            row_target = row.part.id if isinstance(row, PartRow) else row.item.id
            if row_target == target_id:
                return row
        return None

    def _move(self, row: ItemRow, delta: int) -> None:
        position = self.rows.index(row) + delta
        if 0 <= position < len(self.rows):
            target = self.rows[position]
            target.setFocus(Qt.FocusReason.TabFocusReason)
            self.scroll.ensureWidgetVisible(target)
        elif position >= len(self.rows):
            # Never into the record below: a stray ↓ there once changed its 状況.
            self.end_reached.emit()

    # --- forwarding edits with the indicator they belong to ----------------------------------------
    def _note_edited(self, field: str, value: str) -> None:
        if self.indicator is not None:
            self.note_edited.emit(self.indicator.id, field, value)

    def _paste(self) -> None:
        if self.indicator is not None:
            self.paste_requested.emit(self.indicator.id)

    def _attachment(self, action: str, attachment: Attachment | None) -> None:
        if self.indicator is not None:
            self.attachment_action.emit(action, self.indicator.id, attachment)
