"""Undo and redo of a saved change, itself written through the store and audited.

A command is pushed *after* its action was saved (the store already returned the
list of :class:`~desktop.records.Change`), so the first ``redo`` that
``QUndoStack.push`` performs does nothing. Later undo/redo write the old or new
values back as one action with the source 元に戻す / やり直し, so the audit log shows
what happened and who did it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from desktop.records import (
    ACTION_ANSWER,
    ACTION_NOTE,
    ACTION_WORDING,
    SOURCE_REDO,
    SOURCE_UNDO,
    Change,
    ChangeSet,
)

UNDOABLE_ACTIONS = (ACTION_ANSWER, ACTION_NOTE, ACTION_WORDING)


def change_set(changes: list[Change], *, use_old: bool) -> ChangeSet:
    """The values before (``use_old``) or after a list of changes, as one change set."""
    result = ChangeSet()
    for change in changes:
        value = change.old if use_old else change.new
        if change.kind == ACTION_ANSWER:
            result.answers[change.target] = value
        elif change.kind == ACTION_NOTE:
            result.notes.setdefault(change.target, {})[change.field] = value or ""
        elif change.kind == ACTION_WORDING:
            result.wordings[change.target] = value
    return result


class ChangeCommand(QUndoCommand):
    """One user action (an answer, a memo, a status …) that can be undone and redone."""

    def __init__(self, text: str, changes: list[Change], write: Callable[[ChangeSet, str], bool]):
        super().__init__(text)
        self.changes = [c for c in changes if c.kind in UNDOABLE_ACTIONS]
        self._write = write  # returns False when the store refused (the message is shown)
        self._already_done = True

    def redo(self) -> None:
        if self._already_done:
            self._already_done = False
            return
        if not self._write(change_set(self.changes, use_old=False), SOURCE_REDO):
            self.setObsolete(True)  # the file did not change: drop the step, keep UI = file

    def undo(self) -> None:
        if not self._write(change_set(self.changes, use_old=True), SOURCE_UNDO):
            self.setObsolete(True)
