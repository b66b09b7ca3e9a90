"""How long a piece of free text may be: one limit for every field, checked everywhere.

Memo, evidence, section, assignee, a sub-item's own wording, the planned response
(今後の対応) and the municipality's names all share :data:`TEXT_LIMIT`. The window,
the command line and workbook imports check it with :func:`too_long_message`, so a
text is refused with the same message wherever it comes from, and never cut.

Why 2,000: the published sheet shows a planned response of up to about that length,
and the limit must stay far below Excel's 32,767 characters per cell so that every
text we store is exported whole (a cut text would read as an edit on import).
"""

from __future__ import annotations

TEXT_LIMIT = 2000
EXCEL_CELL_LIMIT = 32767  # characters in one Excel cell
assert TEXT_LIMIT <= EXCEL_CELL_LIMIT


def too_long_message(label: str, text: str | None) -> str | None:
    """The Japanese message for ``text`` if it is longer than the limit, else None."""
    length = len(text or "")
    if length <= TEXT_LIMIT:
        return None
    return f"{label}は {TEXT_LIMIT}文字までにしてください（いま {length}文字）。"
