"""The indicator's record below its sub-items: status, section, person, memo, evidence,
attachments, and the user's own wording for sub-items that lack official text.

Text fields are saved when they are left (or Enter in a one-line field), never per
keystroke: each save is one action and one undo step. The form only reports edits;
the controller saves them and sends the stored values back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.attachment_files import visible_text
from desktop.catalog.model import Indicator
from desktop.records import INDICATOR_STATUSES, Attachment, IndicatorNote
from desktop.ui import formatting as fmt
from desktop.ui.guarded_combo import GuardedComboBox


class CommitTextEdit(QPlainTextEdit):
    """A multi-line field that reports its text once, when it loses the focus."""

    committed = Signal(str)

    def __init__(self, lines: int, parent=None):
        super().__init__(parent)
        self._saved = ""
        self.setTabChangesFocus(True)  # Tab moves on, as in the rest of the form
        height = self.fontMetrics().lineSpacing() * lines + self.frameWidth() * 2 + 8
        self.setFixedHeight(height)

    def set_saved_text(self, text: str) -> None:
        self._saved = text or ""
        if self.toPlainText() != self._saved:
            self.setPlainText(self._saved)

    def commit(self) -> None:
        if self.toPlainText() != self._saved:
            self.committed.emit(self.toPlainText())

    def focusOutEvent(self, event) -> None:
        self.commit()
        super().focusOutEvent(event)


class CommitLineEdit(QLineEdit):
    """A one-line field that reports its text on Enter or when it is left, if changed."""

    committed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._saved = ""
        self.editingFinished.connect(self.commit)

    def set_saved_text(self, text: str) -> None:
        self._saved = text or ""
        if self.text() != self._saved:
            self.setText(self._saved)

    def commit(self) -> None:
        if self.text().strip() != self._saved.strip():
            self.committed.emit(self.text().strip())


class NotesForm(QWidget):
    field_edited = Signal(str, str)  # field name (memo, evidence, …), value
    wording_edited = Signal(str, str)  # item id, text
    attachment_add = Signal()
    attachment_export = Signal(object)  # Attachment
    attachment_open = Signal(object)
    attachment_remove = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.status = GuardedComboBox()
        self.status.setObjectName("status")
        self.status.addItems(list(INDICATOR_STATUSES))
        self.status.activated.connect(
            lambda i: self.field_edited.emit("status", self.status.itemText(i))
        )
        self.section = CommitLineEdit()
        self.section.setObjectName("section")
        self.section.setPlaceholderText("例: 高齢福祉課")
        self.assignee = CommitLineEdit()
        self.assignee.setObjectName("assignee")
        self.memo = CommitTextEdit(3)
        self.memo.setObjectName("memo")
        self.memo.setPlaceholderText("確認したこと、次にすること など")
        self.evidence = CommitTextEdit(2)
        self.evidence.setObjectName("evidence")
        self.evidence.setPlaceholderText(
            "根拠資料の名前と保存場所（例: 第9期計画 p.45、共有フォルダ\\…）"
        )
        for name, widget in (
            ("section", self.section),
            ("assignee", self.assignee),
            ("memo", self.memo),
            ("evidence", self.evidence),
        ):
            widget.committed.connect(lambda text, n=name: self.field_edited.emit(n, text))

        self.attachments = QListWidget()
        self.attachments.setObjectName("attachments")
        self.attachments.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 8)
        self.attachments.setMinimumWidth(self.fontMetrics().horizontalAdvance("あ") * 8)
        self.add_button = QPushButton("添付…")
        self.export_button = QPushButton("出力…")
        self.open_button = QPushButton("開く")
        self.remove_button = QPushButton("削除")
        self.add_button.clicked.connect(self.attachment_add)
        self.export_button.clicked.connect(lambda: self._emit_selected(self.attachment_export))
        self.open_button.clicked.connect(lambda: self._emit_selected(self.attachment_open))
        self.remove_button.clicked.connect(lambda: self._emit_selected(self.attachment_remove))
        self.attachments.itemActivated.connect(
            lambda _item: self._emit_selected(self.attachment_open)
        )
        self.attachments.currentRowChanged.connect(self._update_buttons)

        files = QGridLayout()
        for number, button in enumerate(
            (self.add_button, self.export_button, self.open_button, self.remove_button)
        ):
            files.addWidget(button, number // 2, number % 2)
        attach_box = QHBoxLayout()
        attach_box.setContentsMargins(0, 0, 0, 0)
        attach_box.addWidget(self.attachments, 1)
        attach_box.addLayout(files)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("状況", self.status)
        form.addRow("担当課", self.section)
        form.addRow("担当者", self.assignee)
        form.addRow("備考", self.memo)
        form.addRow("根拠資料", self.evidence)
        form.addRow("添付ファイル", attach_box)

        self.wording_box = QGroupBox("小項目の文言（自分の記録）")
        self.wording_box.setToolTip(
            "公式文言がない小項目について、要旨を自分の言葉で記録できます。"
            "記録した文言は小項目の下に表示され、検索の対象にもなります。"
        )
        self.wording_form = QFormLayout(self.wording_box)
        self.wording_edits: dict[str, CommitLineEdit] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.wording_box)
        self._attachment_rows: list[Attachment] = []
        self._editable = True
        self._update_buttons()

    # --- showing --------------------------------------------------------------------------
    def show_indicator(
        self,
        indicator: Indicator,
        note: IndicatorNote,
        wordings: dict[str, str],
        attachments: list[Attachment],
        sections: list[str],
    ) -> None:
        self.show_note(note)
        completer = QCompleter(sections, self.section)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.section.setCompleter(completer)
        self._build_wording_fields(indicator)
        self.show_wordings(wordings)
        self.show_attachments(attachments)

    def show_note(self, note: IndicatorNote) -> None:
        self.status.setCurrentText(note.status)
        self.section.set_saved_text(note.section)
        self.assignee.set_saved_text(note.assignee)
        self.memo.set_saved_text(note.memo)
        self.evidence.set_saved_text(note.evidence)

    def _build_wording_fields(self, indicator: Indicator) -> None:
        while self.wording_form.rowCount():
            self.wording_form.removeRow(0)
        self.wording_edits = {}
        for item in indicator.items:
            if item.has_official_wording:
                continue
            edit = CommitLineEdit()
            edit.setObjectName(f"wording:{item.id}")
            edit.setPlaceholderText(item.hint or "要旨を記録できます（公式文言がないときに表示）")
            edit.setEnabled(self._editable)
            edit.committed.connect(lambda text, i=item.id: self.wording_edited.emit(i, text))
            self.wording_edits[item.id] = edit
            label = QLabel(item.label)
            self.wording_form.addRow(label, edit)
            label.show()  # at once (not on the next event loop turn), so focus can land here
            edit.show()
        self.wording_box.setVisible(bool(self.wording_edits))

    def show_wordings(self, wordings: dict[str, str]) -> None:
        for item_id, edit in self.wording_edits.items():
            edit.set_saved_text(wordings.get(item_id, ""))

    def show_attachments(self, attachments: list[Attachment]) -> None:
        self._attachment_rows = list(attachments)
        self.attachments.clear()
        for attachment in attachments:
            size = (
                f"（{_size_text(attachment.size)}）" if attachment.has_content else "（場所のみ）"
            )
            # Names come from whoever made the file: shown without hidden characters.
            entry = QListWidgetItem(f"{visible_text(attachment.name)}{size}")
            entry.setToolTip(
                f"{visible_text(attachment.location or attachment.name)}\n"
                f"追加: {visible_text(attachment.added_by)}"
                f" {attachment.added_at.replace('T', ' ')[:16]}"
            )
            self.attachments.addItem(entry)
        if not attachments:
            empty = QListWidgetItem("（添付なし）")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            empty.setForeground(fmt.MUTED)
            self.attachments.addItem(empty)
        self._update_buttons()

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        for widget in (self.status, self.section, self.assignee, self.add_button):
            widget.setEnabled(editable)
        for widget in (self.memo, self.evidence):
            widget.setReadOnly(not editable)
        for edit in self.wording_edits.values():
            edit.setEnabled(editable)
        self._update_buttons()

    def commit_pending(self) -> None:
        """Save what is typed but not yet saved (before switching indicator or closing)."""
        for widget in (self.section, self.assignee, self.memo, self.evidence):
            widget.commit()
        for edit in self.wording_edits.values():
            edit.commit()

    # --- attachments -----------------------------------------------------------------------
    def selected_attachment(self) -> Attachment | None:
        row = self.attachments.currentRow()
        if 0 <= row < len(self._attachment_rows):
            return self._attachment_rows[row]
        return None

    def _emit_selected(self, signal) -> None:
        attachment = self.selected_attachment()
        if attachment is not None:
            signal.emit(attachment)

    def _update_buttons(self, *_args) -> None:
        chosen = self.selected_attachment()
        has_content = chosen is not None and chosen.has_content
        self.export_button.setEnabled(has_content)
        self.open_button.setEnabled(has_content)
        self.remove_button.setEnabled(chosen is not None and self._editable)


def _size_text(size: int | None) -> str:
    if size is None:
        return ""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} バイト"
