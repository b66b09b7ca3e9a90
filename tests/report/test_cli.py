"""The command line: report, carry, official, gaps."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import openpyxl
import pytest

from desktop.cli import main
from desktop.evaluation.session import Session, create_evaluation
from desktop.records import Municipality
from desktop.store import EvaluationFile


@pytest.fixture
def db_file(db_path, r7, r8):
    """A closed evaluation file with an answered R7 evaluation (no R8 yet)."""
    with EvaluationFile.open(db_path) as store:
        session = create_evaluation(store, r7, municipality=Municipality(name="北塩原村"))
        session.set_answers(
            {
                "suishin.I.process.features.a": "該当",
                "suishin.I.process.features.b": "非該当",
                "shien.II.process.supporters.a": "非該当",
                "shien.II.process.supporters.e": "非該当",
                "shien.I.process.coordinator.b": "該当",
            }
        )
        store.set_planned_response(session.evaluation_id, "suishin.I.process", "公表を検討する")
    return db_path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def open_session(path, year=None) -> tuple[EvaluationFile, Session]:
    store = EvaluationFile.open(path, read_only=True)
    return store, Session.open(store, year)


def test_report_xlsx(capsys, db_file, tmp_path):
    out = tmp_path / "結果.xlsx"
    code, stdout, stderr = run(
        capsys, "report", "--db", str(db_file), "--year", "R7", "--out", str(out)
    )
    assert (code, stderr) == (0, "")
    assert "令和7年度の評価結果" in stdout
    workbook = openpyxl.load_workbook(out)
    sheet = workbook["評価結果"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "公表を検討する" in values
    assert 800 in values  # the total's 配点, as a number


def test_report_rejects_other_formats_and_missing_years(capsys, db_file, tmp_path):
    code, _out, err = run(capsys, "report", "--db", str(db_file), "--out", str(tmp_path / "x.docx"))
    assert code == 1
    assert "拡張子は .xlsx か .pdf" in err
    assert not (tmp_path / "x.docx").exists()
    code, _out, err = run(
        capsys, "report", "--db", str(db_file), "--year", "R8", "--out", str(tmp_path / "x.xlsx")
    )
    assert code == 1
    assert "令和8年度" in err
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext がありません")
def test_report_pdf_in_a_fresh_process(db_file, tmp_path):
    """The PDF path starts its own offscreen QGuiApplication."""
    out = tmp_path / "結果.pdf"
    env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "report", "--db", str(db_file), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "公表を検討する" in text
    assert "評価結果" in text


def test_carry_dry_run_then_carry(capsys, db_file):
    code, out, err = run(capsys, "carry", "--db", str(db_file), "--dry-run")
    assert (code, err) == (0, "")
    assert "まだ何も書き込んでいません" in out
    assert "分割・再編（回答し直しが必要）: 1件" in out
    store = EvaluationFile.open(db_file, read_only=True)
    assert [r.fiscal_year for r in store.evaluations()] == [2025]
    store.close()

    code, out, err = run(capsys, "carry", "--db", str(db_file), "--from", "R7", "--to", "R8")
    assert (code, err) == (0, "")
    assert "令和8年度の評価を作成し、令和7年度から引き継ぎました" in out
    store, session = open_session(db_file, 2026)
    assert session.answers() == {
        "suishin.I.process.features.a": "該当",
        "suishin.I.process.features.b": "非該当",
        "shien.II.process.supporters.a": "非該当",
        "shien.II.process.supporters.e": "非該当",
    }
    assert len(store.carried_items(session.evaluation_id)) == 4
    store.close()

    code, _out, err = run(capsys, "carry", "--db", str(db_file), "--from", "R7")
    assert code == 1
    assert "令和8年度の評価はこのファイルにすでにあります" in err
    code, _out, err = run(capsys, "carry", "--db", str(db_file))  # from the newest, R8
    assert code == 1
    assert "令和9年度（令和8年度の翌年度）の評価指標は同梱されていません" in err


def test_carry_json(capsys, db_file):
    code, out, _err = run(capsys, "carry", "--db", str(db_file), "--dry-run", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["dry_run"] is True
    assert data["from"] == "municipal-r7" and data["to"] == "municipal-r8"
    assert {a["to"] for a in data["carried_answers"]} == {
        "suishin.I.process.features.a",
        "suishin.I.process.features.b",
        "shien.II.process.supporters.a",
        "shien.II.process.supporters.e",
    }
    assert [m["from"] for m in data["split"]] == [
        ["shien.I.process.coordinator.b", "shien.I.process.coordinator.c"]
    ]


def test_official_enter_list_and_clear(capsys, db_file):
    code, out, _err = run(capsys, "official", "--db", str(db_file))
    assert code == 0 and "まだ入力されていません" in out

    code, out, err = run(capsys, "official", "--db", str(db_file), "suishin.I.activity", "12")
    assert (code, err) == (0, "")
    assert "推進 目標Ⅰ 活動指標群: 国による評価結果 12点（自己評価 0点、差 +12）" in out

    code, out, _err = run(capsys, "official", "--db", str(db_file), "--json")
    rows = json.loads(out)
    assert rows == [
        {
            "id": "suishin.I.activity",
            "level": "group",
            "title": "推進 目標Ⅰ 活動指標群",
            "max_points": 36,
            "self_points": 0,
            "official_points": 12.0,
            "difference": 12.0,
            "entered": True,
        }
    ]

    code, _out, err = run(capsys, "official", "--db", str(db_file), "suishin.I.activity", "99")
    assert code == 1 and "範囲外" in err
    code, _out, err = run(capsys, "official", "--db", str(db_file), "suishin.I.activity")
    assert code == 1 and "--clear" in err

    code, out, _err = run(capsys, "official", "--db", str(db_file), "suishin.I.activity", "--clear")
    assert code == 0 and "消しました" in out
    store, session = open_session(db_file)
    assert store.official_results(session.evaluation_id) == {}
    store.close()


def test_gaps_text_and_json(capsys, db_file):
    code, out, err = run(capsys, "gaps", "--db", str(db_file), "--limit", "3")
    assert (code, err) == (0, "")
    assert "伸びしろ" in out
    code, out, _err = run(capsys, "gaps", "--db", str(db_file), "--json")
    data = json.loads(out)
    order = [gap["item_id"] for gap in data["gaps"]]
    # Equal points (4), national share 87.0 % vs 33.1 %: the common one first.
    assert order.index("shien.II.process.supporters.a") < order.index(
        "shien.II.process.supporters.e"
    )
    first = data["gaps"][0]
    assert first["rank"] == 1 and first["high_share"] is True
    assert first["total_after"] - first["total_before"] == first["gain"]
    assert data["count"] == len(data["gaps"])
