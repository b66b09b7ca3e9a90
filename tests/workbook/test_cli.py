"""hyoka-desk export / import on the command line."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.cli import main


@pytest.fixture
def cli_db(filled):
    """The filled evaluation, closed so that the commands can open it themselves."""
    path = filled.store.path
    filled.store.close()
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _answers(path):
    from desktop.evaluation.session import Session
    from desktop.store import EvaluationFile

    with EvaluationFile.open(path, read_only=True) as store:
        return Session.open(store).answers()


def test_export_submission_and_section(cli_db, tmp_path, capsys, wb):
    out = tmp_path / "提出.xlsx"
    code, stdout, err = run(
        capsys, "export", "--db", str(cli_db), "--year", "R8", "--out", str(out)
    )
    assert code == 0 and "提出用ブック" in stdout
    # unanswered sub-items: a warning line on stderr, and the workbook is written anyway
    warning = [line for line in err.splitlines() if "警告" in line]
    assert len(warning) == 1 and "未回答の小項目" in warning[0] and "目標Ⅰ" in warning[0]
    assert "推進交付金" in openpyxl.load_workbook(out).sheetnames
    section = tmp_path / "課.xlsx"
    code, stdout, _ = run(
        capsys, "export", "--db", str(cli_db), "--out", str(section), "--section", wb.SECTION_CARE
    )
    assert code == 0
    assert wb.manifest(section).section == wb.SECTION_CARE


def test_export_unknown_section_fails_with_the_list(cli_db, tmp_path, capsys, wb):
    code, _, err = run(
        capsys,
        "export",
        "--db",
        str(cli_db),
        "--out",
        str(tmp_path / "x.xlsx"),
        "--section",
        "総務課",
    )
    assert code == 1
    assert "総務課" in err and wb.SECTION_CARE in err
    assert not (tmp_path / "x.xlsx").exists()


def test_import_dry_run_then_apply(cli_db, tmp_path, capsys, wb):
    exported = tmp_path / "e.xlsx"
    run(capsys, "export", "--db", str(cli_db), "--out", str(exported))
    edited = wb.edit(
        exported, tmp_path / "記入.xlsx", {("suishin.I.process.features.c", "回答"): "該当"}
    )
    before = wb.digest(cli_db)
    code, stdout, _ = run(capsys, "import", "--db", str(cli_db), str(edited), "--dry-run")
    assert code == 0
    assert "変更 1 件" in stdout and "未回答 → 該当" in stdout and "反映していません" in stdout
    assert wb.digest(cli_db) == before
    code, stdout, _ = run(capsys, "import", "--db", str(cli_db), str(edited), "--yes")
    assert code == 0 and "1 件を反映しました" in stdout
    assert _answers(cli_db)["suishin.I.process.features.c"] == "該当"


def test_import_without_yes_and_no_terminal_refuses(cli_db, tmp_path, capsys, wb, monkeypatch):
    exported = tmp_path / "e.xlsx"
    run(capsys, "export", "--db", str(cli_db), "--out", str(exported))
    edited = wb.edit(
        exported, tmp_path / "記入.xlsx", {("suishin.I.process.features.c", "回答"): "該当"}
    )
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "import", "--db", str(cli_db), str(edited))
    assert code == 1 and "--yes" in err
    assert "suishin.I.process.features.c" not in _answers(cli_db)


def test_import_with_conflicts_needs_prefer(cli_db, tmp_path, capsys, wb):
    exported = tmp_path / "e.xlsx"
    run(capsys, "export", "--db", str(cli_db), "--out", str(exported))
    edited = wb.edit(
        exported, tmp_path / "c.xlsx", {("suishin.I.process.features.c", "回答"): "該当"}
    )
    run(capsys, "answer", "--db", str(cli_db), "suishin.I.process.features.c", "非該当")
    before = wb.digest(cli_db)
    code, stdout, err = run(capsys, "import", "--db", str(cli_db), str(edited), "--yes")
    assert code == 1
    assert "競合 1 件" in stdout and "--prefer" in err
    assert wb.digest(cli_db) == before
    code, _, _ = run(
        capsys, "import", "--db", str(cli_db), str(edited), "--yes", "--prefer", "database"
    )
    assert code == 0
    assert _answers(cli_db)["suishin.I.process.features.c"] == "非該当"
    code, _, _ = run(
        capsys, "import", "--db", str(cli_db), str(edited), "--yes", "--prefer", "workbook"
    )
    assert code == 0
    assert _answers(cli_db)["suishin.I.process.features.c"] == "該当"


def test_import_of_a_broken_workbook_lists_problems(cli_db, tmp_path, capsys, wb):
    exported = tmp_path / "e.xlsx"
    run(capsys, "export", "--db", str(cli_db), "--out", str(exported))
    edited = wb.edit(
        exported, tmp_path / "bad.xlsx", {("suishin.I.process.features.c", "回答"): "=1+1"}
    )
    before = wb.digest(cli_db)
    code, stdout, err = run(capsys, "import", "--db", str(cli_db), str(edited), "--yes")
    assert code == 1
    assert "シート「推進交付金」" in stdout and "数式" in stdout
    assert "取り込めません" in err
    assert wb.digest(cli_db) == before
