"""The button row most dialogs end with: one named action and キャンセル.

One place decides the roles and the wording of cancel, so that every dialog reads and
answers the same way.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton


def action_buttons(
    dialog: QDialog, action: str, *, cancel: bool = True
) -> tuple[QDialogButtonBox, QPushButton]:
    """A button box with ``action`` and, unless told otherwise, キャンセル.

    ``action`` accepts the dialog and キャンセル rejects it. Returns the box and the action
    button (callers enable it, name it or test it).
    """
    buttons = QDialogButtonBox(dialog)
    act = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
    if cancel:
        buttons.addButton("キャンセル", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, act
