"""The evaluation controller: every user action on an open evaluation goes through here.

It owns the :class:`~desktop.evaluation.session.Session` and the undo stack. Each action is
one call into the session/store (one transaction with audit rows), followed by a
full rescore (about half a millisecond), after which the controller emits signals;
the tree, the indicator panel and the dashboard only listen. Views never write to
the store themselves.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from desktop.attachment_files import is_program_file, private_folder, safe_file_name
from desktop.catalog.wording import TextLayers
from desktop.evaluation.errors import InvalidInput, ReadOnlySession, StoreError, describe_os_error
from desktop.evaluation.session import Session
from desktop.records import (
    ACTION_ANSWER,
    ACTION_NOTE,
    ACTION_WORDING,
    NOTE_FIELD_LABELS,
    TEXT_PASTED,
    Attachment,
    Change,
    ChangeSet,
    IndicatorNote,
)
from desktop.safe_save import SaveError, save_atomically
from desktop.scoring.answers import AnswerError
from desktop.scoring.tree import ScoreTree
from desktop.ui.undo import ChangeCommand


class CopyNotWritten(StoreError):
    """An attachment's copy could not be written (the message says where and why)."""

    title = "出力できません"


def attachment_file_name(attachment: Attachment) -> str:
    """The attachment's stored name, made safe: for the temporary copy and the save dialog."""
    return safe_file_name(attachment.file_name or attachment.name)


def program_refused_message(attachment: Attachment) -> str:
    return (
        f"「{attachment_file_name(attachment)}」はプログラムやスクリプトの種類のファイルのため、"
        "ここからは開きません。出力して保存し、中身を確かめてから扱ってください。"
    )


class EvaluationController(QObject):
    scored = Signal(object)  # ScoreTree after any change to answers
    notes_changed = Signal(object)  # set of indicator ids whose note changed
    wordings_changed = Signal(object)  # set of item ids whose user wording changed
    attachments_changed = Signal(str)  # indicator id
    saved = Signal(str)  # 「保存しました HH:MM:SS」
    failed = Signal(object)  # a StoreError (or AnswerError) to show to the user
    reloaded = Signal()  # everything re-read (another year, an import, a catalog upgrade)
    # The totals of an answer being saved are in the views: paint them before the save's
    # fsync (several ms on a slow disk, longer on a network drive) rather than after it.
    paint_now = Signal()

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = QUndoStack(self)
        self.tree: ScoreTree = session.score()
        self.notes: dict[str, IndicatorNote] = {}
        self.wordings: dict[str, str] = {}  # the municipality's own summaries (要旨)
        self.copies: dict[str, tuple[str, str]] = {}  # official texts pasted or from packs
        self.waived: set[str] = set()  # inferred prerequisites switched off
        self.carried: set[str] = set()
        self._read_side_tables()

    # --- reading ------------------------------------------------------------------------
    @property
    def catalog(self):
        return self.session.catalog

    @property
    def evaluation_id(self) -> int:
        return self.session.evaluation_id

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    def _read_side_tables(self) -> None:
        self.notes = self.session.notes()
        self.wordings = self.session.wordings()
        self.copies = dict(self.session.text_layers().copies)
        self.waived = self.session.waived_prerequisites()
        self.carried = self.session.carried_items()

    @property
    def layers(self) -> TextLayers:
        """Every text layer of a sub-item (desktop/catalog/wording.py has the precedence)."""
        return TextLayers(copies=self.copies, own=self.wordings)

    def searchable_texts(self) -> dict[str, str]:
        """Own summaries and official copies by sub-item, for the tree's text search."""
        texts = dict(self.wordings)
        for item_id, (text, _source) in self.copies.items():
            texts[item_id] = f"{texts.get(item_id, '')} {text}".strip()
        return texts

    def note(self, indicator_id: str) -> IndicatorNote:
        return self.notes.get(indicator_id) or IndicatorNote(indicator_id)

    def attachments(self, indicator_id: str) -> list[Attachment]:
        return self.session.attachments(indicator_id)

    def reload(self, session: Session | None = None) -> None:
        """Re-read everything from the file (after an import, a year switch, an upgrade)."""
        if session is not None:
            self.session = session
        self.undo_stack.clear()  # old steps may no longer match what is in the file
        self.tree = self.session.score()
        self._read_side_tables()
        self.reloaded.emit()

    # --- answering ------------------------------------------------------------------------
    def set_answer(self, target_id: str, value: str | None) -> bool:
        """Answer a sub-item or an all-of part (``None`` clears it). True when saved."""
        if not self._writable():
            return False
        raw = {target_id: value}
        try:
            self._show_before_saving(raw)
        except AnswerError as exc:
            self.failed.emit(InvalidInput(self.session.path, str(exc)))
            self._rescore()  # put the widget back to what the file holds
            return False
        try:
            changes = self.session.set_answers(raw)
        except StoreError as exc:
            self.failed.emit(exc)
            self._rescore()  # not saved: back to what the file holds
            return False
        self._after_write(changes, self._answer_text(target_id, value))
        return True

    def set_answers(self, values: dict[str, str | None], text: str) -> bool:
        """Several answers as one action and one undo step (e.g. 全て非該当)."""
        if not self._writable():
            return False
        try:
            changes = self.session.set_answers(values)
        except AnswerError as exc:
            self.failed.emit(InvalidInput(self.session.path, str(exc)))
            return False
        except StoreError as exc:
            self.failed.emit(exc)
            return False
        self._after_write(changes, text)
        return True

    def _answer_text(self, target_id: str, value: str | None) -> str:
        if self.catalog.has_part(target_id):
            item, part = self.catalog.part(target_id)
            label = f"{item.label}{part.label}"
        else:
            label = self.catalog.item(target_id).label
        return f"{label} を「{value or '未回答'}」に"

    # --- notes and wording ------------------------------------------------------------------
    def set_note_field(self, indicator_id: str, field: str, value: str) -> bool:
        """Memo, evidence, section, assignee or status of an indicator (one undo step)."""
        if self.note(indicator_id).get(field) == (value or ""):
            return True  # nothing changed: no action, no audit row, no undo step
        if not self._writable():
            return False
        try:
            changes = self.session.note(indicator_id, **{field: value})
        except StoreError as exc:
            self.failed.emit(exc)
            self.notes_changed.emit({indicator_id})  # show the stored value again
            return False
        label = NOTE_FIELD_LABELS.get(field, field)
        self._after_write(changes, f"{label}の変更")
        return True

    def set_notes(self, indicator_ids: list[str], fields: dict[str, str], text: str) -> bool:
        """Set the same fields (担当課, 担当者) on several indicators: one action, one undo."""
        wanted = {
            indicator: {f: v for f, v in fields.items() if self.note(indicator).get(f) != v}
            for indicator in indicator_ids
        }
        wanted = {indicator: changed for indicator, changed in wanted.items() if changed}
        if not wanted:
            return True
        if not self._writable():
            return False
        try:
            changes = self.session.set_notes(wanted)
        except StoreError as exc:
            self.failed.emit(exc)
            return False
        self._after_write(changes, text)
        return True

    def set_wording(self, item_id: str, text: str | None) -> bool:
        """The user's own wording of a sub-item that has no official text."""
        current = self.wordings.get(item_id)
        if (current or "") == (text or "").strip():
            return True
        if not self._writable():
            return False
        try:
            changes = self.session.set_wording(item_id, text)
        except StoreError as exc:
            self.failed.emit(exc)
            self.wordings_changed.emit({item_id})
            return False
        self._after_write(changes, "小項目の文言の変更")
        return True

    # --- official texts pasted, inferred prerequisites (in the change history, not undoable) ------
    def store_pasted(self, texts: dict[str, str], origin: str = "") -> bool:
        """Store texts pasted from the ministry's document as 公式文言（貼り付け）, one action."""
        if not texts or not self._writable():
            return False
        try:
            changes = self.session.set_item_texts(
                texts, kind=TEXT_PASTED, origin=origin, source="公式文言の貼り付け"
            )
        except (StoreError, KeyError) as exc:
            self.failed.emit(exc if isinstance(exc, StoreError) else InvalidInput(self.session.path, str(exc)))
            return False
        self.copies = dict(self.session.text_layers().copies)
        self.wordings_changed.emit({change.target for change in changes})
        if changes:
            self._say_saved()
        return True

    def set_prerequisite_waived(self, item_id: str, waived: bool) -> bool:
        """「この前提条件を適用しない」 for an inferred prerequisite; rescored at once."""
        if not self._writable():
            self._rescore()  # put the box back
            return False
        try:
            changes = self.session.set_prerequisite_waived(item_id, waived, source="画面")
        except StoreError as exc:
            self.failed.emit(exc)
            self._rescore()
            return False
        self.waived = self.session.waived_prerequisites()
        self._rescore()
        if changes:
            self._say_saved()
        return True

    # --- attachments (not undoable: a removed file's content is gone) ----------------------------
    def add_attachment(self, indicator_id: str, file_path: Path) -> Attachment | None:
        if not self._writable():
            return None
        try:
            attachment = self.session.add_attachment(
                indicator_id,
                name=safe_file_name(file_path.name),
                file_path=file_path,
            )
        except StoreError as exc:
            self.failed.emit(exc)
            return None
        self.attachments_changed.emit(indicator_id)
        self._say_saved()
        return attachment

    def remove_attachment(self, indicator_id: str, attachment_id: int) -> bool:
        if not self._writable():
            return False
        try:
            self.session.remove_attachment(attachment_id)
        except StoreError as exc:
            self.failed.emit(exc)
            return False
        self.attachments_changed.emit(indicator_id)
        self._say_saved()
        return True

    def export_attachment(self, attachment: Attachment, target: Path) -> bool:
        """Write a copy of an attached file (reading works in read-only mode too)."""
        content = self.session.attachment_content(attachment.id)
        if content is None:
            self.failed.emit(
                InvalidInput(
                    self.session.path, f"「{attachment.name}」には中身が保存されていません。"
                )
            )
            return False
        try:
            save_atomically(
                target,
                lambda temporary: Path(temporary).write_bytes(content),
                opened_in="ほかのソフト",
                evaluation_file=self.session.path,
            )
        except SaveError as exc:
            self.failed.emit(CopyNotWritten(target, str(exc)))
            return False
        return True

    def copy_for_opening(self, attachment: Attachment) -> Path | None:
        """A copy in a new private folder, for the OS to open; None when it must not be opened.

        The stored name comes from whoever made the evaluation file: only its safe base
        name is used, and a program or script is never written out for opening (the
        window offers 出力する instead). Works in read-only mode too.
        """
        name = attachment_file_name(attachment)
        if is_program_file(name):
            self.failed.emit(CopyNotWritten(self.session.path, program_refused_message(attachment)))
            return None
        try:
            folder = private_folder()
        except OSError as exc:
            self.failed.emit(
                CopyNotWritten(None, f"一時フォルダを作れません（{describe_os_error(exc)}）。")
            )
            return None
        target = folder / name
        return target if self.export_attachment(attachment, target) else None

    # --- the common tail of every write ----------------------------------------------------------
    def _writable(self) -> bool:
        if self.read_only:
            self.failed.emit(ReadOnlySession(self.session.path))
            return False
        return True

    def _after_write(self, changes: list[Change], text: str) -> None:
        self._publish(changes)
        if changes:
            self.undo_stack.push(ChangeCommand(text, changes, self._write_change_set))

    def _write_change_set(self, change_set: ChangeSet, source: str) -> bool:
        """Undo/redo: write the values back as one audited action."""
        if self.read_only:
            self.failed.emit(ReadOnlySession(self.session.path))
            return False
        try:
            changes = self.session.apply_change_set(change_set, source=source)
        except StoreError as exc:
            self.failed.emit(exc)
            return False
        self._publish(changes)
        return True

    def _publish(self, changes: list[Change]) -> None:
        """Rescore and tell the views what changed; say it was saved."""
        notes_touched = {c.target for c in changes if c.kind == ACTION_NOTE}
        words_touched = {c.target for c in changes if c.kind == ACTION_WORDING}
        answered = any(c.kind == ACTION_ANSWER for c in changes)
        if notes_touched:
            self.notes = self.session.notes()
        if words_touched:
            self.wordings = self.session.wordings()
        if answered:
            self.carried = self.session.carried_items()
            self._rescore()
        if notes_touched:
            self.notes_changed.emit(notes_touched)
        if words_touched:
            self.wordings_changed.emit(words_touched)
        if changes:
            self._say_saved()

    def _show_before_saving(self, raw: dict[str, str | None]) -> None:
        """Show the totals the answer makes and have them painted; the caller then saves.

        The save follows at once on this thread, so the order of actions and undo steps
        is as before; a failed save puts the totals back (``_rescore``) and says why.
        Raises AnswerError (nothing shown) for a value the item does not allow.
        """
        self.tree = self.session.score_with(raw)
        self.scored.emit(self.tree)
        self.paint_now.emit()

    def _rescore(self) -> None:
        self.tree = self.session.score()
        self.scored.emit(self.tree)

    def _say_saved(self) -> None:
        self.saved.emit(f"保存しました {datetime.now():%H:%M:%S}")
