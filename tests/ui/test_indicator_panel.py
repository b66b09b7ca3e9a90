"""The indicator panel: each rule kind's widget, prerequisites, alternatives, the record."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.catalog.model import Item
from desktop.records import SOURCE_UNDO
from desktop.ui.dashboard_model import POINTS, PROJECTED
from desktop.ui.item_rows import AllOfRow, CheckRow, ExternalRow, OptionRow, PartRow, wording_text
from desktop.ui.tree_model import COL_SCORE

ISSUES = "shien.III.process.issues-and-measures"
OPTIMIZATION = "suishin.II.process.optimization-programs"
SHORT_CARE = "common.IV.outcome.short-care-level-1-2"
FRAME_ITEM = "suishin.outcome-frame.efforts.points"


def new_window(make_window, db_path, r8):
    from desktop.evaluation.session import create_evaluation
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path) as store:
        create_evaluation(store, r8)
    window = make_window()
    assert window.open_path(db_path)
    return window


def test_prerequisite_blocks_and_says_why(make_window, db_path, r8, probe):
    """R8 努力支援 目標Ⅲ 指標1 エ requires ア and ウ: ticked alone it scores 0 and says why."""
    window = new_window(make_window, db_path, r8)
    window.jump_to(f"{ISSUES}.d")
    d_row = window.panel.row_for(f"{ISSUES}.d")
    probe.click(d_row.met)
    assert d_row.met.isChecked()
    assert d_row.reason.isVisible()
    assert "前提となる ア・ウ が該当していないため 0 点です" in d_row.reason.text()
    assert d_row.points_label.text() == "0 / 5点"
    assert probe.tree_cell(window, ISSUES, COL_SCORE) == "0/26"
    assert probe.dash_cell(window, "shien.III.process", POINTS) == "0"
    assert probe.stored(db_path).answers[f"{ISSUES}.d"] == "該当"  # the answer itself is kept

    probe.click(window.panel.row_for(f"{ISSUES}.a").met)
    assert "前提となる ウ が該当していない" in d_row.reason.text()  # only ウ missing now
    assert probe.dash_cell(window, "shien.III.process", POINTS) == "5"

    probe.click(window.panel.row_for(f"{ISSUES}.c").met)
    assert not d_row.reason.isVisible()
    assert d_row.points_label.text() == "5 / 5点"
    assert probe.tree_cell(window, ISSUES, COL_SCORE) == "15/26"
    assert probe.dash_cell(window, "shien.III.process", POINTS) == "15"
    assert probe.dash_cell(window, "total", POINTS) == "15"


def test_all_of_parts_and_result(make_window, db_path, r8, probe, qtbot):
    window = new_window(make_window, db_path, r8)
    window.jump_to(f"{OPTIMIZATION}.a.p1")
    head = window.panel.row_for(f"{OPTIMIZATION}.a")
    parts = [window.panel.row_for(f"{OPTIMIZATION}.a.p{n}") for n in (1, 2, 3)]
    assert isinstance(head, AllOfRow) and all(isinstance(p, PartRow) for p in parts)
    probe.click(parts[0].met)
    probe.click(parts[1].met)
    assert head.result.text() == "→ 未回答"
    assert head.points_label.text() == "0 / 6点"
    probe.click(parts[2].met)
    assert head.result.text() == "→ 該当"
    assert head.points_label.text() == "6 / 6点"
    probe.click(parts[1].not_met)
    assert head.result.text() == "→ 非該当"
    assert probe.dash_cell(window, "suishin.II.process", POINTS) == "0"
    stored = probe.stored(db_path).answers
    assert [stored[f"{OPTIMIZATION}.a.p{n}"] for n in (1, 2, 3)] == ["該当", "非該当", "該当"]

    # on the item's own row, 1 ticks every part at once: one action, one undo step
    head.setFocus()
    qtbot.keyClick(head, Qt.Key.Key_1)
    assert all(p.met.isChecked() for p in parts)
    assert probe.dash_cell(window, "suishin.II.process", POINTS) == "6"
    window.menus.actions["undo"].trigger()
    assert parts[1].not_met.isChecked() and parts[0].met.isChecked()
    undo_rows = [h for h in probe.stored(db_path).history if h.source == SOURCE_UNDO]
    assert [(h.target, h.new) for h in undo_rows] == [(f"{OPTIMIZATION}.a.p2", "非該当")]


def test_count_tiers_show_cumulative_points(make_window, db_path, r8):
    window = new_window(make_window, db_path, r8)
    window.jump_to(f"{OPTIMIZATION}.b")
    row = window.panel.row_for(f"{OPTIMIZATION}.b")
    assert isinstance(row, OptionRow)
    texts = [button.text() for button in row.buttons.values()]
    assert texts[0] == "0 なし（0点）"
    assert texts[1].startswith("1 イ① 2帳票を点検（計2点")
    assert texts[3].startswith("3 イ③ 4帳票を点検（計6点")


def test_state_scored_items_are_marked_as_estimates(make_window, db_path, r8, probe):
    window = new_window(make_window, db_path, r8)
    window.jump_to(f"{SHORT_CARE}.a")
    row_a = window.panel.row_for(f"{SHORT_CARE}.a")
    row_b = window.panel.row_for(f"{SHORT_CARE}.b")
    badges = [w.text() for w in row_a.findChildren(type(row_a.label)) if w.objectName() == "badge"]
    assert badges == ["見込み（国が算定）"]
    # best_of: only the better series counts, and the panel says which
    assert window.panel.combine_note.isVisible()
    assert "得点の高い系列だけが算入" in window.panel.combine_note.text()
    probe.click(row_a.buttons["ア①"])
    probe.click(row_b.buttons["イ③"])
    assert "現在は イ の系列が算入されています" in window.panel.combine_note.text()
    assert row_b.series.text() == "この系列が算入されています"
    assert row_a.series.text().startswith("算入されません")
    assert row_b.points_label.text() == "見込み 15 / 20点"
    assert probe.dash_cell(window, "common.IV", PROJECTED) == "15"
    assert probe.dash_cell(window, "common.IV", POINTS) == "—"
    assert probe.dash_cell(window, "total", POINTS) == "0"  # never counted as 自己評価
    assert probe.dash_cell(window, "total", PROJECTED) == "30"  # 目標Ⅳ counts in both grants


def test_external_points_outside_the_total(make_window, db_path, r8):
    window = new_window(make_window, db_path, r8)
    window.jump_to(FRAME_ITEM)
    row = window.panel.row_for(FRAME_ITEM)
    assert isinstance(row, ExternalRow)
    assert row.spin.text() == "未回答"
    row.spin.setValue(40)
    row.spin.editingFinished.emit()
    assert probe_answers(db_path)[FRAME_ITEM] == "40"
    model = window.dashboard_model
    frame = model.row_of("suishin.outcome-frame")
    assert model.index(frame, model.column_of(PROJECTED)).data() == "40"
    total = model.row_of("total")
    assert model.index(total, model.column_of(PROJECTED)).data() == "0"  # 別枠: not in the 800
    row.spin.setValue(-1)  # back to 未回答
    row.spin.editingFinished.emit()
    assert FRAME_ITEM not in probe_answers(db_path)


def probe_answers(db_path):
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path, read_only=True) as store:
        return store.answers(store.evaluations()[0].id)


def test_wording_reference_and_own_wording(make_window, db_path, r8, probe):
    window = new_window(make_window, db_path, r8)
    window.jump_to(f"{ISSUES}.a")
    row = window.panel.row_for(f"{ISSUES}.a")
    assert row.wording.text().startswith("日常の療養支援・入退院支援")
    assert row.source_mark.text() == "参考" and "公式文言ではありません" in row.source_mark.toolTip()
    edit = window.panel.notes.wording_edits[f"{ISSUES}.a"]
    edit.setFocus()
    probe.type_japanese(edit, "4場面の目指す姿を設定")
    window.panel.notes.memo.setFocus()  # leaving the field saves it
    assert probe.stored(db_path).wordings == {f"{ISSUES}.a": "4場面の目指す姿を設定"}
    assert row.wording.text() == "4場面の目指す姿を設定"
    assert row.source_mark.text() == "要旨"  # the source is a small mark beside the text
    window.menus.actions["undo"].trigger()
    assert probe.stored(db_path).wordings == {}
    assert row.source_mark.text() == "参考"
    assert edit.text() == ""


def test_official_wording_wins_over_everything():
    item = Item(id="x", label="ア", rule="check", points=1, wording="公式の文言", hint="参考")
    assert wording_text(item, "自分の文言") == ("公式の文言", False)
    plain = Item(id="y", label="イ", rule="check", points=1)
    assert wording_text(plain, None) == ("", False)


def test_attachments_copy_export_and_remove(make_window, db_path, r8, tmp_path):
    window = new_window(make_window, db_path, r8)
    window.jump_to(ISSUES)
    evidence = tmp_path / "会議録.pdf"
    evidence.write_bytes(b"%PDF-1.4 minutes")
    window.prompts.attachment_answer = evidence
    notes = window.panel.notes
    notes.add_button.click()
    assert notes.attachments.count() == 1
    assert notes.attachments.item(0).text().startswith("会議録.pdf")
    evidence.unlink()  # the copy lives in the evaluation file, not on the share
    notes.attachments.setCurrentRow(0)
    out = tmp_path / "出力.pdf"
    window.prompts.export_answer = out
    notes.export_button.click()
    assert out.read_bytes() == b"%PDF-1.4 minutes"
    notes.remove_button.click()
    assert window.prompts.confirms and "会議録.pdf" in window.prompts.confirms[-1]
    assert notes.attachments.item(0).text() == "（添付なし）"
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path, read_only=True) as store:
        assert store.attachments(store.evaluations()[0].id) == []


def test_rows_follow_the_rule_kinds(make_window, db_path, r8):
    window = new_window(make_window, db_path, r8)
    kinds = {}
    for indicator in r8.all_indicators():
        window.jump_to(indicator.id)
        for row in window.panel.rows:
            kinds.setdefault(row.item.rule, set()).add(type(row).__name__)
    assert kinds["check"] == {"CheckRow"}
    assert kinds["tiers"] == {"OptionRow"} and kinds["count"] == {"OptionRow"}
    assert kinds["all_of"] == {"AllOfRow", "PartRow"}
    assert kinds["external"] == {"ExternalRow"}
    assert CheckRow and OptionRow  # imported for the names above


def test_a_new_indicator_is_shown_from_its_top(make_window, db_path, r8, qtbot):
    window = new_window(make_window, db_path, r8)
    window.resize(1280, 600)
    window.show()
    bar = window.panel.scroll.verticalScrollBar()
    # Two indicators with more sub-items than the panel shows at once.
    window.jump_to("suishin.I.process.measures-review")
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    window.jump_to("suishin.III.process.collaboration")
    qtbot.wait(10)
    assert bar.maximum() > 0
    assert bar.value() == 0
