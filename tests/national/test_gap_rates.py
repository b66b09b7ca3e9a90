"""伸びしろ with the year's real rates: national and among peers, most-peers mark, 試算額."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop import paths
from desktop.national.analysis import item_rates, peers
from desktop.national.gap_rates import session_gap_rates, with_real_rates
from desktop.national.library import NationalLibrary
from desktop.report.gaps import session_gaps


def _some_unmet(session):
    """Answer every check item 非該当 so that there are gaps of every grant."""
    answers = {}
    for group in session.catalog.all_groups():
        for indicator in group.indicators:
            for item in indicator.items:
                if item.rule == "check":
                    answers[item.id] = "非該当"
    session.set_answers(answers)


def test_real_rates_replace_the_catalogs_and_rank_again(picked_session):
    session, dataset, me = picked_session
    _some_unmet(session)
    rates = session_gap_rates(session)
    national = item_rates(dataset)
    among = item_rates(dataset, peers(dataset, me, "band"))
    gaps = with_real_rates(session_gaps(session), rates)
    assert gaps
    for gap in gaps:
        if gap.item_id in national:
            assert gap.national_rate_pct == national[gap.item_id]
        assert rates.peer_rate(gap.item_id) == among.get(gap.item_id)
        assert rates.most_peers(gap.item_id) == (among.get(gap.item_id, 0) >= 50)
    # The default order follows the real rates: items ≥ 60 % nationally come first.
    high = [g.high_share for g in gaps if g.gain > 0]
    assert high == sorted(high, reverse=True)
    assert str(len(peers(dataset, me, "band"))) in rates.peers_label


def test_value_is_points_times_one_points_worth(picked_session):
    session, _dataset, _me = picked_session
    _some_unmet(session)
    rates = replace(session_gap_rates(session), per_point={"suishin": 10.0, "shien": 2.5})
    gaps = session_gaps(session)
    by_grant = {g.grant: g for g in gaps if g.gain > 0}
    assert rates.value(by_grant["suishin"]) == by_grant["suishin"].gain * 10.0
    assert rates.value(by_grant["shien"]) == by_grant["shien"].gain * 2.5
    if "common" in by_grant:  # 目標Ⅳ counts in both grants
        assert rates.value(by_grant["common"]) == by_grant["common"].gain * 12.5
    unknown = replace(rates, per_point={"suishin": None, "shien": 2.5})
    assert unknown.value(by_grant["suishin"]) is None
    assert not replace(rates, per_point={}).has_values


def test_no_rates_without_the_dataset(session_r8):
    assert session_gap_rates(session_r8) is None


@pytest.mark.usefixtures("qapp")
def test_dialog_shows_real_rates_and_sorts_by_peers(qtbot, picked_session, tmp_path):
    from desktop.ui.gap_view import (
        COL_MOST_PEERS,
        COL_PEER_SHARE,
        COL_SHARE,
        COL_VALUE,
        ItemIdRole,
    )
    from desktop.ui.report_actions import show_gaps

    session, dataset, me = picked_session
    _some_unmet(session)
    with NationalLibrary.open(paths.national_library_path(session.store.path)) as library:
        library.set_frames(2026, {"suishin": 8_122_500, "shien": 16_245_000})
    rates = session_gap_rates(session)
    dialog = show_gaps(None, session, lambda _item: None)
    qtbot.addWidget(dialog)
    view = dialog.gap_view
    proxy = view.proxy
    national = item_rates(dataset)
    among = item_rates(dataset, peers(dataset, me, "band"))
    assert not view.table.isColumnHidden(COL_PEER_SHARE)
    first = proxy.index(0, 0).data(ItemIdRole)
    assert proxy.index(0, COL_SHARE).data() == f"{national[first]:.1f}%"
    view.order.setCurrentIndex(2)  # 比較市町村の該当率の高い順
    shown = [among.get(proxy.index(r, 0).data(ItemIdRole), -1) for r in range(proxy.rowCount())]
    assert shown == sorted(shown, reverse=True)
    top = proxy.index(0, 0).data(ItemIdRole)
    assert proxy.index(0, COL_MOST_PEERS).data() == ("◎" if among[top] >= 50 else "")
    assert not view.table.isColumnHidden(COL_VALUE)
    gap = view.model.gap(proxy.mapToSource(proxy.index(0, 0)).row())
    assert proxy.index(0, COL_VALUE).data() == f"約{rates.value(gap):,.0f}（試算）"
    assert rates.value(gap) > 0
    dialog.resize(1280, 800)
    dialog.grab().save(str(tmp_path.parent / "gap_rates.png"))


@pytest.mark.usefixtures("qapp")
def test_without_the_dataset_the_new_columns_are_hidden(qtbot, session_r8):
    from desktop.ui.gap_view import COL_PEER_SHARE, COL_VALUE, GapView

    view = GapView(session_gaps(session_r8))
    qtbot.addWidget(view)
    assert view.table.isColumnHidden(COL_PEER_SHARE)
    assert view.table.isColumnHidden(COL_VALUE)
    assert "評価指標の資料" in view.rates_label.text()
