"""The few colours that carry meaning, chosen to read on light and dark palettes.

Kept apart from :mod:`desktop.ui.formatting` (which needs the scoring and store
modules) so that the start page can use them without loading those at start-up.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

GOOD = QColor("#2e7d32")  # at or above the national average; scored; 確定
WARN = QColor("#d98b00")  # a little below; 確認待ち; read-only notices
BAD = QColor("#c62828")  # well below; 非該当; problems in a dialog
NEUTRAL = QColor("#1f6fb2")  # no national average to compare with; 入力中
ESTIMATE = QColor("#b26a00")  # 見込み text
BLOCKED = QColor("#c62828")  # a prerequisite is missing
MUTED = QColor("#6b6b6b")  # secondary text
