"""The national view's tab 「小項目の国の評価」: per sub-item, the official points of the
national results beside the open evaluation's own answers (desktop.national.own_result).

The view adds the tab with its ``_table_tab`` (sortable, exportable like the others) and
calls :func:`refresh_own_result` whenever the year or the municipality changes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from desktop.national.own_result import compare_items, comparison_summary, comparison_table
from desktop.national.views import Table
from desktop.ui.national_table import NationalTableModel

TAB_TITLE = "小項目の国の評価"
NOTE = (
    "全国集計結果にある国の得点を、小項目ごとに今の回答（国が算定する項目は見込み）と比べます。"
    "違いのある小項目が上に並びます。"
)


def refresh_own_result(
    model: NationalTableModel, summary: QLabel, session, dataset, municipality
) -> None:
    """Fill the tab for ``municipality`` in ``dataset``, or say what it needs."""
    if session is None or session.record.fiscal_year != dataset.fiscal_year:
        model.set_table(
            Table(TAB_TITLE, (f"{dataset.year_label}の評価を開くと表示します",), [], (False,))
        )
        summary.setText(NOTE)
        return
    rows = compare_items(session, dataset, municipality)
    name = f"{municipality.prefecture}{municipality.name}"
    model.set_table(comparison_table(rows, f"{dataset.year_label} {name} 小項目の国の評価と自己評価"))
    summary.setText(f"{NOTE}\n{comparison_summary(rows)}")
