"""Changing a QSortFilterProxyModel's filter the way the installed Qt wants it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel


def change_row_filter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    """Run ``change`` (which alters what filterAcceptsRow decides) and refilter the rows.

    Qt 6.9+ wants the change bracketed by begin/endFilterChange (invalidateFilter is
    deprecated there); the older Qt we still allow (6.6) only knows invalidateFilter.
    """
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        change()
        proxy.invalidateFilter()
