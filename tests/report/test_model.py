"""The report's figures against the score tree, for a mixed evaluation."""

from __future__ import annotations

import pytest

from desktop.report.model import (
    ROW_FRAME,
    ROW_GOAL_TOTAL,
    ROW_GRANT_TOTAL,
    ROW_GROUP,
    ROW_TOTAL,
    build_report,
)
from desktop.scoring.tree import ScoreTree

STATE_KINDS = ("activity", "outcome", "outcome_oriented_frame")


def expected_lost(tree: ScoreTree, group_id: str) -> dict[str, int]:
    """Unmet self-assessable sub-items of a group with the points they lose, from the tree."""
    lost = {}
    for indicator in tree.node(group_id).children:
        for item in indicator.children:
            if not item.state_scored and item.points < item.max_points:
                lost[item.id] = item.max_points - item.points
    return lost


def test_every_group_row_matches_the_score_tree(mixed_r8):
    tree = mixed_r8.score()
    report = build_report(mixed_r8)
    group_rows = [row for table in report.grants for row in table.rows if row.kind == ROW_GROUP]
    # 推進: 3 goals × 2 groups + 目標Ⅳ; 支援 the same.
    assert len(group_rows) == 14
    for row in group_rows:
        node = tree.node(row.node_id)
        assert row.max_points == node.max_points
        state_scored = node.group in STATE_KINDS
        expected_points = node.projected_points if state_scored else node.points
        assert row.points == expected_points
        assert row.rate == pytest.approx(expected_points / node.max_points)
        assert row.national_avg_rate == pytest.approx(node.national_avg_points / node.max_points)
        assert row.is_estimate == state_scored
        assert {i.item_id: i.lost_points for i in row.lost} == expected_lost(tree, row.node_id)


def test_goal_grant_and_total_rows(mixed_r8):
    tree = mixed_r8.score()
    report = build_report(mixed_r8)
    for table in report.grants:
        goal_totals = [row for row in table.rows if row.kind == ROW_GOAL_TOTAL]
        assert [row.node_id for row in goal_totals] == [
            f"{table.grant_id}.I",
            f"{table.grant_id}.II",
            f"{table.grant_id}.III",
            "common.IV",
        ]
        for row in goal_totals:
            node = tree.node(row.node_id)
            assert row.max_points == 100
            assert row.points == node.projected_points
            assert row.label.endswith("計")
        grant_row = table.rows[-1]
        assert grant_row.kind == ROW_GRANT_TOTAL
        assert grant_row.label == f"{table.short_label} 計"
        assert grant_row.max_points == 400
        assert grant_row.points == tree.node(table.grant_id).projected_points
    assert [t.short_label for t in report.grants] == ["推進", "支援"]
    assert report.total.kind == ROW_TOTAL
    assert report.total.max_points == 800
    assert report.total.points == tree.root.projected_points
    # Estimates are in the totals, and the rows say so.
    assert report.total.is_estimate
    assert "見込み" in report.total.remarks


def test_state_scored_groups_are_marked_as_estimates_not_losses(mixed_r8):
    tree = mixed_r8.score()
    report = build_report(mixed_r8)
    activity = report.row(ROW_GROUP, "suishin.I.activity")
    # イ of a cumulative tier = ア + イ = 6 points, counted only as 見込み.
    assert tree.node("suishin.I.activity").points == 0
    assert activity.points == 6
    assert activity.lost == ()
    assert activity.lost_text.startswith("国が算定（見込み 6点）")
    assert "見込み（国が算定）" in activity.remarks
    outcome = report.row(ROW_GROUP, "common.IV.outcome", "shien")
    assert outcome.points == tree.node("common.IV.outcome").projected_points
    assert "国が算定" in outcome.lost_text


def test_lost_items_are_worded_for_a_reader_with_their_points(mixed_r8):
    report = build_report(mixed_r8)
    process = report.row(ROW_GROUP, "suishin.I.process")
    by_id = {item.item_id: item for item in process.lost}
    assert "suishin.I.process.features.a" not in by_id  # met
    assert by_id["suishin.I.process.features.b"].lost_points == 4
    assert by_id["suishin.I.process.features.d"].detail == "未回答"
    text = process.lost_text
    assert "1 地域の介護保険事業の特徴を把握しているか。" in text
    assert "・イ（4点）" in text
    assert "suishin." not in text  # ids never reach the reader

    programs = report.row(ROW_GROUP, "suishin.II.process")
    by_id = {item.item_id: item for item in programs.lost}
    all_of = by_id["suishin.II.process.optimization-programs.a"]
    assert all_of.lost_points == 6
    assert "②ケアプラン等の点検" in all_of.detail and "③" in all_of.detail
    count = by_id["suishin.II.process.optimization-programs.b"]
    assert count.lost_points == 4  # イ① gives 2 of 6
    assert count.detail == "イ①まで達成"
    assert "suishin.II.process.optimization-programs.c" not in by_id

    hearing = report.row(ROW_GROUP, "shien.II.process")
    blocked = {item.item_id: item for item in hearing.lost}["shien.II.process.hearing-loss.c"]
    assert blocked.lost_points == 5
    assert "前提となる ア" in blocked.detail
    assert "〔参考〕受診を勧めた人が実際に受診したか" in blocked.line


def test_user_wording_replaces_the_hint(mixed_r8):
    mixed_r8.store.set_wording(
        mixed_r8.evaluation_id, "suishin.I.process.features.b", "住民への周知を行っている"
    )
    report = build_report(mixed_r8)
    process = report.row(ROW_GROUP, "suishin.I.process")
    assert "・イ 〔要旨〕住民への周知を行っている（4点）" in process.lost_text


def test_a_pasted_official_text_is_marked_with_its_source_in_the_report(mixed_r8):
    mixed_r8.set_item_texts({"suishin.I.process.features.b": "国の文言"}, kind="pasted")
    process = build_report(mixed_r8).row(ROW_GROUP, "suishin.I.process")
    assert "・イ 〔公式・貼り付け〕国の文言（4点）" in process.lost_text


def test_planned_responses_come_from_the_store(mixed_r8, planned_texts):
    report = build_report(mixed_r8)
    for group_id, text in planned_texts.items():
        assert report.row(ROW_GROUP, group_id).planned_response == text
    assert report.row(ROW_GROUP, "suishin.III.process").planned_response == ""


def test_the_outcome_frame_is_its_own_row_outside_the_800(mixed_r8):
    mixed_r8.set_answers({"suishin.outcome-frame.efforts.points": "30"})
    tree = mixed_r8.score()
    report = build_report(mixed_r8)
    (frame,) = report.frames
    assert frame.kind == ROW_FRAME
    assert frame.node_id == "suishin.outcome-frame"
    assert frame.points == 30 and frame.max_points == 100
    assert frame.outside_total
    assert "800点とは別枠" in frame.remarks
    # Not in the 800: the total is the grants' sum, which does not include the frame.
    assert report.total.points == tree.root.projected_points
    assert report.total.points == sum(tree.node(g).projected_points for g in ("suishin", "shien"))
    assert frame not in [row for table in report.grants for row in table.rows]


def test_a_fully_met_group_says_so(session_r8):
    group = session_r8.catalog.group("suishin.III.process")
    session_r8.set_answers(
        {item.id: "該当" for indicator in group.indicators for item in indicator.items}
    )
    row = build_report(session_r8).row(ROW_GROUP, "suishin.III.process")
    assert row.points == row.max_points == 64
    assert row.rate == 1.0
    assert row.lost == ()
    assert row.lost_text == "なし（満点）"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("北塩原村", "本村"), ("架空町", "本町"), ("見本市", "本市"), ("千代田区", "本区"), ("", "本市町村")],
)
def test_the_municipality_names_itself_by_its_kind(name, expected):
    from desktop.report.wording import self_name

    assert self_name(name) == expected


def test_report_uses_the_self_name_never_a_generic_one(mixed_r8):
    report = build_report(mixed_r8)
    assert report.self_name == "本村"
    assert "本村は未該当" in report.high_share_note
    assert all("当市町村" not in note for note in report.notes)


def test_planned_response_says_when_it_is_missing(session_r8):
    session_r8.set_answers({"suishin.I.process.features.b": "非該当"})
    report = build_report(session_r8)
    row = report.row(ROW_GROUP, "suishin.I.process")
    assert row.planned_response == "" and row.planned_text == "（未記入）"
    assert any("今後の対応はまだ記入されていません" in note for note in report.notes)
    session_r8.store.set_planned_response(session_r8.evaluation_id, "suishin.I.process", "検討する")
    report = build_report(session_r8)
    assert report.row(ROW_GROUP, "suishin.I.process").planned_text == "検討する"
    assert not any("今後の対応はまだ" in note for note in report.notes)


def test_lost_items_come_in_one_block_per_indicator(mixed_r8):
    row = build_report(mixed_r8).row(ROW_GROUP, "suishin.II.process")
    blocks = row.lost_blocks
    assert len(blocks) >= 1
    assert [item for _heading, items in blocks for item in items] == list(row.lost)
    for heading, items in blocks:
        assert {item.indicator_heading for item in items} == {heading}
    assert row.lost_summary.startswith("減点 ") and f"{len(blocks)}指標" in row.lost_summary
