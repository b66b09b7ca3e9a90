"""Each filter of the navigation tree, used through its widget in the real window."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from desktop.scoring import tree as T
from desktop.store import EvaluationFile
from desktop.ui.tree_model import LEVEL_ROLE, NODE_ID_ROLE

ISSUES = "shien.III.process.issues-and-measures"  # hints mention 看取り
FEATURES = "suishin.I.process.features"
OPTIMIZATION = "suishin.II.process.optimization-programs"
SCORE_RANK = "suishin.I.activity.score-rank"


def visible_indicators(window) -> list[str]:
    proxy = window.navigation.proxy
    found = []

    def walk(parent: QModelIndex) -> None:
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            node_id = index.data(NODE_ID_ROLE)
            if index.data(LEVEL_ROLE) == T.INDICATOR and node_id not in found:
                found.append(node_id)  # 目標Ⅳ's indicators appear under both grants
            walk(index)

    walk(QModelIndex())
    return found


def all_indicators(window) -> list[str]:
    return window.tree_model.indicator_ids()


def prepare(db_path, r8, *, answers=None, notes=None, wordings=None, carried=None):
    from desktop.evaluation.session import create_evaluation

    with EvaluationFile.open(db_path) as store:
        session = create_evaluation(store, r8)
        if answers:
            session.set_answers(answers)
        for indicator_id, fields in (notes or {}).items():
            session.note(indicator_id, **fields)
        for item_id, text in (wordings or {}).items():
            store.set_wording(session.evaluation_id, item_id, text)
        if carried:
            store.set_answers(session.evaluation_id, carried, carried=True)


def open_window(make_window, db_path):
    window = make_window()
    assert window.open_path(db_path)
    return window


def test_unanswered_only(make_window, half_file, probe, qtbot):
    window = open_window(make_window, half_file)
    everything = all_indicators(window)
    probe.click(window.navigation.unanswered)
    shown = visible_indicators(window)
    tree = window.controller.tree
    expected = [i for i in everything if tree.node(i).answered < tree.node(i).answerable]
    assert shown == expected
    assert 0 < len(shown) < len(everything)
    assert SCORE_RANK not in shown  # the state scores it: nothing for the user to answer

    # answering the last open sub-items of an indicator takes it out of the list
    first = shown[0]
    open_items = [c for c in tree.node(first).children if c.answer is None and not c.state_scored]
    for item in open_items:
        window.controller.set_answer(
            item.id, "該当" if item.rule in ("check", "all_of") else "なし"
        )
    assert first not in visible_indicators(window)

    probe.click(window.navigation.unanswered)  # off again: everything is back
    assert visible_indicators(window) == everything


def test_lost_points(make_window, db_path, r8, probe):
    prepare(
        db_path,
        r8,
        answers={
            f"{FEATURES}.a": "該当",  # full points: nothing lost
            f"{ISSUES}.b": "非該当",  # lost
            f"{OPTIMIZATION}.b": "イ①",  # 2 of 6: lost
            f"{SCORE_RANK}.tier": "ア",  # an estimate below the top tier: lost
        },
    )
    window = open_window(make_window, db_path)
    probe.click(window.navigation.lost)
    assert sorted(visible_indicators(window)) == sorted([ISSUES, OPTIMIZATION, SCORE_RANK])
    # the user fixes one: it leaves the list at once
    window.controller.set_answer(f"{ISSUES}.b", "該当")
    assert ISSUES not in visible_indicators(window)


def test_section(make_window, db_path, r8, probe):
    prepare(
        db_path,
        r8,
        notes={ISSUES: {"section": "介護保険課"}, FEATURES: {"section": "高齢福祉課"}},
    )
    window = open_window(make_window, db_path)
    combo = window.navigation.section
    choices = [combo.itemText(i) for i in range(combo.count())]
    assert choices == ["担当課: すべて", "担当課: 介護保険課", "担当課: 高齢福祉課"]
    combo.setCurrentIndex(combo.findData("高齢福祉課"))
    assert visible_indicators(window) == [FEATURES]
    # a section entered for another indicator becomes a choice, and the filter follows it
    window.controller.set_note_field(OPTIMIZATION, "section", "高齢福祉課")
    assert visible_indicators(window) == [FEATURES, OPTIMIZATION]
    combo.setCurrentIndex(0)
    assert visible_indicators(window) == all_indicators(window)


def test_text_search_titles_labels_hints_and_own_wording(make_window, db_path, r8, probe):
    prepare(db_path, r8, wordings={f"{FEATURES}.b": "地域包括ケア見える化の独自備考"})
    window = open_window(make_window, db_path)
    search = window.navigation.search

    window.focus_search()  # Ctrl+F
    assert search.hasFocus()
    probe.type_japanese(search, "看取り")  # in a sub-item's reference text (在宅医療 1)
    assert search.text() == "看取り"
    assert ISSUES in visible_indicators(window)
    catalog = window.controller.catalog
    for indicator_id in visible_indicators(window):
        indicator = catalog.indicator(indicator_id)
        text = indicator.title + "".join(
            (i.hint or "") + "".join(o.note or "" for o in i.options) for i in indicator.items
        )
        assert "看取り" in text

    search.setText("独自備考")  # the user's own wording
    assert visible_indicators(window) == [FEATURES]

    search.setText("ｹｱﾌﾟﾗﾝ")  # half-width katakana finds ケアプラン
    assert visible_indicators(window)
    search.setText("存在しない語句")
    assert visible_indicators(window) == []

    window.navigation.clear_button.click()
    assert search.text() == ""
    assert visible_indicators(window) == all_indicators(window)


def test_carried_needs_checking(make_window, db_path, r8, probe):
    prepare(
        db_path,
        r8,
        answers={f"{FEATURES}.a": "該当"},
        carried={f"{ISSUES}.a": "該当", f"{OPTIMIZATION}.a.p1": "該当"},
    )
    window = open_window(make_window, db_path)
    probe.click(window.navigation.carried)
    assert sorted(visible_indicators(window)) == sorted([ISSUES, OPTIMIZATION])
    name = window.tree_model.index_of(ISSUES).data()
    assert name.endswith("〔引継〕")
    # the user confirms it by answering again: no longer carried
    window.controller.set_answer(f"{ISSUES}.a", "非該当")
    assert visible_indicators(window) == [OPTIMIZATION]


def test_filters_combine(make_window, db_path, r8, probe):
    prepare(
        db_path,
        r8,
        answers={f"{ISSUES}.b": "非該当", f"{FEATURES}.a": "非該当"},
        notes={ISSUES: {"section": "介護保険課"}, FEATURES: {"section": "高齢福祉課"}},
    )
    window = open_window(make_window, db_path)
    probe.click(window.navigation.lost)
    assert sorted(visible_indicators(window)) == sorted([ISSUES, FEATURES])
    combo = window.navigation.section
    combo.setCurrentIndex(combo.findData("介護保険課"))
    assert visible_indicators(window) == [ISSUES]
    window.clear_filters()
    assert visible_indicators(window) == all_indicators(window)
    assert not window.navigation.lost.isChecked()


def test_selection_survives_a_filtered_jump(make_window, half_file):
    """jump_to an indicator the filters hide: the filters are cleared so it can be shown."""
    window = open_window(make_window, half_file)
    window.navigation.search.setText("看取り")
    assert window.jump_to(FEATURES)
    assert window.navigation.current_node_id() == FEATURES
    assert window.navigation.search.text() == ""
    assert window.panel.indicator.id == FEATURES
