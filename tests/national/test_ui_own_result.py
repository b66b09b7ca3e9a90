"""The national view's tab 小項目の国の評価: the picked municipality's official points per
sub-item beside the open evaluation's answers, differences first."""

from __future__ import annotations

from desktop.catalog import registry
from desktop.national.own_result import SAME, UNANSWERED
from tests.national.test_ui import window, workbook_with_town  # noqa: F401 (fixtures)
from tests.ui.conftest import half_answered


def test_the_tab_compares_each_sub_item_with_the_answers(
    window,  # noqa: F811
    qtbot,
    tmp_path,
    workbook_with_town,  # noqa: F811
):
    info, town = workbook_with_town
    db = tmp_path / "town.sqlite"
    answers = half_answered(db, registry.for_year(2026))
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.national.import_national(info.path, confirm=lambda lines: True)
    dialog = window.national.show_national()
    assert dialog.municipality.name == town.name

    rows = dialog.own_model.table.rows
    headers = dialog.own_model.table.headers
    verdict = headers.index("比べた結果")
    official = headers.index("国の評価(点)")
    by_reference = {row[0]: row for row in rows}
    from desktop.report.wording import target_reference

    catalog = window.session.catalog
    answered = next(k for k, v in answers.items() if v in ("該当", "非該当") and k in town.points)
    unanswered = next(
        i.id for i in catalog.all_items() if i.id in town.points and i.id not in answers
    )
    full = catalog.item(answered).points
    self_points = full if answers[answered] == "該当" else 0
    row = by_reference[target_reference(catalog, answered)]
    assert row[official] == town.points[answered]
    assert row[headers.index("自己評価(点)")] == self_points
    assert row[headers.index("差（国−自己評価）")] == town.points[answered] - self_points
    difference = town.points[answered] - self_points
    expected = SAME if difference == 0 else ("国の得点が高い" if difference > 0 else "国の得点が低い")
    assert row[verdict] == expected
    row = by_reference[target_reference(catalog, unanswered)]
    assert (row[verdict], row[official]) == (UNANSWERED, town.points[unanswered])
    # Differences come first; the summary counts every row.
    order = [r[verdict] for r in rows]
    assert order[0] != SAME
    assert f"小項目 {len(rows)}件" in dialog.own_summary.text()

    dialog.resize(1280, 800)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentWidget(dialog.ownResultTable.parentWidget())
    dialog.grab().save("/tmp/h13a-own-result-b.png")
    dialog.close()
