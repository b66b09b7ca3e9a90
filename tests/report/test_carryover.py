"""前年度から引き継ぐ: R7 into R8 through the crosswalk; R7 itself never changes."""

from __future__ import annotations

import pytest

from desktop.catalog.crosswalk import SAME, Crosswalk, Mapping
from desktop.evaluation.carryover import CARRIED_MARK, CarryError, carry_forward, plan_carry
from desktop.evaluation.session import Session, create_evaluation
from desktop.records import SOURCE_CARRY, STATUS_FINAL, STATUS_IN_PROGRESS, Municipality

R7_ANSWERS = {
    # same id, same meaning: carried
    "suishin.I.process.features.a": "該当",
    "suishin.I.process.features.b": "非該当",
    "suishin.II.process.optimization-programs.a.p1": "該当",  # an all-of part
    "suishin.II.process.optimization-programs.b": "イ②",  # a count option
    "shien.II.process.supporters.a": "該当",  # same, but 5 → 4 points (noted)
    # split in R8 (イ・ウ → イ・ウ・カ): not carried, listed
    "shien.I.process.coordinator.b": "該当",
    "shien.I.process.coordinator.c": "非該当",
    # a state-scored estimate: not carried
    "suishin.I.activity.score-rank.tier": "ウ",
}
CARRIED = {
    "suishin.I.process.features.a",
    "suishin.I.process.features.b",
    "suishin.II.process.optimization-programs.a.p1",
    "suishin.II.process.optimization-programs.b",
    "shien.II.process.supporters.a",
}


@pytest.fixture
def r7_session(store, r7, tmp_path):
    session = create_evaluation(store, r7, municipality=Municipality(name="北塩原村"))
    session.set_answers(R7_ANSWERS)
    session.note(
        "suishin.I.process.features",
        memo="見える化システムで比較",
        evidence="第9期計画 p.12",
        section="高齢福祉課",
        assignee="佐藤",
        status=STATUS_FINAL,
    )
    session.note("shien.I.process.coordinator", memo="分割される指標の備考")
    store.set_planned_response(session.evaluation_id, "suishin.I.process", "R7 の今後の対応")
    store.set_wording(session.evaluation_id, "suishin.I.process.features.b", "住民への周知")
    evidence = tmp_path / "計画書.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence bytes")
    store.add_attachment(
        session.evaluation_id, "suishin.I.process.features", name="計画書", file_path=evidence
    )
    store.add_attachment(
        session.evaluation_id,
        "suishin.I.process.features",
        name="会議録",
        location=r"\\server\share\会議録.docx",
    )
    return session


def snapshot(store, evaluation_id: int) -> dict:
    """Everything of one evaluation that carrying must leave alone."""
    return {
        "record": store.evaluation(evaluation_id),
        "answers": store.answer_rows(evaluation_id),
        "notes": store.indicator_notes(evaluation_id),
        "planned": store.planned_responses(evaluation_id),
        "wordings": store.wordings(evaluation_id),
        "attachments": store.attachments(evaluation_id),
        "official": store.official_results(evaluation_id),
        "audit": [
            entry for entry in store.history(evaluation_id) if entry.evaluation_id == evaluation_id
        ],
    }


def test_r7_carried_into_r8(store, r7_session, r8):
    before = snapshot(store, r7_session.evaluation_id)
    session, plan = carry_forward(store, 2025)

    assert isinstance(session, Session)
    assert session.catalog.id == r8.id
    assert session.record.carried_from == r7_session.evaluation_id
    # Mapped answers are carried and marked 要確認.
    assert session.answers() == {item: R7_ANSWERS[item] for item in CARRIED}
    assert store.carried_items(session.evaluation_id) == CARRIED
    assert {a.target_id for a in plan.answers} == CARRIED
    history = store.history(session.evaluation_id)
    assert {
        e.target for e in history if e.action == "answer" and e.source == SOURCE_CARRY
    } == CARRIED
    # Unmapped ones are listed, with the reason.
    not_carried = {n.source_id: n.reason for n in plan.not_carried}
    assert set(not_carried) == {
        "shien.I.process.coordinator.b",
        "shien.I.process.coordinator.c",
        "suishin.I.activity.score-rank.tier",
    }
    assert "分割・再編" in not_carried["shien.I.process.coordinator.b"]
    assert "国が算定" in not_carried["suishin.I.activity.score-rank.tier"]
    assert [c.sources for c in plan.split] == [
        ("shien.I.process.coordinator.b", "shien.I.process.coordinator.c")
    ]
    new_targets = {t for change in plan.new for t in change.targets}
    assert "shien.II.process.supporters.f" in new_targets
    assert "suishin.outcome-frame.efforts" in new_targets
    assert "suishin.outcome-frame.efforts.points" not in new_targets  # listed via its indicator
    assert plan.merged == [] and plan.removed == []
    assert any("5点 → 4点" in (c.note or "") for c in plan.changed)
    # Notes, wording and attachments of mapped indicators come along; 状況 restarts.
    note = store.indicator_note(session.evaluation_id, "suishin.I.process.features")
    assert (note.memo, note.evidence, note.section, note.assignee) == (
        "見える化システムで比較",
        "第9期計画 p.12",
        "高齢福祉課",
        "佐藤",
    )
    assert note.status == STATUS_IN_PROGRESS
    # The indicator itself maps (only its sub-items were split): its memo comes along,
    # but none of its answers did, so it has not been started.
    split_note = store.indicator_note(session.evaluation_id, "shien.I.process.coordinator")
    assert split_note.memo == "分割される指標の備考"
    assert split_note.status == "未着手"
    assert store.wordings(session.evaluation_id) == {"suishin.I.process.features.b": "住民への周知"}
    attachments = {a.name: a for a in store.attachments(session.evaluation_id)}
    assert set(attachments) == {"計画書", "会議録"}
    assert store.attachment_content(attachments["計画書"].id) == b"%PDF-1.4 evidence bytes"
    assert attachments["会議録"].location == r"\\server\share\会議録.docx"
    assert not attachments["会議録"].has_content
    # This year's plans are this year's: 今後の対応 is not carried.
    assert store.planned_responses(session.evaluation_id) == {}
    # Nothing in R7 changed.
    assert snapshot(store, r7_session.evaluation_id) == before
    # The summary says what happened.
    summary = "\n".join(plan.summary_lines())
    assert f"引き継ぐ回答: {len(CARRIED)}件（「{CARRIED_MARK}」として表示）" in summary
    assert "分割・再編（回答し直しが必要）: 1件" in summary
    assert "支援 目標Ⅰ 体制・取組指標群 6-イ・ウ → イ・ウ・カ" in summary
    assert "引き継ぐ指標の記録（備考・根拠資料・担当）: 2指標" in summary


def test_carried_answers_stay_marked_until_confirmed(store, r7_session):
    session, _plan = carry_forward(store, 2025)
    confirmed = store.confirm_carried(session.evaluation_id, ["suishin.I.process.features.a"])
    assert confirmed == ["suishin.I.process.features.a"]
    assert store.carried_items(session.evaluation_id) == CARRIED - {"suishin.I.process.features.a"}


def test_dry_run_writes_nothing(store, r7_session):
    audit_before = store.audit_count()
    plan = plan_carry(store, 2025)
    assert len(plan.answers) == len(CARRIED)
    assert [r.fiscal_year for r in store.evaluations()] == [2025]
    assert store.audit_count() == audit_before


def test_a_failure_midway_leaves_no_trace(store, r7_session, monkeypatch):
    audit_before = store.audit_count()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "add_attachment", broken)
    with pytest.raises(OSError):
        carry_forward(store, 2025)
    assert [r.fiscal_year for r in store.evaluations()] == [2025]
    assert store.audit_count() == audit_before


def test_merged_and_removed_items_are_listed(store, r6):
    session = create_evaluation(store, r6, municipality=Municipality(name="北塩原村"))
    session.set_answers(
        {
            "suishin.II.process.optimization-programs.a1": "該当",
            "shien.II.process.initial-support-team.a": "該当",
            "suishin.I.process.features.a": "該当",
        }
    )
    new_session, plan = carry_forward(store, 2024)
    assert new_session.answers() == {"suishin.I.process.features.a": "該当"}
    assert [c.sources for c in plan.merged] == [
        (
            "suishin.II.process.optimization-programs.a1",
            "suishin.II.process.optimization-programs.a2",
            "suishin.II.process.optimization-programs.a3",
        )
    ]
    # The removed indicator is listed once, not once per sub-item.
    assert [c.sources for c in plan.removed] == [("shien.II.process.initial-support-team",)]
    reasons = {n.source_id: n.reason for n in plan.not_carried}
    assert "統合" in reasons["suishin.II.process.optimization-programs.a1"]
    assert "廃止" in reasons["shien.II.process.initial-support-team.a"]


def test_a_value_the_new_catalog_refuses_is_not_carried(store, r7_session, r8):
    # A crosswalk mapping a check item onto a count item: 該当 is no count option.
    crosswalk = Crosswalk(
        r7_session.catalog.id,
        r8.id,
        (
            Mapping(
                ("suishin.I.process.features.a",),
                ("suishin.II.process.optimization-programs.b",),
                SAME,
            ),
        ),
    )
    _session, plan = carry_forward(store, 2025, crosswalk=crosswalk)
    assert plan.answers == []
    reasons = {n.source_id: n.reason for n in plan.not_carried}
    assert "選択肢にない回答" in reasons["suishin.I.process.features.a"]


def test_refusals_are_clear(store, r7_session, r6, r8):
    create_evaluation(store, r8)
    with pytest.raises(CarryError, match="令和8年度の評価はこのファイルにすでにあります"):
        carry_forward(store, 2025)
    with pytest.raises(CarryError, match="令和5年度の評価はこのファイルにありません"):
        plan_carry(store, 2023)
    with pytest.raises(CarryError, match="翌年度だけ"):
        plan_carry(store, 2025, 2027)


def test_an_empty_file_has_nothing_to_carry(store):
    with pytest.raises(CarryError, match="引き継ぎ元の評価がありません"):
        plan_carry(store)


def test_carrying_keeps_a_backup_of_the_state_before_it(store, r7_session):
    from desktop.store.backup import list_backups

    carry_forward(store)
    kept = [b for b in list_backups(store.path) if b.reason == "before-carry"]
    assert len(kept) == 1
    assert kept[0].reason_label == "前年度からの引継ぎの前"
    assert not kept[0].routine  # a safety backup: routine ones never push it out
