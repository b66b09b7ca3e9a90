"""Precedence of a sub-item's texts, stored per evaluation, and inferred prerequisites switched off."""

from __future__ import annotations

import pytest

from desktop.catalog.wording import HINT, OFFICIAL, OWN, PACK, PASTED
from desktop.store.errors import InvalidInput

PROGRESS_B = "suishin.I.process.plan-progress.b"  # a hint, no official wording
SHARING_A = "suishin.I.process.results-sharing.a"  # shipped official wording
HEARING_C = "shien.II.process.hearing-loss.c"  # inferred prerequisites ア and イ
ISSUES_D = "shien.III.process.issues-and-measures.d"


def test_official_then_pasted_or_pack_then_own_then_hint(session_r8, r8):
    item = r8.item(PROGRESS_B)
    assert session_r8.text_layers().wording(item) == (item.hint, HINT)
    session_r8.store.set_wording(session_r8.evaluation_id, PROGRESS_B, "自分たちの要旨")
    assert session_r8.text_layers().wording(item) == ("自分たちの要旨", OWN)
    session_r8.set_item_texts({PROGRESS_B: "貼り付けた公式文言"}, kind=PASTED, origin="指標.pdf")
    assert session_r8.text_layers().wording(item) == ("貼り付けた公式文言", PASTED)
    session_r8.set_item_texts({PROGRESS_B: "文言集の公式文言"}, kind=PACK, origin="県.xlsx")
    assert session_r8.text_layers().wording(item) == ("文言集の公式文言", PACK)
    # The shipped official wording wins over anything pasted.
    session_r8.set_item_texts({SHARING_A: "別の文"}, kind=PASTED)
    official = r8.item(SHARING_A)
    assert session_r8.text_layers().wording(official) == (official.wording, OFFICIAL)


def test_a_pasted_text_is_in_the_change_history_and_one_action(session_r8):
    changes = session_r8.set_item_texts(
        {PROGRESS_B: "一つ目", "suishin.I.process.plan-progress.c": "二つ目"},
        kind=PASTED,
        origin="指標.pdf",
        source="公式文言の貼り付け",
    )
    assert len(changes) == 2
    history = [e for e in session_r8.store.history(session_r8.evaluation_id) if e.action == "item_text"]
    assert [(e.target, e.new, e.source) for e in history] == [
        (PROGRESS_B, "一つ目", "公式文言の貼り付け"),
        ("suishin.I.process.plan-progress.c", "二つ目", "公式文言の貼り付け"),
    ]
    assert history[0].action_label == "公式文言（貼り付け・文言集）"
    assert session_r8.set_item_texts({PROGRESS_B: "一つ目"}, kind=PASTED) == []  # no change
    with pytest.raises(KeyError):
        session_r8.set_item_texts({"no.such.item": "x"}, kind=PASTED)


def test_an_inferred_prerequisite_can_be_switched_off_and_scoring_honours_it(session_r8):
    session_r8.set_answers({HEARING_C: "該当"})
    node = session_r8.score().node(HEARING_C)
    assert node.points == 0 and "前提となる" in node.reason
    session_r8.set_prerequisite_waived(HEARING_C, True)
    assert session_r8.waived_prerequisites() == {HEARING_C}
    assert session_r8.score().node(HEARING_C).points == 5
    entry = session_r8.store.history(session_r8.evaluation_id)[-1]
    assert (entry.action, entry.target, entry.old, entry.new) == (
        "prerequisite_waiver",
        HEARING_C,
        "適用する",
        "適用しない",
    )
    session_r8.set_prerequisite_waived(HEARING_C, False)
    assert session_r8.score().node(HEARING_C).points == 0


def test_a_preview_of_answers_honours_a_switched_off_prerequisite(session_r8):
    """What an import preview or a click shows is what saving will score."""
    session_r8.set_prerequisite_waived(HEARING_C, True)
    preview = session_r8.score_with({HEARING_C: "該当"})
    assert preview.node(HEARING_C).points == 5
    assert session_r8.answers().get(HEARING_C) is None  # a preview writes nothing
    session_r8.set_answers({HEARING_C: "該当"})
    assert session_r8.score().root.points == preview.root.points


def test_a_prerequisite_that_is_not_inferred_cannot_be_switched_off(session_r8):
    with pytest.raises(InvalidInput):
        session_r8.set_prerequisite_waived(PROGRESS_B, True)


def test_a_switched_off_prerequisite_is_a_footnote_of_the_report(session_r8):
    from desktop.report.model import build_report

    assert not any("前提条件" in note for note in build_report(session_r8).notes)
    session_r8.set_prerequisite_waived(HEARING_C, True)
    notes = [note for note in build_report(session_r8).notes if "前提条件" in note]
    assert notes == [
        "次の小項目は、前提条件（国の資料の文言ではなく推定したもの）を適用せずに採点しています:"
        " 支援 目標Ⅱ 体制・取組指標群 3-ウ（難聴高齢者の早期発見・早期介入に係る取組を行っているか）。"
    ]
