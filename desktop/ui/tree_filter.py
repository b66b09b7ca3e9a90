"""Filtering the navigation tree: 未回答のみ, 減点あり, 担当課, 引継ぎ・要確認, and text search.

Filters look at indicators (the leaves). With recursive filtering a goal or group
stays visible while any of its indicators matches, so the user always sees where a
match sits. The filters combine with AND.

The indicator the user is working on is pinned: it stays in the list while it is
the current one, even when the last answer takes it out of 「未回答のみ」, so the
screen does not jump away under the user's hands. It leaves when they move on.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QSortFilterProxyModel, QTimer

from desktop.scoring import tree as T
from desktop.ui.filter_change import change_row_filter
from desktop.ui.tree_model import (
    CARRIED_ROLE,
    LEVEL_ROLE,
    LOST_POINTS_ROLE,
    NODE_ID_ROLE,
    SEARCH_TEXT_ROLE,
    SECTION_ROLE,
    UNANSWERED_ROLE,
)


def _fold(text: str) -> str:
    """Full-width/half-width and case do not matter when searching (ｱ = ア, Ａ = a)."""
    return unicodedata.normalize("NFKC", text or "").casefold()


class ScoreFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(True)
        self._unanswered_only = False
        self._lost_points_only = False
        self._carried_only = False
        self._section: str | None = None
        self._words: list[str] = []
        self._pinned: str | None = None
        self._refilter_queued = False

    # --- the filter settings -------------------------------------------------------------
    @property
    def active(self) -> bool:
        return bool(
            self._unanswered_only
            or self._lost_points_only
            or self._carried_only
            or self._section
            or self._words
        )

    # The user's own filter changes drop the pin: what they ask for is what they see.
    def set_unanswered_only(self, on: bool) -> None:
        self._change(_unanswered_only=bool(on), _pinned=None)

    def set_lost_points_only(self, on: bool) -> None:
        self._change(_lost_points_only=bool(on), _pinned=None)

    def set_carried_only(self, on: bool) -> None:
        self._change(_carried_only=bool(on), _pinned=None)

    def set_section(self, section: str | None) -> None:
        self._change(_section=section or None, _pinned=None)

    def set_search_text(self, text: str) -> None:
        self._change(_words=_fold(text).split(), _pinned=None)

    def clear_filters(self) -> None:
        self._change(
            _unanswered_only=False,
            _lost_points_only=False,
            _carried_only=False,
            _section=None,
            _words=[],
            _pinned=None,
        )

    def set_pinned(self, node_id: str | None) -> None:
        """Keep this indicator (the current one) visible whatever its answers become.

        Called while the view changes its current row, so the list is looked at again
        a moment later (not from inside that change): the indicator pinned before may
        then leave it.
        """
        if node_id == self._pinned:
            return
        self._pinned = node_id
        if self.active and not self._refilter_queued:
            self._refilter_queued = True
            QTimer.singleShot(0, self._refilter)

    def _refilter(self) -> None:
        self._refilter_queued = False
        self._change()

    def _change(self, **settings) -> None:
        def apply() -> None:
            for name, value in settings.items():
                setattr(self, name, value)

        change_row_filter(self, apply)

    # --- QSortFilterProxyModel --------------------------------------------------------------
    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        if not self.active:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        if index.data(LEVEL_ROLE) != T.INDICATOR:
            return False  # shown only through a matching indicator below it
        if self._pinned is not None and index.data(NODE_ID_ROLE) == self._pinned:
            return True
        if self._unanswered_only and not index.data(UNANSWERED_ROLE):
            return False
        if self._lost_points_only and not index.data(LOST_POINTS_ROLE):
            return False
        if self._carried_only and not index.data(CARRIED_ROLE):
            return False
        if self._section and index.data(SECTION_ROLE) != self._section:
            return False
        if self._words:
            haystack = _fold(index.data(SEARCH_TEXT_ROLE) or "")
            if not all(word in haystack for word in self._words):
                return False
        return True
