"""How the window's read-only lists behave: whole rows are chosen, nothing is edited in place.

The tree of indicators, the dashboard and the dialogs' tables all follow this, so a click or
an arrow key means the same everywhere.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView


def read_only_rows(view: QAbstractItemView, *, single: bool = False) -> None:
    """Rows are selected whole and never edited; ``single``: one row at a time."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
