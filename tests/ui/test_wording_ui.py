"""Source marks, 「公式文言を貼り付け」 and 「この前提条件を適用しない」 in the window."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize

from desktop.records import TEXT_PASTED
from desktop.store import EvaluationFile

from .test_filters import visible_indicators

SHARING = "suishin.I.process.results-sharing"
PROGRESS = "suishin.I.process.plan-progress"
HEARING = "shien.II.process.hearing-loss"
SCREENSHOT_DIR = Path(os.environ.get("HYOKA_SCREENSHOT_DIR", "/tmp/hyoka-screenshots"))

PASTED_BLOCK = """2 介護保険事業計画の進捗状況(介護サービス見込量の計画値と実績値の乖離状況)を
分析しているか。
ア　年度ごとに計画値と実績値を把握し、乖離の状況を分
析している
令和８年度 保険者機能強化推進交付金 評価指標（市町村分）
- 5 -
令和８年度 保険者機能強化推進交付金 評価指標（市町村分）
イ．乖離の要因と対応策を、外部の関係者を含む場で検証している
(ウ) 検証の結果を踏まえ、計画の見直しを行っている
カ 存在しない小項目
"""


def new_window(make_window, db_path, r8, setup=None):
    from desktop.evaluation.session import create_evaluation
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path) as store:
        session = create_evaluation(store, r8)
        if setup:
            setup(session)
    window = make_window()
    assert window.open_path(db_path)
    return window


def test_each_text_shows_its_source_as_a_small_mark(make_window, db_path, r8):
    def setup(session):
        session.set_item_texts({f"{PROGRESS}.a": "貼り付けた公式文言"}, kind=TEXT_PASTED)
        session.store.set_wording(session.evaluation_id, f"{PROGRESS}.c", "自分たちの要旨")

    window = new_window(make_window, db_path, r8, setup)
    window.jump_to(SHARING)
    official = window.panel.row_for(f"{SHARING}.a")
    assert official.wording.text() == r8.item(f"{SHARING}.a").wording
    assert official.source_mark.text() == "公式"
    window.jump_to(PROGRESS)
    marks = {
        label: (window.panel.row_for(f"{PROGRESS}.{key}").source_mark.text(),
                window.panel.row_for(f"{PROGRESS}.{key}").wording.text())
        for label, key in (("ア", "a"), ("イ", "b"), ("ウ", "c"))
    }
    assert marks["ア"] == ("公式・貼り付け", "貼り付けた公式文言")
    assert marks["イ"] == ("参考", r8.item(f"{PROGRESS}.b").hint)
    assert marks["ウ"] == ("要旨", "自分たちの要旨")
    assert window.panel.row_for(f"{PROGRESS}.d").source_mark.text() == "参考"
    assert window.panel.notes_line.text().startswith("補足: 「議論の場」")


def test_one_indicator_with_official_pasted_own_and_hint_texts(make_window, db_path, r8):
    supporters = "shien.II.process.supporters"

    def setup(session):
        session.set_item_texts(
            {f"{supporters}.c": "認知症の人やその家族の意見を聞き、施策に反映している"},
            kind=TEXT_PASTED,
        )
        session.store.set_wording(
            session.evaluation_id, f"{supporters}.d", "チームオレンジとの連携を記録（要旨）"
        )

    window = new_window(make_window, db_path, r8, setup)
    window.jump_to(supporters)
    marks = [
        window.panel.row_for(f"{supporters}.{key}").source_mark.text() for key in "abcdef"
    ]
    assert marks == ["公式", "公式", "公式・貼り付け", "要旨", "参考", "公式"]
    _save(window, "wording-sources.png")


def test_paste_shows_a_preview_and_stores_the_texts_as_one_recorded_action(
    make_window, db_path, r8, probe
):
    window = new_window(make_window, db_path, r8)
    window.jump_to(PROGRESS)
    window.prompts.paste_text = PASTED_BLOCK
    window.panel.paste_button.click()
    dialog = window.prompts.paste_dialogs[-1]
    assert dialog.table.rowCount() == 3
    assert dialog.table.item(0, 1).text() == "年度ごとに計画値と実績値を把握し、乖離の状況を分析している"
    assert "カ 存在しない小項目" in dialog.unplaced.text()
    assert "エ" in dialog.unplaced.text()  # no text found for エ
    row = window.panel.row_for(f"{PROGRESS}.a")
    assert row.source_mark.text() == "公式・貼り付け"
    assert row.wording.text() == "年度ごとに計画値と実績値を把握し、乖離の状況を分析している"
    stored = probe.stored(db_path)
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path, read_only=True) as store:
        evaluation = store.evaluation_for_year()
        texts = store.item_texts(evaluation.id)
        history = [e for e in store.history(evaluation.id) if e.action == "item_text"]
    assert texts[f"{PROGRESS}.b"].text == "乖離の要因と対応策を、外部の関係者を含む場で検証している"
    assert {e.source for e in history} == {"公式文言の貼り付け"} and len(history) == 3
    assert stored.wordings == {}  # the own summaries are untouched
    _save(dialog, "wording-paste-dialog.png", QSize(900, 640))
    _save(window, "wording-pasted.png")


# A block that spans one page break holds the next page's header once: not glued onto ア.
ONE_HEADER_BLOCK = """ア　年度ごとに計画値と実績値を把握し、乖離の状況を分
析している
- 5 -
令和８年度 保険者機能強化推進交付金 評価指標（市町村分）
イ．乖離の要因と対応策を、外部の関係者を含む場で検証している
"""


def test_the_paste_preview_shows_a_header_seen_once_as_dropped(qtbot, r8):
    from desktop.ui.paste_dialog import PasteDialog

    dialog = PasteDialog(r8, r8.indicator(PROGRESS))
    qtbot.addWidget(dialog)
    dialog.source.setPlainText(ONE_HEADER_BLOCK)
    assert dialog.texts() == {
        f"{PROGRESS}.a": "年度ごとに計画値と実績値を把握し、乖離の状況を分析している",
        f"{PROGRESS}.b": "乖離の要因と対応策を、外部の関係者を含む場で検証している",
    }
    assert dialog.dropped.text() == (
        "除いた行（ページ番号・見出しなど）: "
        "「令和８年度 保険者機能強化推進交付金 評価指標（市町村分）」、ページ番号 1件"
    )
    assert not dialog.dropped.isHidden()
    dialog.source.setPlainText("ア　年度ごとに把握している")
    assert dialog.dropped.isHidden()
    dialog.source.setPlainText(ONE_HEADER_BLOCK)
    _save(dialog, "wording-paste-dropped.png")


APPEAL = "suishin.III.activity.appeal-training"


def test_a_tier_item_takes_pasted_text_and_the_preview_lists_the_unused_tiers(
    make_window, db_path, r8
):
    window = new_window(make_window, db_path, r8)
    window.jump_to(APPEAL)
    window.prompts.paste_text = (
        f"1 {r8.indicator(APPEAL).title}\n"
        "高齢者人口１万人当たりの研修修了者数\n"
        "ア 実績がある\nイ アのうち上位５割\nウ アのうち上位３割\nエ アのうち上位１割\n"
    )
    window.panel.paste_button.click()
    dialog = window.prompts.paste_dialogs[-1]
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "ア〜エ"
    assert dialog.definitions.text() == (
        "使わなかった段階の定義（各段階の内容は選択肢に表示）: "
        "ア 実績がある／イ アのうち上位５割／ウ アのうち上位３割／エ アのうち上位１割"
    )
    assert dialog.unplaced.isHidden()
    row = window.panel.row_for(f"{APPEAL}.tier")
    assert row.wording.text() == "高齢者人口１万人当たりの研修修了者数"
    assert row.source_mark.text() == "公式・貼り付け"
    _save(dialog, "wording-paste-tiers.png")
    _save(window, "wording-pasted-tiers.png")


def test_an_inferred_tier_explains_its_mark_in_a_tooltip(make_window, db_path, r8):
    import re

    window = new_window(make_window, db_path, r8)
    window.jump_to(APPEAL)
    row = window.panel.row_for(f"{APPEAL}.tier")
    button = row.buttons["イ"]
    assert "（推定）" in button.text()
    tip = button.toolTip()
    assert tip.startswith("全国該当率 16.6%\n")
    assert "「推定」" in tip and "全国の該当率" in tip
    assert not re.search(r"[A-Za-z]|https?:|\.yaml|suishin", tip)
    assert "推定" not in row.buttons["なし"].toolTip()
    window.jump_to("suishin.I.activity.score-rank")  # tiers from the official text: no mark
    tips = [b.toolTip() for b in window.panel.row_for("suishin.I.activity.score-rank.tier").buttons.values()]
    assert tips[1] == "全国該当率 70.5%" and not any("推定" in t for t in tips)


def test_cancelling_the_paste_stores_nothing(make_window, db_path, r8):
    window = new_window(make_window, db_path, r8)
    window.jump_to(PROGRESS)
    window.prompts.paste_text = None
    window.panel.paste_button.click()
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path, read_only=True) as store:
        assert store.item_texts(store.evaluation_for_year().id) == {}


def test_an_inferred_prerequisite_has_a_calm_mark_and_can_be_switched_off(
    make_window, db_path, r8, probe
):
    window = new_window(make_window, db_path, r8)
    window.jump_to(f"{HEARING}.c")
    row = window.panel.row_for(f"{HEARING}.c")
    mark = row.findChild(type(row.label), "inferredMark")
    assert mark.text() == "推定" and "推定したもの" in mark.toolTip()
    probe.click(row.met)
    assert row.points_label.text() == "0 / 5点" and row.reason.isVisible()
    row.waive.click()
    assert row.waive.isChecked()
    assert row.points_label.text() == "5 / 5点" and not row.reason.isVisible()
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path, read_only=True) as store:
        evaluation = store.evaluation_for_year()
        assert store.waived_prerequisites(evaluation.id) == {f"{HEARING}.c"}
        entry = store.history(evaluation.id)[-1]
        assert (entry.action, entry.new) == ("prerequisite_waiver", "適用しない")
    # Items whose prerequisites are not inferred have no switch.
    assert window.panel.row_for(f"{HEARING}.a").waive is None


def _save(widget, name: str, size: QSize | None = None) -> None:
    from PySide6.QtWidgets import QApplication

    size = size or QSize(1280, 800)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    widget.resize(size)
    widget.show()
    for _ in range(3):  # let the layouts settle at the new size before grabbing
        QApplication.processEvents()
    widget.grab().save(str(SCREENSHOT_DIR / name))


# --- the menus: the whole document, and wording packs ---------------------------------------------
@pytest.fixture
def answered_dialogs(monkeypatch):
    """The wording actions' file choosers and confirmations answer from a script."""
    import desktop.ui.wording_actions as actions

    script = {
        "source": None, "text": None, "pack": None, "confirm": True, "previews": [], "told": []
    }

    def confirm(_parent, title, summary, lines, ok_text):
        script["previews"].append((title, summary, lines))
        return script["confirm"]

    monkeypatch.setattr(actions, "ask_source_path", lambda _p: script["source"])
    monkeypatch.setattr(actions, "ask_document_text", lambda _p: script["text"])
    monkeypatch.setattr(actions, "ask_pack_path", lambda _p, save, suggested="": script["pack"])
    monkeypatch.setattr(actions, "confirm_preview", confirm)
    monkeypatch.setattr(actions, "tell", lambda _p, t, text, problem=False: script["told"].append(text))
    return script


def test_the_whole_document_is_read_from_the_menu_with_a_preview(
    make_window, db_path, r8, tmp_path, answered_dialogs
):
    window = new_window(make_window, db_path, r8)
    source = tmp_path / "評価指標.txt"
    source.write_text(
        f"2 {r8.indicator(PROGRESS).title}\nア 計画値を把握\nエ 公表\n"
        f"4 {r8.indicator(SHARING).title}\nア 同梱の公式文言と同じ場所\n",
        encoding="utf-8",
    )
    answered_dialogs["source"] = source
    window.features.actions["paste_wording_document"].trigger()
    _title, summary, lines = answered_dialogs["previews"][-1]
    assert "小項目 2 件" in summary
    assert "  ア: 同梱の公式文言と同じ場所（同梱の公式文言を表示）" in lines
    window.jump_to(PROGRESS)
    row = window.panel.row_for(f"{PROGRESS}.a")
    assert (row.source_mark.text(), row.wording.text()) == ("公式・貼り付け", "計画値を把握")


def test_the_whole_document_can_be_pasted_instead_of_read_from_a_file(
    make_window, db_path, r8, answered_dialogs
):
    window = new_window(make_window, db_path, r8)
    answered_dialogs["text"] = (
        f"2 {r8.indicator(PROGRESS).title}\nア 計画値を把握\n"
        "令和８年度 評価指標（市町村分）\nエ 公表\n"
    )
    window.features.actions["paste_wording_text"].trigger()
    _title, summary, lines = answered_dialogs["previews"][-1]
    assert summary.startswith("貼り付けた文から 1 の評価指標を見つけ、小項目 2 件")
    assert "  ア: 計画値を把握" in lines
    assert "除いた行（ページ番号・見出しなど）: 「令和８年度 評価指標（市町村分）」" in lines
    window.jump_to(PROGRESS)
    row = window.panel.row_for(f"{PROGRESS}.d")
    assert (row.source_mark.text(), row.wording.text()) == ("公式・貼り付け", "公表")
    with EvaluationFile.open(db_path, read_only=True) as store:
        evaluation = store.evaluation_for_year()
        history = [e for e in store.history(evaluation.id) if e.action == "item_text"]
    assert {e.source for e in history} == {"公式文言の貼り付け"} and len(history) == 2
    # Nothing found in the text: said so, nothing stored.
    answered_dialogs["text"] = "関係のない文"
    window.features.actions["paste_wording_text"].trigger()
    assert answered_dialogs["told"][-1].startswith("貼り付けた文から、この年度の評価指標の小項目の文が")


def test_the_document_text_dialog_reads_only_when_something_is_pasted(qtbot):
    from desktop.ui.wording_actions import DocumentTextDialog

    dialog = DocumentTextDialog()
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    dialog.text.setPlainText("2 介護保険事業計画の進捗状況\nア 計画値を把握")
    assert dialog.ok.isEnabled()
    _save(dialog, "wording-document-text.png")
    dialog.text.setPlainText("　\n")
    assert not dialog.ok.isEnabled()


def test_a_pack_is_written_and_read_back_from_the_menu(
    make_window, db_path, r8, tmp_path, answered_dialogs
):
    import openpyxl

    from desktop.wording.packs import HEADER_ROW, PACK_SHEET, TEXT_COLUMN

    window = new_window(make_window, db_path, r8)
    pack = tmp_path / "文言集.xlsx"
    answered_dialogs["pack"] = pack
    window.features.actions["export_wording_pack"].trigger()
    book = openpyxl.load_workbook(pack)
    sheet = book[PACK_SHEET]
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == f"{PROGRESS}.d":
            sheet.cell(row=row, column=TEXT_COLUMN, value="県の文言集の文")
    book.save(pack)
    answered_dialogs["confirm"] = False
    window.features.actions["import_wording_pack"].trigger()
    with EvaluationFile.open(db_path, read_only=True) as store:
        assert store.item_texts(store.evaluation_for_year().id) == {}  # cancelled: nothing
    answered_dialogs["confirm"] = True
    window.features.actions["import_wording_pack"].trigger()
    assert any("県の文言集の文" in line for line in answered_dialogs["previews"][-1][2])
    window.jump_to(PROGRESS)
    row = window.panel.row_for(f"{PROGRESS}.d")
    assert (row.source_mark.text(), row.wording.text()) == ("公式・文言集", "県の文言集の文")


def test_the_text_search_finds_a_pasted_official_text(make_window, db_path, r8):
    window = new_window(make_window, db_path, r8)
    window.jump_to(PROGRESS)
    window.prompts.paste_text = "ア 乖離の状況を独自資料で確認している\n"
    search = window.navigation.search
    search.setText("独自資料")
    assert visible_indicators(window) == []
    window.panel.paste_button.click()
    search.setText("")
    search.setText("独自資料")
    assert visible_indicators(window) == [PROGRESS]
