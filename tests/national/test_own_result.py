"""Sub-item official points (national results) against the evaluation's own answers."""

from __future__ import annotations

import pytest

from desktop.national.own_result import (
    OFFICIAL_HIGHER,
    OFFICIAL_LOWER,
    SAME,
    UNANSWERED,
    compare_items,
    comparison_summary,
    comparison_table,
)
from desktop.national.views import save_table_xlsx

CHECKS = (
    "suishin.I.process.features.a",
    "suishin.I.process.features.b",
    "suishin.I.process.features.c",
)


def test_each_sub_item_beside_the_answer(picked_session):
    session, dataset, me = picked_session
    index = dataset.column_index()
    official = {key: me.points[index[key]] for key in CHECKS}
    # First as the ministry scored it, second the opposite, third left unanswered.
    first, second, third = CHECKS
    session.set_answers(
        {
            first: "該当" if official[first] else "非該当",
            second: "非該当" if official[second] else "該当",
        }
    )
    rows = {r.item_id: r for r in compare_items(session, dataset, me)}
    full = session.catalog.item(first).points

    assert rows[first].official_points == official[first] in (0, full)
    assert rows[first].verdict == SAME and rows[first].difference == 0
    assert rows[first].official_answer == ("該当" if official[first] else "非該当")

    expected = OFFICIAL_HIGHER if official[second] else OFFICIAL_LOWER
    assert rows[second].verdict == expected
    assert rows[second].difference == official[second] - (0 if official[second] else full)

    assert rows[third].verdict == UNANSWERED and rows[third].difference is None
    assert rows[third].official_points == official[third]

    # Every sub-item the file scores is there, none twice; the 成果指向型配分枠 is not in it.
    scored = {key.split(":")[0] for key in dataset.columns}
    assert set(rows) == {i.id for i in session.catalog.all_items() if i.id in scored}


def test_tiers_add_up_to_the_item_points(picked_session):
    session, dataset, me = picked_session
    item_id = "suishin.I.activity.score-rank.tier"
    index = dataset.column_index()
    tier_points = sum(
        me.points[i] for key, i in index.items() if key.split(":")[0] == item_id
    )
    (row,) = [r for r in compare_items(session, dataset, me) if r.item_id == item_id]
    assert row.official_points == tier_points
    assert row.estimated  # scored by the state: the self figure is the user's estimate


def test_table_lists_differences_first_and_exports(picked_session, tmp_path):
    import openpyxl

    session, dataset, me = picked_session
    index = dataset.column_index()
    first = CHECKS[0]
    session.answer(first, "非該当" if me.points[index[first]] else "該当")
    rows = compare_items(session, dataset, me)
    table = comparison_table(rows, "小項目ごとの国の評価と自己評価")
    verdicts = [row[1] for row in table.rows]
    assert verdicts[0] in (OFFICIAL_LOWER, OFFICIAL_HIGHER)
    order = [OFFICIAL_LOWER, OFFICIAL_HIGHER, UNANSWERED, SAME]
    assert [order.index(v) for v in verdicts] == sorted(order.index(v) for v in verdicts)
    assert set(verdicts[1:]) == {UNANSWERED}
    summary = comparison_summary(rows)
    assert summary.startswith(f"小項目 {len(rows)}件: ")
    assert f"{UNANSWERED} {len(rows) - 1}件" in summary
    out = tmp_path / "items.xlsx"
    save_table_xlsx(table, out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(2, 2).value == "比べた結果"
    assert sheet.cell(3, 2).value == verdicts[0]


def test_another_year_is_refused(picked_session, national_r7):
    from desktop.national.reader import read_national

    session, _dataset, _me = picked_session
    r7 = read_national(national_r7.path)
    with pytest.raises(ValueError):
        compare_items(session, r7, r7.municipalities[0])
