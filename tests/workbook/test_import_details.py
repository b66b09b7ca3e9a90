"""What the import preview and apply tell and do beyond the values: who, status, cut-offs."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.records import STATUS_FINAL, STATUS_IN_PROGRESS, STATUS_NOT_STARTED
from desktop.workbook.importer import (
    PREFER_DATABASE,
    PREFER_WORKBOOK,
    ImportRejected,
    PendingChange,
    Problem,
    apply,
    preview_import,
)
from desktop.workbook.layout import COL

FEATURES = "suishin.I.process.features"
TARGET = f"{FEATURES}.c"
UNTOUCHED = "suishin.III.process.workforce"  # no note, no answer in the fixture


def _as(session, user: str):
    session.store.user = user
    return session


def test_the_last_of_several_changes_names_who_changed_it(filled, exported, wb, tmp_path):
    edited = wb.edit(exported, tmp_path / "w.xlsx", {(TARGET, "回答"): "該当"})
    _as(filled, "佐藤").answer(TARGET, "非該当")
    _as(filled, "鈴木").answer(TARGET, "該当")
    _as(filled, "田中").answer(TARGET, "非該当")
    last = filled.store.history(filled.evaluation_id, target=TARGET)[-1]
    preview = preview_import(filled, edited)
    (conflict,) = preview.conflicts
    assert (conflict.last_user, conflict.last_at) == ("田中", last.at)
    assert conflict.last_changed == f"田中（{last.at.replace('T', ' ')[:16]}）"


def test_who_changed_a_note_is_the_note_field_s_own_history(filled, exported, wb, tmp_path):
    edited = wb.edit(exported, tmp_path / "n.xlsx", {(FEATURES, "備考"): "ブックの備考"})
    _as(filled, "佐藤").note(FEATURES, memo="画面の備考")
    _as(filled, "鈴木").note(FEATURES, evidence="別の欄")  # another field: not this one's history
    preview = preview_import(filled, edited)
    (conflict,) = preview.conflicts
    assert (conflict.field, conflict.last_user) == ("memo", "佐藤")


def test_a_value_nobody_changed_in_the_app_shows_a_dash(filled, exported, wb, tmp_path):
    edited = wb.edit(exported, tmp_path / "d.xlsx", {(f"{FEATURES}.d", "回答"): "該当"})
    (change,) = preview_import(filled, edited).changes
    assert (change.last_user, change.last_changed) == (None, "—")
    assert (change.exported, change.database, change.workbook) == (None, None, "該当")
    assert change.conflict is False


def _status(session, indicator_id: str) -> str:
    return session.store.indicator_note(session.evaluation_id, indicator_id).status


def test_an_import_makes_an_answered_indicator_in_progress(filled, exported, wb, tmp_path):
    item = f"{UNTOUCHED}.a"
    assert _status(filled, UNTOUCHED) == STATUS_NOT_STARTED
    edited = wb.edit(exported, tmp_path / "s.xlsx", {(item, "回答"): "該当"})
    apply(preview_import(filled, edited), backup=False)
    assert filled.answers()[item] == "該当"
    assert _status(filled, UNTOUCHED) == STATUS_IN_PROGRESS


def test_an_import_marks_the_indicator_of_an_answered_part(filled, exported, wb, tmp_path):
    part = "suishin.II.process.optimization-programs.a.p2"
    indicator = "suishin.II.process.optimization-programs"
    filled.note(indicator, status=STATUS_NOT_STARTED)
    edited = wb.edit(exported, tmp_path / "p.xlsx", {(part, "回答"): "該当"})
    apply(preview_import(filled, edited), backup=False)
    assert _status(filled, indicator) == STATUS_IN_PROGRESS


def test_an_import_leaves_a_later_status_alone(filled, exported, wb, tmp_path):
    filled.note(FEATURES, status=STATUS_FINAL)
    edited = wb.edit(exported, tmp_path / "f.xlsx", {(f"{FEATURES}.d", "回答"): "該当"})
    apply(preview_import(filled, edited), backup=False)
    assert _status(filled, FEATURES) == STATUS_FINAL


def test_clearing_an_answer_does_not_start_an_indicator(filled, exported, wb, tmp_path):
    item = "shien.I.process.data-issues.a"  # answered 該当 in the fixture
    indicator = "shien.I.process.data-issues"
    filled.note(indicator, status=STATUS_NOT_STARTED)
    edited = wb.edit(exported, tmp_path / "c.xlsx", {(item, "回答"): None})
    changes = apply(preview_import(filled, edited), backup=False)
    assert item not in filled.answers()
    assert _status(filled, indicator) == STATUS_NOT_STARTED
    assert [c.field for c in changes if c.target == indicator] == []


@pytest.fixture
def many_conflicts(filled, exported, wb, tmp_path):
    """Six items changed in the workbook and, differently, in the app after the export."""
    items = [f"{FEATURES}.{letter}" for letter in "cd"] + [
        f"{UNTOUCHED}.{letter}" for letter in "abcd"
    ]
    edited = wb.edit(exported, tmp_path / "m.xlsx", {(item, "回答"): "該当" for item in items})
    filled.set_answers({item: "非該当" for item in items})
    return preview_import(filled, edited), items


def test_six_undecided_conflicts_list_five_and_say_how_many_more(filled, many_conflicts, wb):
    preview, _ = many_conflicts
    assert len(preview.conflicts) == 6
    before = wb.digest(filled.store.path)
    with pytest.raises(ImportRejected) as raised:
        apply(preview, {})
    message = str(raised.value)
    assert message.startswith("競合 6 件について")
    assert message.endswith(" ほか 1 件")
    listed = [c for c in preview.conflicts if c.where in message]
    assert len(listed) == 5 and message.count("（回答）") == 5
    assert wb.digest(filled.store.path) == before


def test_five_undecided_conflicts_are_all_listed(filled, many_conflicts):
    preview, _ = many_conflicts
    decided = {preview.conflicts[0].key: PREFER_DATABASE}
    with pytest.raises(ImportRejected) as raised:
        apply(preview, decided)
    message = str(raised.value)
    assert "競合 5 件" in message and "ほか" not in message
    assert message.count("（回答）") == 5


def test_conflicts_decided_one_by_one(filled, many_conflicts):
    preview, items = many_conflicts
    decisions = {c.key: PREFER_WORKBOOK for c in preview.conflicts}
    decisions[preview.conflicts[0].key] = PREFER_DATABASE
    apply(preview, decisions, backup=False)
    answers = filled.answers()
    kept = preview.conflicts[0].target
    assert answers[kept] == "非該当"
    assert all(answers[item] == "該当" for item in items if item != kept)


def test_a_preview_with_only_conflicts_for_the_database_writes_nothing(filled, many_conflicts, wb):
    preview, _ = many_conflicts
    before = wb.digest(filled.store.path)
    assert apply(preview, {c.key: PREFER_DATABASE for c in preview.conflicts}) == []
    assert wb.digest(filled.store.path) == before


def test_a_change_made_after_the_preview_refuses_the_import(filled, exported, wb, tmp_path):
    item = f"{FEATURES}.d"
    edited = wb.edit(exported, tmp_path / "late.xlsx", {(item, "回答"): "該当"})
    preview = preview_import(filled, edited)
    filled.answer(item, "非該当")
    before = wb.digest(filled.store.path)
    with pytest.raises(ImportRejected, match="確認画面を表示した後で"):
        apply(preview, backup=False)
    assert wb.digest(filled.store.path) == before


def test_a_note_changed_after_the_preview_refuses_the_import(filled, exported, wb, tmp_path):
    edited = wb.edit(exported, tmp_path / "late2.xlsx", {(UNTOUCHED, "備考"): "ブック"})
    preview = preview_import(filled, edited)
    filled.note(UNTOUCHED, memo="画面")
    with pytest.raises(ImportRejected, match="確認画面を表示した後で"):
        apply(preview, backup=False)
    assert filled.store.indicator_note(filled.evaluation_id, UNTOUCHED).memo == "画面"


def test_a_preview_with_problems_is_refused_by_apply(filled, exported, wb, tmp_path):
    edited = wb.edit(exported, tmp_path / "bad.xlsx", {(TARGET, "回答"): "はい？"})
    preview = preview_import(filled, edited)
    with pytest.raises(ImportRejected, match="1 件の問題"):
        apply(preview, {})


def test_what_the_preview_shows(filled, exported, wb, tmp_path):
    edited = wb.edit(
        exported,
        tmp_path / "表示.xlsx",
        {(f"{FEATURES}.d", "回答"): "該当", (UNTOUCHED, "根拠資料"): "計画書"},
    )
    preview = preview_import(filled, edited)
    assert preview.ok and not preview.is_empty
    described = preview.describe()
    manifest = preview.manifest
    exported_at = manifest.exported_at.replace("T", " ")[:16]
    assert described == (
        f"表示.xlsx（提出用ブック、北塩原村 令和8年度、{exported_at} {manifest.exported_by} が出力）"
    )
    assert "municipal" not in described and "第" not in described  # no catalog id or revision
    answer = next(c for c in preview.changes if c.field == "answer")
    note = next(c for c in preview.changes if c.field == "evidence")
    assert (answer.field_label, note.field_label) == ("回答", "根拠資料")
    assert answer.key == f"{FEATURES}.d|answer"
    assert answer.where == "推進交付金 目標Ⅰ 体制・取組指標群 1-エ"
    assert note.where == "推進交付金 目標Ⅲ 体制・取組指標群 1"
    assert (answer.show(None), answer.show("該当")) == ("未回答", "該当")
    assert (note.show(""), note.show(None), note.show("計画書")) == (
        "（空欄）",
        "（空欄）",
        "計画書",
    )


def test_a_problem_says_where_it_is():
    assert (
        str(Problem("値が違います", "推進交付金", 12)) == "シート「推進交付金」12行目: 値が違います"
    )
    assert (
        str(Problem("見出しがありません", "推進交付金"))
        == "シート「推進交付金」: 見出しがありません"
    )
    assert str(Problem("読めません")) == "読めません"


def test_an_empty_workbook_import_changes_nothing(filled, exported, wb):
    before = wb.digest(filled.store.path)
    preview = preview_import(filled, exported)
    assert preview.ok and preview.is_empty
    assert apply(preview) == []
    assert wb.digest(filled.store.path) == before


def test_text_cells_keep_numbers_dates_and_booleans_readable(filled, exported, wb, tmp_path):
    """A number, a date or TRUE typed into 備考 is stored as the text Excel shows."""
    import datetime

    sheet, row = wb.row_of(exported, UNTOUCHED)
    workbook = openpyxl.load_workbook(exported)
    cells = workbook[sheet]
    cells.cell(row=row, column=COL["根拠資料"]).value = 12.0
    cells.cell(row=row, column=COL["担当課"]).value = True
    cells.cell(row=row, column=COL["備考"]).value = datetime.date(2026, 4, 1)
    workbook.save(tmp_path / "types.xlsx")
    preview = preview_import(filled, tmp_path / "types.xlsx")
    values = {c.field: c.workbook for c in preview.changes}
    assert values == {"evidence": "12", "section": "TRUE", "memo": "2026-04-01T00:00:00"}


def test_a_note_change_is_labelled_with_the_note_field():
    change = PendingChange("t", "memo", "シート", 3, "どこ", "", "", "新")
    assert (change.field_label, change.key) == ("備考", "t|memo")
    assert PendingChange("t", "other", "シート", 3, "どこ", "", "", "").field_label == "other"


# --- identity and structure: each refusal with its own words ------------------------------------
def _forged(exported, tmp_path, wb, **changes):
    import dataclasses

    from desktop.workbook.layout import SHEET_MANIFEST
    from desktop.workbook.manifest import write_manifest

    manifest = dataclasses.replace(wb.manifest(exported), **changes)
    workbook = openpyxl.load_workbook(exported)
    del workbook[SHEET_MANIFEST]
    write_manifest(workbook, manifest)
    workbook.save(tmp_path / "forged.xlsx")
    return tmp_path / "forged.xlsx"


def _errors(session, path) -> str:
    return "\n".join(str(p) for p in preview_import(session, path).errors)


def test_another_municipality_code_is_refused(filled, exported, tmp_path, wb):
    assert filled.municipality().code
    path = _forged(exported, tmp_path, wb, municipality_code="999999")
    assert "北塩原村 の評価から出力されています（開いている評価ファイルは 北塩原村）" in _errors(
        filled, path
    )


def test_a_manifest_without_a_municipality_code_is_matched_by_name(filled, exported, tmp_path, wb):
    path = _forged(exported, tmp_path, wb, municipality_code="")
    assert preview_import(filled, path).ok


def test_a_workbook_without_a_municipality_name_says_so(filled, exported, tmp_path, wb):
    path = _forged(exported, tmp_path, wb, municipality="")
    assert "このブックは （市町村名なし） の評価から出力されています" in _errors(filled, path)


def test_another_evaluation_id_is_refused(filled, exported, tmp_path, wb):
    path = _forged(exported, tmp_path, wb, evaluation_id=filled.evaluation_id + 1)
    assert "別の評価ファイル" in _errors(filled, path)


def test_another_year_is_refused_before_the_catalog_is_compared(filled, exported, tmp_path, wb):
    path = _forged(exported, tmp_path, wb, fiscal_year=2025, catalog_id="municipal-r7")
    text = _errors(filled, path)
    assert "このブックは令和7年度の評価です（開いている評価は令和8年度）" in text
    assert "評価指標 municipal-r7 で出力" not in text


def test_another_revision_warns_without_internal_numbers(filled, exported, tmp_path, wb):
    path = _forged(exported, tmp_path, wb, catalog_revision=7, catalog_hash="0" * 64)
    preview = preview_import(filled, path)
    assert preview.ok
    assert preview.warnings == [
        "このブックは、評価指標が更新される前に出力されました。すべての行の小項目が"
        "いまの評価指標にあるため取り込めますが、得点はいまの評価指標で計算されます。"
    ]


def test_the_same_catalog_gives_no_warning(filled, exported):
    assert preview_import(filled, exported).warnings == []


def test_a_deleted_sheet_without_others_gets_no_hint(filled, exported, tmp_path):
    workbook = openpyxl.load_workbook(exported)
    del workbook["努力支援交付金"]
    workbook.save(tmp_path / "deleted.xlsx")
    text = _errors(filled, tmp_path / "deleted.xlsx")
    assert "シート「努力支援交付金」: シートがありません" in text
    assert "ほかのシート" not in text


def test_columns_this_version_cannot_read_are_refused(filled, exported, tmp_path, wb):
    """The sheet matches the manifest's columns, but they are not this version's."""
    from desktop.workbook.layout import COLUMNS

    path = _forged(exported, tmp_path, wb, columns=tuple(COLUMNS[:-1]))
    preview = preview_import(filled, path)
    assert "この版では読めない列の構成です" in "\n".join(str(p) for p in preview.errors)
    assert {p.row for p in preview.errors} == {3}


def test_an_error_value_in_a_note_or_answer_cell_is_named(filled, exported, tmp_path, wb):
    sheet, row = wb.row_of(exported, FEATURES)
    _, item_row = wb.row_of(exported, TARGET)
    workbook = openpyxl.load_workbook(exported)
    workbook[sheet].cell(row=row, column=COL["備考"]).value = "#N/A"
    workbook[sheet].cell(row=row, column=COL["備考"]).data_type = "e"
    workbook[sheet].cell(row=item_row, column=COL["回答"]).value = "#DIV/0!"
    workbook[sheet].cell(row=item_row, column=COL["回答"]).data_type = "e"
    workbook.save(tmp_path / "errors.xlsx")
    preview = preview_import(filled, tmp_path / "errors.xlsx")
    text = "\n".join(str(p) for p in preview.errors)
    assert f"シート「{sheet}」{row}行目: 「備考」がエラー値（#N/A）です。" in text
    assert f"シート「{sheet}」{item_row}行目: 回答欄がエラー値（#DIV/0!）です。" in text


@pytest.mark.parametrize("typed", [True, False])
def test_a_boolean_is_not_an_answer(filled, exported, tmp_path, wb, typed):
    path = wb.edit(exported, tmp_path / "b.xlsx", {(TARGET, "回答"): typed})
    assert f"「{typed}」は回答として使えません。" in _errors(filled, path)


def test_a_boolean_in_a_note_is_its_excel_word(filled, exported, tmp_path, wb):
    path = wb.edit(exported, tmp_path / "f.xlsx", {(UNTOUCHED, "担当課"): False})
    assert [c.workbook for c in preview_import(filled, path).changes] == ["FALSE"]


@pytest.mark.parametrize(
    ("target", "typed", "stored"),
    [
        (TARGET, "未回答", None),
        (TARGET, " 該当 ", "該当"),
        ("suishin.II.process.optimization-programs.b", "イ2", "イ②"),  # typed without ②
        ("suishin.outcome-frame.efforts.points", 7.0, "7"),
        ("suishin.II.process.optimization-programs.a.p2", "非該当", "非該当"),
    ],
)
def test_what_an_answer_cell_may_hold(filled, exported, tmp_path, wb, target, typed, stored):
    path = wb.edit(exported, tmp_path / "a.xlsx", {(target, "回答"): typed})
    preview = preview_import(filled, path)
    assert preview.ok, _errors(filled, path)
    before = filled.answers().get(target)
    changes = [(c.target, c.workbook) for c in preview.changes]
    assert changes == ([] if stored == before else [(target, stored)])


def test_a_part_row_accepts_only_met_or_not_met(filled, exported, tmp_path, wb):
    part = "suishin.II.process.optimization-programs.a.p2"
    path = wb.edit(exported, tmp_path / "p.xlsx", {(part, "回答"): "イ①"})
    assert "「イ①」は回答として使えません（使える値: 該当・非該当。空欄は未回答）" in _errors(
        filled, path
    )


def test_text_below_the_rows_outside_the_input_columns_is_allowed(filled, exported, tmp_path):
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook["推進交付金"]
    last = sheet.max_row
    sheet.cell(row=last + 2, column=COL["目標"]).value = "ここまで確認済み"
    sheet.cell(row=last + 3, column=COL["回答"]).value = None
    workbook.save(tmp_path / "below.xlsx")
    assert preview_import(filled, tmp_path / "below.xlsx").ok


def test_a_cleared_row_is_shown_as_an_empty_row(filled, exported, tmp_path, wb):
    sheet, row = wb.row_of(exported, TARGET)
    workbook = openpyxl.load_workbook(exported)
    for name in ("目標", "指標群", "番号", "小項目"):
        workbook[sheet].cell(row=row, column=COL[name]).value = None
    workbook.save(tmp_path / "cleared.xlsx")
    assert "現在: （空の行）" in _errors(filled, tmp_path / "cleared.xlsx")


def test_a_section_workbook_describes_its_section(filled, tmp_path, wb):
    from desktop.workbook.section import export_section

    path = export_section(filled, wb.SECTION_CARE, tmp_path / "課.xlsx")
    preview = preview_import(filled, path)
    assert f"（担当課用ブック「{wb.SECTION_CARE}」、北塩原村 令和8年度" in preview.describe()


def test_a_file_that_cannot_be_read_is_described_by_its_name(filled, tmp_path):
    path = tmp_path / "壊れた.xlsx"
    path.write_bytes(b"not a workbook")
    preview = preview_import(filled, path)
    assert preview.manifest is None and preview.describe() == "壊れた.xlsx"
    assert not preview.ok and preview.is_empty


@pytest.mark.parametrize(("seconds_later", "backups"), [(599, 1), (600, 2)])
def test_a_new_batch_of_imports_starts_ten_minutes_after_the_last_backup(
    filled, exported, wb, tmp_path, monkeypatch, seconds_later, backups
):
    import datetime as real

    from desktop.store.backup import list_backups
    from desktop.workbook import importer

    first = wb.edit(exported, tmp_path / "1.xlsx", {(TARGET, "回答"): "該当"})
    second = wb.edit(exported, tmp_path / "2.xlsx", {(f"{FEATURES}.d", "回答"): "該当"})
    apply(preview_import(filled, first), {})
    (made,) = list_backups(filled.store.path)

    class Later(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return made.created + real.timedelta(seconds=seconds_later)

    monkeypatch.setattr(importer, "datetime", Later)
    apply(preview_import(filled, second), {})
    reasons = [b.reason for b in list_backups(filled.store.path)]
    assert reasons.count("before-import") == backups


def test_a_change_says_where_it_is_in_the_workbook(filled, exported, wb, tmp_path):
    edited = wb.edit(
        exported,
        tmp_path / "where.xlsx",
        {(f"{FEATURES}.d", "回答"): "該当", (UNTOUCHED, "備考"): "備考"},
    )
    changes = preview_import(filled, edited).changes
    assert {(c.target, c.sheet, c.row) for c in changes} == {
        (f"{FEATURES}.d", *wb.row_of(exported, f"{FEATURES}.d")),
        (UNTOUCHED, *wb.row_of(exported, UNTOUCHED)),
    }


def test_a_note_for_an_indicator_without_notes_is_applied(filled, exported, wb, tmp_path):
    assert UNTOUCHED not in filled.store.indicator_notes(filled.evaluation_id)
    edited = wb.edit(exported, tmp_path / "new-note.xlsx", {(UNTOUCHED, "根拠資料"): "計画書"})
    preview = preview_import(filled, edited)
    assert [(c.database, c.workbook) for c in preview.changes] == [("", "計画書")]
    apply(preview, backup=False)
    assert filled.store.indicator_note(filled.evaluation_id, UNTOUCHED).evidence == "計画書"


def test_who_changed_it_is_taken_from_this_year_only(filled, exported, wb, tmp_path, r7):
    """The same sub-item id changed later in another year's evaluation in the same file."""
    from desktop.evaluation.session import create_evaluation

    edited = wb.edit(exported, tmp_path / "years.xlsx", {(TARGET, "回答"): "該当"})
    _as(filled, "佐藤").answer(TARGET, "非該当")
    last_year = create_evaluation(filled.store, r7)
    assert last_year.catalog.has_item(TARGET)
    _as(last_year, "鈴木").answer(TARGET, "該当")
    (conflict,) = preview_import(filled, edited).conflicts
    assert conflict.last_user == "佐藤"


def test_a_value_the_file_already_has_does_not_hide_the_changes_after_it(
    filled, exported, wb, tmp_path
):
    edited = wb.edit(
        exported,
        tmp_path / "both.xlsx",
        {(TARGET, "回答"): "非該当", (f"{FEATURES}.d", "回答"): "該当"},
    )
    filled.answer(TARGET, "非該当")  # the file already says what the workbook says (row c)
    preview = preview_import(filled, edited)
    assert [(c.target, c.workbook) for c in preview.changes] == [(f"{FEATURES}.d", "該当")]
    assert preview.conflicts == []
