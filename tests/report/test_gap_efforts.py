"""Effort marks on the 伸びしろ rows (実現性: 容易・要調整・不可): stored per evaluation,
audited, defaulted to 不可 for the items the state scores, shown in the CLI and report."""

from __future__ import annotations

import json

import openpyxl
import pytest

from desktop.cli import main
from desktop.evaluation.session import Session, create_evaluation
from desktop.records import ACTION_EFFORT, ACTION_LABELS, Municipality
from desktop.report.gaps import session_gaps
from desktop.report.model import build_report
from desktop.report.xlsx import GAPS_SHEET, save_report_xlsx
from desktop.store import EvaluationFile
from desktop.store.errors import InvalidInput

UNMET = "shien.II.process.supporters.a"
STATE_SCORED = "suishin.I.activity.score-rank.tier"  # 国が算定 (活動指標)


@pytest.fixture
def answered(session_r8):
    session_r8.set_answers({UNMET: "非該当", "shien.II.process.supporters.e": "非該当"})
    return session_r8


def by_id(gaps):
    return {gap.item_id: gap for gap in gaps}


def test_a_mark_is_stored_read_back_and_audited(answered):
    assert answered.gap_efforts() == {}
    changes = answered.set_gap_effort(UNMET, "容易", source="画面")
    assert [(c.kind, c.target, c.old, c.new) for c in changes] == [
        (ACTION_EFFORT, UNMET, None, "容易")
    ]
    answered.set_gap_effort(UNMET, "要調整", source="画面")
    assert answered.gap_efforts() == {UNMET: "要調整"}
    assert answered.set_gap_effort(UNMET, "要調整") == []  # unchanged: nothing written

    entries = [e for e in answered.store.history(answered.evaluation_id) if e.target == UNMET]
    efforts = [(e.old, e.new) for e in entries if e.action == ACTION_EFFORT]
    assert sorted(efforts, key=str) == sorted([(None, "容易"), ("容易", "要調整")], key=str)
    assert ACTION_LABELS[ACTION_EFFORT] == "伸びしろの実現性"

    answered.set_gap_effort(UNMET, None)
    assert answered.gap_efforts() == {}


def test_a_mark_belongs_to_its_evaluation(store, r7, r8):
    first = create_evaluation(store, r7, municipality=Municipality(name="架空町"))
    second = create_evaluation(store, r8)
    first.set_gap_effort(UNMET, "不可")
    assert first.gap_efforts() == {UNMET: "不可"}
    assert second.gap_efforts() == {}
    reopened = Session.open(store, first.record.fiscal_year)
    assert reopened.gap_efforts() == {UNMET: "不可"}


def test_an_unknown_mark_is_refused_in_japanese(answered):
    with pytest.raises(InvalidInput, match="容易・要調整・不可"):
        answered.set_gap_effort(UNMET, "簡単")
    assert answered.gap_efforts() == {}


def test_state_scored_items_default_to_impossible_and_are_listed_only_on_request(answered):
    assert STATE_SCORED not in by_id(session_gaps(answered))
    gaps = by_id(session_gaps(answered, include_state_scored=True))
    assert gaps[STATE_SCORED].state_scored is True
    assert gaps[STATE_SCORED].effort == "不可"
    assert gaps[STATE_SCORED].note == "国が採点する小項目（加点は国の算定による）"
    assert gaps[UNMET].effort == "未設定" and gaps[UNMET].effort_mark is None

    answered.set_gap_effort(STATE_SCORED, "要調整")
    answered.set_gap_effort(UNMET, "容易")
    gaps = by_id(session_gaps(answered, include_state_scored=True))
    assert gaps[STATE_SCORED].effort == "要調整"
    assert gaps[UNMET].to_dict()["effort"] == "容易"


def test_cli_json_has_the_effort_field(capsys, db_path, r8):
    with EvaluationFile.open(db_path) as store:
        session = create_evaluation(store, r8, municipality=Municipality(name="架空町"))
        session.set_answers({UNMET: "非該当"})
        session.set_gap_effort(UNMET, "要調整")
    assert main(["gaps", "--db", str(db_path), "--json"]) == 0
    rows = {row["item_id"]: row for row in json.loads(capsys.readouterr().out)["gaps"]}
    assert rows[UNMET]["effort"] == "要調整"
    assert STATE_SCORED not in rows
    assert all(row["effort"] is None for key, row in rows.items() if key != UNMET)

    assert main(["gaps", "--db", str(db_path), "--json", "--state-scored"]) == 0
    rows = {row["item_id"]: row for row in json.loads(capsys.readouterr().out)["gaps"]}
    assert rows[STATE_SCORED]["effort"] == "不可"
    assert rows[STATE_SCORED]["state_scored"] is True


def test_the_report_sheet_shows_the_mark(answered, tmp_path):
    listed = build_report(answered).gaps[0].item_id  # the report shows the top rows only
    answered.set_gap_effort(listed, "容易")
    report = build_report(answered)
    path = tmp_path / "report.xlsx"
    save_report_xlsx(report, path)
    sheet = openpyxl.load_workbook(path)[GAPS_SHEET]
    headers = [cell.value for cell in sheet[3]]
    column = headers.index("実現性") + 1
    marks = {
        sheet.cell(row, column).value
        for row in range(4, sheet.max_row + 1)
        if sheet.cell(row, column).value
    }
    assert "容易" in marks and "未設定" in marks
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, column).value == "容易")
    assert sheet.cell(row, column).data_type == "s"


def test_the_report_html_shows_the_mark(answered):
    from desktop.report.html import report_html

    listed = build_report(answered).gaps[0].item_id
    answered.set_gap_effort(listed, "要調整")
    html = report_html(build_report(answered))
    assert "実現性" in html and "要調整" in html
