"""What may not appear in a text users read (a catalog note, hint or wording).

Users see notes, hints and wordings in the window, the workbooks and the report, so
these carry plain Japanese only. Where a figure came from and how sure we are belongs
in ``provenance``, which no user ever sees. The checks are deliberately narrow:
abbreviations officials use (PFS, ICT, KDB, PDCA) stay allowed.
"""

from __future__ import annotations

import re

_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)\S+")
# An English word: any Latin word with a lower-case letter (from, rates, verbatim) or
# an upper-case word longer than an abbreviation (INFERRED, UNKNOWN, VERBATIM).
_ENGLISH = re.compile(r"(?<![A-Za-z])(?:[A-Za-z]*[a-z][A-Za-z]*|[A-Z]{5,})(?![A-Za-z])")
_PATH = re.compile(
    r"[A-Za-z]:[\\/]"  # C:\ …
    r"|(?<![A-Za-z0-9_./\-])[A-Za-z0-9_.\-]*[A-Za-z][A-Za-z0-9_.\-]*[/\\][A-Za-z0-9_.\-]+"  # a/b
    r"|\.(?:ya?ml|json|md|py|txt|csv|xlsx?|pdf)\b"  # a file name
)
# Doubts about our own sources read as a maintainer's note, not as guidance.
NOTE_DOUBT_WORDS = ("二次資料", "リポジトリ", "未確認", "未入手", "不明", "要確認")


def maintainer_text_problems(text: str, *, note: bool = False) -> list[str]:
    """Why ``text`` may not be shown to users (empty when it may)."""
    problems = []
    if _URL.search(text):
        problems.append("URL を含めないでください。")
    else:
        path = _PATH.search(text)
        if path:
            problems.append(f"ファイルの場所（「{path.group(0)}」）を含めないでください。")
    english = _ENGLISH.search(_URL.sub("", text))
    if english:
        problems.append(f"英語（「{english.group(0)}」）を含めないでください。")
    if note:
        doubts = [word for word in NOTE_DOUBT_WORDS if word in text]
        if doubts:
            problems.append(f"資料の確かさについての記述（「{'・'.join(doubts)}」）は含めないでください。")
    return problems
