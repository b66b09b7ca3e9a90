"""The import preview: what a workbook would change, its conflicts, or why it cannot be read.

The dialog only shows and collects decisions; :mod:`desktop.ui.workbook_actions`
runs the import. For every conflict the user must pick ブックの値 or 評価ファイルの値
before 取り込む is enabled: nothing is decided for them.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.scoring.effect import ScoreEffect, signed
from desktop.ui.guarded_combo import GuardedComboBox
from desktop.ui.row_views import read_only_rows
from desktop.workbook.importer import (
    FIELD_ANSWER,
    PREFER_DATABASE,
    PREFER_LABELS,
    PREFER_WORKBOOK,
    ImportPreview,
    PendingChange,
)

UNDECIDED_LABEL = "選んでください"
CHOICES = (PREFER_WORKBOOK, PREFER_DATABASE)
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invalid index: "the table itself" (never changed)


class ChangesModel(QAbstractTableModel):
    """The changes an import would make, one per row (read only)."""

    HEADERS = (
        "シート・行",
        "小項目・評価指標",
        "項目",
        "現在の値",
        "取込後の値",
        "得点",
        "最終変更者",
    )
    COLUMN_COUNT = len(HEADERS)
    COL_POINTS = 5

    def __init__(self, changes: list[PendingChange], parent=None):
        super().__init__(parent)
        self._changes = list(changes)
        self.deltas: dict[str, str] = {}  # change key → 「+4点」 (answers that move points)

    def set_deltas(self, deltas: dict[str, str]) -> None:
        self.deltas = deltas
        if self._changes:
            column = self.COL_POINTS
            self.dataChanged.emit(self.index(0, column), self.index(len(self._changes) - 1, column))

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._changes)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def change(self, row: int) -> PendingChange:
        return self._changes[row]

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        change = self._changes[index.row()]
        values = (
            f"{change.sheet} {change.row}行目",
            _subject(change),
            change.field_label,
            change.show(change.database),
            change.show(change.workbook),
            self.deltas.get(change.key, ""),
            change.last_changed,
        )
        return values[index.column()]


class ConflictsModel(QAbstractTableModel):
    """Conflicts with the user's choice per row (the last column is editable)."""

    HEADERS = (
        "シート・行",
        "小項目・評価指標",
        "項目",
        "出力時の値",
        "評価ファイルの値（変更者）",
        "ブックの値",
        "使う値",
    )
    COL_CHOICE = len(HEADERS) - 1
    decisionsChanged = Signal()

    def __init__(self, conflicts: list[PendingChange], parent=None):
        super().__init__(parent)
        self._conflicts = list(conflicts)
        self._decisions: dict[str, str] = {}

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._conflicts)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def flags(self, index: _Index):
        base = super().flags(index)
        if index.isValid() and index.column() == self.COL_CHOICE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        conflict = self._conflicts[index.row()]
        choice = self._decisions.get(conflict.key)
        if index.column() == self.COL_CHOICE:
            if role == Qt.ItemDataRole.EditRole:
                return choice or ""
            if role == Qt.ItemDataRole.DisplayRole:
                return PREFER_LABELS.get(choice, UNDECIDED_LABEL)
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        values = (
            f"{conflict.sheet} {conflict.row}行目",
            _subject(conflict),
            conflict.field_label,
            conflict.show(conflict.exported),
            f"{conflict.show(conflict.database)}（{conflict.last_changed}）",
            conflict.show(conflict.workbook),
        )
        return values[index.column()]

    def setData(self, index: _Index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != self.COL_CHOICE
            or role != Qt.ItemDataRole.EditRole
        ):
            return False
        key = self._conflicts[index.row()].key
        if value in CHOICES:
            self._decisions[key] = value
        else:
            self._decisions.pop(key, None)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.decisionsChanged.emit()
        return True

    def choose_all(self, choice: str) -> None:
        for row in range(self.rowCount()):
            self.setData(self.index(row, self.COL_CHOICE), choice)

    def decisions(self) -> dict[str, str]:
        return dict(self._decisions)

    def all_decided(self) -> bool:
        return all(c.key in self._decisions for c in self._conflicts)


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down in the 使う値 column: 選んでください / ブックの値 / 評価ファイルの値."""

    def createEditor(self, parent, option, index):
        combo = GuardedComboBox(parent)  # a stray ↓ must not decide a conflict
        combo.addItem(UNDECIDED_LABEL, "")
        for choice in CHOICES:
            combo.addItem(PREFER_LABELS[choice], choice)
        # Commit at once, so 取り込む is enabled as soon as the last conflict is decided.
        combo.currentIndexChanged.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        position = editor.findData(value)
        if position >= 0 and position != editor.currentIndex():
            editor.blockSignals(True)
            editor.setCurrentIndex(position)
            editor.blockSignals(False)

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ImportPreviewDialog(QDialog):
    """Shows a preview; accepted only when it has no problems and every conflict is decided."""

    def __init__(self, preview: ImportPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle("ブックの取込 — 変更内容の確認")
        self.resize(1000, 600)
        layout = QVBoxLayout(self)
        title = QLabel(f"取込: {preview.describe()}")
        title.setWordWrap(True)
        layout.addWidget(title)
        for warning in preview.warnings:
            note = QLabel(f"注意: {warning}")
            note.setWordWrap(True)
            layout.addWidget(note)
        self.changes_model = ChangesModel(preview.changes, self)
        self.conflicts_model = ConflictsModel(preview.conflicts, self)
        self.effect_label = QLabel()  # totals before → after, with the conflicts as decided
        self.effect_label.setObjectName("importEffect")
        self.effect_label.setWordWrap(True)
        self.changes_view: QTableView | None = None
        self.conflicts_view: QTableView | None = None
        self.error_list: QListWidget | None = None
        self.buttons = QDialogButtonBox(self)
        if preview.errors:
            self._build_errors(layout)
        else:
            self._build_changes(layout)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._update_ok()

    # --- layout -----------------------------------------------------------------------------
    def _build_errors(self, layout: QVBoxLayout) -> None:
        message = QLabel(
            f"このブックには {len(self.preview.errors)} 件の問題があるため取り込めません。"
            "評価ファイルは変更していません。ブックを直すか、出力し直してください。"
        )
        message.setWordWrap(True)
        layout.addWidget(message)
        self.error_list = QListWidget(self)
        self.error_list.addItems([str(problem) for problem in self.preview.errors])
        self.error_list.setWordWrap(True)
        layout.addWidget(self.error_list, 1)
        self.buttons.addButton("閉じる", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button = None

    def _build_changes(self, layout: QVBoxLayout) -> None:
        if self.preview.is_empty:
            layout.addWidget(
                QLabel("取り込む変更はありません（ブックの内容は評価ファイルと同じです）。")
            )
        layout.addWidget(QLabel(f"変更 {len(self.preview.changes)} 件"))
        layout.addWidget(self.effect_label)
        self._show_effect()
        self.conflicts_model.decisionsChanged.connect(self._show_effect)
        self.changes_view = self._table(self.changes_model)
        layout.addWidget(self.changes_view, 2)
        if self.preview.conflicts:
            explanation = QLabel(
                f"競合 {len(self.preview.conflicts)} 件: 出力した後に評価ファイルでも変更された値です。"
                "行ごとに、使う値（ブックの値／評価ファイルの値）を選んでください。"
            )
            explanation.setWordWrap(True)
            layout.addWidget(explanation)
            self.conflicts_view = self._table(self.conflicts_model)
            self.conflicts_view.setItemDelegateForColumn(
                ConflictsModel.COL_CHOICE, ChoiceDelegate(self.conflicts_view)
            )
            self.conflicts_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
            for row in range(self.conflicts_model.rowCount()):
                self.conflicts_view.openPersistentEditor(
                    self.conflicts_model.index(row, ConflictsModel.COL_CHOICE)
                )
            layout.addWidget(self.conflicts_view, 1)
            shortcuts = QHBoxLayout()
            all_workbook = QPushButton("すべてブックの値にする")
            all_workbook.clicked.connect(lambda: self._choose_all(PREFER_WORKBOOK))
            all_database = QPushButton("すべて評価ファイルの値にする")
            all_database.clicked.connect(lambda: self._choose_all(PREFER_DATABASE))
            shortcuts.addWidget(all_workbook)
            shortcuts.addWidget(all_database)
            shortcuts.addStretch(1)
            layout.addLayout(shortcuts)
            self.conflicts_model.decisionsChanged.connect(self._update_ok)
        self.ok_button = self.buttons.addButton("取り込む", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("キャンセル", QDialogButtonBox.ButtonRole.RejectRole)

    def _table(self, model) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        read_only_rows(view)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # 小項目・評価指標
        header.setStretchLastSection(False)
        view.setWordWrap(True)
        return view

    # --- behaviour -------------------------------------------------------------------------------
    def _choose_all(self, choice: str) -> None:
        self.conflicts_model.choose_all(choice)
        if self.conflicts_view is not None:
            # Persistent editors show the model's value again.
            for row in range(self.conflicts_model.rowCount()):
                index = self.conflicts_model.index(row, ConflictsModel.COL_CHOICE)
                self.conflicts_view.closePersistentEditor(index)
                self.conflicts_view.openPersistentEditor(index)

    def _update_ok(self) -> None:
        if self.ok_button is None:
            return
        ready = not self.preview.is_empty and self.conflicts_model.all_decided()
        self.ok_button.setEnabled(ready)
        if self.preview.conflicts and not self.conflicts_model.all_decided():
            self.ok_button.setToolTip("すべての競合で使う値を選ぶと取り込めます")
        else:
            self.ok_button.setToolTip("")

    def decisions(self) -> dict[str, str]:
        return self.conflicts_model.decisions()

    def _show_effect(self) -> None:
        """What the import would do to the totals, before anything is written."""
        effect = score_effect(self.preview, self.conflicts_model.decisions())
        if effect is None:
            self.effect_label.hide()
            return
        catalog = self.preview.session.catalog
        deltas = {}
        for change in self.preview.changes:
            if change.field == FIELD_ANSWER:
                delta = effect.item_delta(catalog, change.target)
                deltas[change.key] = f"{signed(delta)}点" if delta else "±0"
        self.changes_model.set_deltas(deltas)
        lines = [f"取り込むと: {effect.total_line()}", *effect.grant_lines()]
        self.effect_label.setText("\n".join(lines))
        self.effect_label.show()


def score_effect(preview: ImportPreview, decisions: dict[str, str]) -> ScoreEffect | None:
    """Totals before and after the answers this import would write (None: no answers)."""
    values = {c.target: c.workbook for c in preview.changes if c.field == FIELD_ANSWER}
    for conflict in preview.conflicts:
        if conflict.field == FIELD_ANSWER and decisions.get(conflict.key) == PREFER_WORKBOOK:
            values[conflict.target] = conflict.workbook
    if not values:
        return None
    session = preview.session
    try:
        return ScoreEffect(session.score(), session.score_with(values))
    except (KeyError, ValueError):  # the preview refuses such values itself
        return None


def _subject(change: PendingChange) -> str:
    """The part of ``where`` after the sheet name: 目標Ⅰ 体制・取組指標群 1-ア."""
    prefix = f"{change.sheet} "
    return change.where[len(prefix) :] if change.where.startswith(prefix) else change.where
