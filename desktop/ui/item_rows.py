"""One row per sub-item in the indicator panel, its widget chosen by the item's rule.

Every row is a single keyboard stop (its check boxes and radio buttons take no focus
of their own), so that answering a whole indicator needs no mouse and no Tab
through every box:

* ↑/↓ (or Tab) move between sub-items;
* a check: Space switches 未回答 → 該当 → 非該当 → 該当 …, 1 = 該当, 0 = 非該当;
* tiers/count/choice: 1…9 choose the n-th option, 0 = なし, ←/→ step, Space the next;
* Delete or Backspace clears the answer (未回答).

A check shows two boxes, 該当 and 非該当, so that 未回答 (neither ticked) stays
visibly different from 非該当. Rows only *request* an answer; the controller saves
it and the new score tree flows back through :meth:`ItemRow.show_node`.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.catalog.model import (
    ALL_OF,
    CHECK,
    CUMULATIVE_RULES,
    EXTERNAL,
    MET,
    NONE_OPTION,
    NOT_MET,
    OPTION_RULES,
    Item,
    Part,
)
from desktop.catalog.wording import (
    HINT,
    OFFICIAL,
    OWN,
    PACK,
    PASTED,
    SOURCE_EXPLANATIONS,
    SOURCE_MARKS,
    wording_for,
)
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreNode
from desktop.ui import formatting as fmt
from desktop.ui.flow_layout import FlowLayout

CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)


def digit_of(event: QKeyEvent) -> int | None:
    """The digit typed (main row or keypad; full-width digits from a Japanese IME too)."""
    text = event.text()
    if len(text) == 1:
        folded = {"０": "0", "１": "1", "２": "2", "３": "3", "４": "4", "５": "5", "６": "6"}
        text = folded.get(text, text)
        if text.isdigit():
            return int(text)
    return None


INFERRED_MARK = "推定"
INFERRED_TIP = (
    "この前提条件は、国の資料の文言ではなく、全国の該当率などから推定したものです。"
    "公式の資料で前提条件がないと分かったときは「この前提条件を適用しない」にしてください。"
)
WAIVE_TEXT = "この前提条件を適用しない"
SOURCE_COLOURS = {OFFICIAL: "GOOD", PASTED: "GOOD", PACK: "GOOD", OWN: "NEUTRAL", HINT: "MUTED"}


def wording_text(item: Item | Part, layers) -> tuple[str, bool]:
    """The text shown under a sub-item and whether it is only a reference (参考).

    ``layers``: the evaluation's TextLayers, its own summaries as a dict, or one own
    summary as a string (older callers).
    """
    if isinstance(layers, str):
        layers = {item.id: layers}
    text, source = wording_for(item, layers)
    # The 参考 mark beside the text (tooltip: not the official wording) says what the
    # long prefix used to say; the text itself stays muted so it never looks official.
    return text or "", source == HINT


def source_of(item: Item | Part, layers) -> str | None:
    if isinstance(layers, str):
        layers = {item.id: layers}
    return wording_for(item, layers)[1]


def source_badge() -> QLabel:
    """The small mark saying where a sub-item's text comes from (公式, 要旨, 参考 …)."""
    label = QLabel()
    label.setObjectName("sourceMark")
    label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def show_source(label: QLabel, source: str | None) -> None:
    if source is None:
        label.hide()
        return
    colour = getattr(fmt, SOURCE_COLOURS[source]).name()
    label.setText(SOURCE_MARKS[source])
    label.setToolTip(SOURCE_EXPLANATIONS[source])
    label.setAccessibleName(f"文言の出典: {SOURCE_MARKS[source]}")
    font_size = label.fontMetrics().height() * 0.75
    fmt.set_style(  # only when it changes: rows are refreshed after every answer
        label,
        f"QLabel#sourceMark {{ color: {colour}; border: 1px solid {colour};"
        f" border-radius: 3px; padding: 0 2px; font-size: {font_size:.0f}px; }}",
    )
    label.show()


def _muted(label: QLabel) -> QLabel:
    fmt.set_text_colour(label, fmt.MUTED)
    return label


def badge(text: str, colour: QColor) -> QLabel:
    label = QLabel(text)
    label.setObjectName("badge")
    label.setStyleSheet(
        f"QLabel#badge {{ color: {colour.name()}; border: 1px solid {colour.name()};"
        " border-radius: 3px; padding: 0 3px; }"
    )
    label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return label


class ItemRow(QFrame):
    """Common frame of a sub-item row: label, badges, controls, points, rate, wording."""

    answer_requested = Signal(str, object)  # target id, value (None = 未回答)
    move_requested = Signal(object, int)  # this row, -1 / +1
    waiver_requested = Signal(str, bool)  # item id, whether its inferred prerequisite is off
    history_requested = Signal(str)  # target id: show its change history

    def __init__(self, item: Item, node: ScoreNode, parent: QWidget | None = None):
        super().__init__(parent)
        self.item = item
        self.node = node
        self.editable = True
        self.setObjectName(f"row:{item.id}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"小項目 {item.label}")
        metrics = self.fontMetrics()
        self.label = QLabel(item.label)
        self.label.setMinimumWidth(metrics.horizontalAdvance("イ③") + metrics.averageCharWidth())
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.points_label = QLabel()
        self.points_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        most = max(item.points, 10)
        widest = f"見込み {most} / {most}点" if item.state_scored else f"{most} / {most}点"
        self.points_label.setMinimumWidth(metrics.horizontalAdvance(widest))
        self.rate_label = _muted(QLabel())
        self.rate_label.setMinimumWidth(metrics.horizontalAdvance("全国 100.0%"))
        self.rate_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.wording = QLabel()
        self.wording.setObjectName("wording")
        self.wording.setWordWrap(True)
        self.wording.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.source_mark = source_badge()
        self.note = _muted(QLabel(item.note or ""))  # the catalog's note for users
        self.note.setWordWrap(True)
        if not item.note:
            # Only ever hidden here: showing a label that has no parent yet opens it as a
            # window of its own, which takes the keyboard focus from the main window.
            self.note.hide()
        self.waive = None  # 「この前提条件を適用しない」, only for an inferred prerequisite
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setObjectName("reason")
        fmt.set_text_colour(self.reason, fmt.BLOCKED)
        self.reason.hide()
        self.series = QLabel()  # best_of: whether this series is the one that counts
        self.series.hide()

        self.controls = QHBoxLayout()
        self.controls.setSpacing(metrics.averageCharWidth() * 2)
        top = QHBoxLayout()
        top.addWidget(self.label)
        if item.state_scored:
            badge_text = fmt.EXTERNAL_BADGE if item.rule == EXTERNAL else fmt.STATE_SCORED_BADGE
            top.addWidget(badge(badge_text, fmt.ESTIMATE))
        if item.requires and item.requires_inferred:
            inferred = badge(INFERRED_MARK, fmt.MUTED)
            inferred.setObjectName("inferredMark")
            inferred.setToolTip(INFERRED_TIP)
            top.addWidget(inferred)
        top.addLayout(self.controls)
        top.addStretch(1)
        top.addWidget(self.points_label)
        top.addWidget(self.rate_label)
        body = QVBoxLayout()
        body.setContentsMargins(self.label.minimumWidth() + top.spacing(), 0, 0, 0)
        body.setSpacing(0)
        text_line = QHBoxLayout()
        text_line.setSpacing(metrics.averageCharWidth())
        text_line.addWidget(self.source_mark, 0, Qt.AlignmentFlag.AlignTop)
        text_line.addWidget(self.wording, 1)
        body.addLayout(text_line)
        body.addWidget(self.note)
        body.addWidget(self.series)
        body.addWidget(self.reason)
        if item.requires and item.requires_inferred:
            self.waive = QCheckBox(WAIVE_TEXT)
            self.waive.setObjectName("waivePrerequisite")
            self.waive.setToolTip(INFERRED_TIP)
            self.waive.clicked.connect(self._waive_clicked)
            self.take_focus_on_click(self.waive)
            body.addWidget(self.waive)
        outer = QVBoxLayout(self)
        margin = metrics.averageCharWidth()
        outer.setContentsMargins(margin, margin // 2, margin, margin // 2)
        outer.setSpacing(2)
        outer.addLayout(top)
        outer.addLayout(body)
        self.extra = QVBoxLayout()  # all-of parts
        self.extra.setContentsMargins(self.label.minimumWidth(), 0, 0, 0)
        outer.addLayout(self.extra)

    # --- showing the state --------------------------------------------------------------
    def show_node(self, node: ScoreNode, layers=None, waived: bool = False) -> None:
        self.node = node
        text, reference = wording_text(self.item, layers)
        self.wording.setText(text)
        self.wording.setVisible(bool(text))
        fmt.set_text_colour(self.wording, fmt.MUTED if reference else None)
        show_source(self.source_mark, source_of(self.item, layers))
        if self.waive is not None:
            self.waive.setChecked(waived)
        blocked = node.status == T.BLOCKED and bool(node.reason)
        self.reason.setText(f"⚠ {node.reason}" if blocked else "")
        self.reason.setVisible(blocked)
        if self.item.state_scored:
            self.points_label.setText(
                f"{fmt.ESTIMATE_MARK} {node.projected_points} / {self.item.points}点"
            )
            fmt.set_text_colour(self.points_label, fmt.ESTIMATE)
        else:
            self.points_label.setText(f"{node.points} / {self.item.points}点")
            fmt.set_text_colour(self.points_label, fmt.ITEM_STATUS_COLORS.get(node.status))
        rate = self.item.national_rate_pct
        self.rate_label.setText(f"全国 {fmt.percent(rate)}" if rate is not None else "")
        self.rate_label.setToolTip("全国該当率" if rate is not None else "")
        self.rate_label.setVisible(rate is not None)  # tiers carry their rates per option
        self.show_answer(node)

    def _waive_clicked(self, on: bool) -> None:
        if self.editable:
            self.waiver_requested.emit(self.item.id, bool(on))
        else:
            self.waive.setChecked(not on)

    def show_answer(self, node: ScoreNode) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def show_series(self, counts: bool | None) -> None:
        """best_of indicators: mark the series that counts (None: not a best_of item)."""
        if counts is None:
            self.series.hide()
            return
        self.series.setText(
            "この系列が算入されています" if counts else "算入されません（得点の高い系列だけが算入）"
        )
        fmt.set_text_colour(self.series, fmt.GOOD if counts else fmt.MUTED)
        self.series.show()

    def is_open(self) -> bool:
        """Still waiting for the user's answer (the state scores state-scored items)."""
        return not self.item.state_scored and self.node.answer is None

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for widget in self.findChildren(QWidget):
            if isinstance(widget, (QCheckBox, QRadioButton, QSpinBox)):
                widget.setEnabled(editable)
        if self.waive is not None:
            self.waive.setEnabled(editable)

    # --- talking to the controller ----------------------------------------------------------
    def request(self, target_id: str, value: str | None) -> None:
        if self.editable:
            self.answer_requested.emit(target_id, value)
        else:
            self.show_answer(self.node)  # undo the click's visual change

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Up:
            self.move_requested.emit(self, -1)
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.move_requested.emit(self, +1)
        elif key in CLEAR_KEYS:
            self.request(self.item.id, None)
        elif not self.answer_key(event):
            super().keyPressEvent(event)
            return
        event.accept()

    def answer_key(self, event: QKeyEvent) -> bool:
        """Subclasses: answer from a key; True if the key was used."""
        return False

    def contextMenuEvent(self, event) -> None:
        menu = QMenu(self)
        menu.addAction("この小項目の変更履歴…").triggered.connect(
            lambda _checked=False: self.history_requested.emit(self.target())
        )
        menu.exec(event.globalPos())

    def target(self) -> str:
        """What an answer on this row is stored under: the sub-item or its all-of part."""
        return getattr(self, "target_id", self.item.id)

    # --- focus is shown on the whole row -------------------------------------------------------
    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.hasFocus():
            painter = QPainter(self)
            fill = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            outline = QColor(fill)
            fill.setAlpha(40)
            outline.setAlpha(200)
            # A brush and drawRect, not fillRect: PySide's choice among fillRect's overloads
            # builds QGradient's type and its 170 presets (≈ 1 ms, in the first frame).
            painter.setBrush(fill)
            painter.setPen(outline)
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))

    def take_focus_on_click(self, button: QCheckBox | QRadioButton) -> None:
        """The row, not the box, keeps the keyboard focus; a click moves it to the row."""
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.pressed.connect(lambda: self.setFocus(Qt.FocusReason.MouseFocusReason))


class CheckRow(ItemRow):
    """該当 / 非該当 as two exclusive boxes; neither ticked = 未回答."""

    def __init__(self, item: Item, node: ScoreNode, parent=None, *, target: Part | None = None):
        super().__init__(item, node, parent)
        self.target_id = target.id if target is not None else item.id
        self.met = QCheckBox(MET)
        self.met.setObjectName("met")
        self.not_met = QCheckBox(NOT_MET)
        self.not_met.setObjectName("notMet")
        for box in (self.met, self.not_met):
            self.take_focus_on_click(box)
            self.controls.addWidget(box)
        self.met.clicked.connect(lambda on: self.request(self.target_id, MET if on else None))
        self.not_met.clicked.connect(
            lambda on: self.request(self.target_id, NOT_MET if on else None)
        )
        self.show_node(node)

    def current(self) -> str | None:
        return self.node.answer

    def show_answer(self, node: ScoreNode) -> None:
        self.met.setChecked(node.answer == MET)
        self.not_met.setChecked(node.answer == NOT_MET)

    def answer_key(self, event: QKeyEvent) -> bool:
        digit = digit_of(event)
        if event.key() == Qt.Key.Key_Space:
            self.request(self.target_id, NOT_MET if self.current() == MET else MET)
        elif digit == 1:
            self.request(self.target_id, MET)
        elif digit == 0:
            self.request(self.target_id, NOT_MET)
        else:
            return False
        return True


class PartRow(CheckRow):
    """One condition of an all-of item (①②③), answered on its own."""

    def __init__(self, item: Item, part: Part, node: ScoreNode, parent=None):
        self.part = part
        super().__init__(item, node, parent, target=part)
        self.setObjectName(f"row:{part.id}")
        self.note.hide()  # the item's note is on the item's own row
        self.label.setText(part.label)
        self.setAccessibleName(f"小項目 {item.label}{part.label}")
        self.points_label.hide()
        self.rate_label.hide()

    def current(self) -> str | None:
        return self._part_answer(self.node)

    def is_open(self) -> bool:
        return self.current() is None

    def _part_answer(self, node: ScoreNode) -> str | None:
        for part in node.parts or []:
            if part["id"] == self.part.id:
                return part["answer"]
        return None

    def show_node(self, node: ScoreNode, layers=None, waived: bool = False) -> None:
        self.node = node
        if isinstance(layers, str):
            layers = None  # an own summary given for the item is not the condition's
        text, reference = wording_text(self.part, layers)
        self.wording.setText(text)
        self.wording.setVisible(bool(text))
        fmt.set_text_colour(self.wording, fmt.MUTED if reference else None)
        show_source(self.source_mark, source_of(self.part, layers))
        self.show_answer(node)

    def show_answer(self, node: ScoreNode) -> None:
        answer = self._part_answer(node)
        self.met.setChecked(answer == MET)
        self.not_met.setChecked(answer == NOT_MET)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in CLEAR_KEYS:
            self.request(self.target_id, None)
            event.accept()
            return
        super().keyPressEvent(event)


class AllOfRow(ItemRow):
    """An item met only when all its parts are met: the result here, a row per part below.

    On this row 1 ticks every part 該当, 0 every part 非該当, Delete clears them all.
    """

    def __init__(self, item: Item, node: ScoreNode, parent=None):
        super().__init__(item, node, parent)
        self.result = QLabel()
        bold = self.result.font()
        bold.setBold(True)
        self.result.setFont(bold)
        self.controls.addWidget(_muted(QLabel("すべて該当で得点:")))
        self.controls.addWidget(self.result)
        self.show_node(node)

    def is_open(self) -> bool:
        return False  # its parts are the ones answered, each on its own row

    def show_answer(self, node: ScoreNode) -> None:
        answer = node.answer or "未回答"
        colour = fmt.ITEM_STATUS_COLORS.get(node.status, fmt.MUTED)
        self.result.setText(f"→ {answer}")
        fmt.set_text_colour(self.result, colour)

    def answer_key(self, event: QKeyEvent) -> bool:
        digit = digit_of(event)
        if digit == 1 or event.key() == Qt.Key.Key_Space:
            self.request(self.item.id, MET)
        elif digit == 0:
            self.request(self.item.id, NOT_MET)
        else:
            return False
        return True


class OptionRow(ItemRow):
    """Tiers, counts and choices: exactly one option, or なし; none chosen = 未回答."""

    def __init__(self, item: Item, node: ScoreNode, parent=None):
        super().__init__(item, node, parent)
        self.values: list[str] = [NONE_OPTION] + [option.label for option in item.options]
        self.buttons: dict[str, QRadioButton] = {}
        # Options wrap to the panel's width: their labels range from 「ア」 to long notes.
        self.options_box = QWidget()
        flow = FlowLayout(self.options_box)
        flow.setContentsMargins(QMargins(self.label.minimumWidth(), 0, 0, 0))
        cumulative = item.rule in CUMULATIVE_RULES
        for number, value in enumerate(self.values):
            button = QRadioButton(self._option_text(value, number, cumulative))
            button.setObjectName(f"option:{value}")
            button.setAutoExclusive(False)  # we keep exclusivity; none checked = 未回答
            self.take_focus_on_click(button)
            button.clicked.connect(
                lambda on, v=value: self.request(self.item.id, v if on else None)
            )
            option, tips = item.option(value), []
            if option is not None and option.national_rate_pct is not None:
                tips.append(f"全国該当率 {fmt.percent(option.national_rate_pct)}")
            if option is not None and INFERRED_MARK in (option.note or ""):
                tips.append(fmt.INFERRED_TIER_TIP)  # the （推定） in its text, explained
            button.setToolTip("\n".join(tips))
            self.buttons[value] = button
            flow.addWidget(button)
        self.layout().insertWidget(2, self.options_box)
        self.show_node(node)

    def _option_text(self, value: str, number: int, cumulative: bool) -> str:
        if value == NONE_OPTION:
            return f"0 {NONE_OPTION}（0点）"
        option = self.item.option(value)
        points = self.item.option_points(value)
        note = f" {option.note}" if option.note else ""
        total = f"計{points}点" if cumulative else f"{points}点"
        rate = (
            f"・{fmt.percent(option.national_rate_pct)}"
            if option.national_rate_pct is not None
            else ""
        )
        return f"{number} {value}{note}（{total}{rate}）"

    def show_answer(self, node: ScoreNode) -> None:
        for value, button in self.buttons.items():
            button.setChecked(node.answer == value)

    def answer_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        digit = digit_of(event)
        current = self.values.index(self.node.answer) if self.node.answer in self.values else -1
        if digit is not None and digit < len(self.values):
            self.request(self.item.id, self.values[digit])
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.request(self.item.id, self.values[(current + 1) % len(self.values)])
        elif key == Qt.Key.Key_Left:
            self.request(self.item.id, self.values[max(current - 1, 0)])
        else:
            return False
        return True


class ExternalRow(ItemRow):
    """Points the state notifies (or the user expects), entered as a number.

    The spin box keeps ↑/↓ for the value; Tab moves on. The value is saved when the
    field is left or Enter is pressed, not on every keystroke.
    """

    def __init__(self, item: Item, node: ScoreNode, parent=None):
        super().__init__(item, node, parent)
        self.spin = QSpinBox()
        self.spin.setObjectName("points")
        self.spin.setRange(-1, item.points)
        self.spin.setSpecialValueText("未回答")
        self.spin.setSuffix(" 点")
        self.spin.setKeyboardTracking(False)
        self.spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.spin.editingFinished.connect(self._commit)
        # room for 「未回答」 and three digits plus the arrows, whatever the font size
        self.spin.setMinimumWidth(self.fontMetrics().horizontalAdvance("未回答 000 点") + 32)
        self.controls.addWidget(self.spin)
        self.setFocusProxy(self.spin)
        self.show_node(node)

    def _commit(self) -> None:
        value = None if self.spin.value() < 0 else str(self.spin.value())
        if value != self.node.answer:
            self.request(self.item.id, value)

    def show_answer(self, node: ScoreNode) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(int(node.answer) if node.answer is not None else -1)
        self.spin.blockSignals(False)


def rows_for(item: Item, node: ScoreNode, parent=None) -> list[ItemRow]:
    """The row(s) of one sub-item: one, or the item plus one per all-of part."""
    if item.rule == CHECK:
        return [CheckRow(item, node, parent)]
    if item.rule == ALL_OF:
        head = AllOfRow(item, node, parent)
        return [head] + [PartRow(item, part, node, parent) for part in item.parts]
    if item.rule in OPTION_RULES:
        return [OptionRow(item, node, parent)]
    if item.rule == EXTERNAL:
        return [ExternalRow(item, node, parent)]
    raise ValueError(item.rule)
