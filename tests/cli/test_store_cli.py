"""The store through the command line: the audit log of `answer` and `note`, `backup`,
`restore`, and errors as one Japanese line on stderr (a traceback only with --debug)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.store import EvaluationFile
from desktop.store import backup as backups

A = "suishin.I.process.features.a"
B = "suishin.I.process.features.b"
INDICATOR = "suishin.I.process.features"
TIER = "suishin.I.activity.score-rank.tier"


@pytest.fixture
def cli(capsys):
    """``cli(*argv)`` → (exit status, stdout, stderr), run in this process."""

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            status = main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse's own errors
            status = exit_.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def evaluation(cli, db_path):
    status, _out, err = cli(
        "new", "--db", db_path, "--catalog", "municipal-r8", "--municipality", "北塩原村"
    )
    assert status == 0, err
    return db_path


def history(cli, db_path, *extra) -> list[dict]:
    status, out, err = cli("history", "--db", db_path, "--json", *extra)
    assert status == 0, err
    return json.loads(out)["entries"]


def assert_one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("hyoka-desk: エラー: ")
    assert "Traceback" not in err
    return lines[0]


# --- the audit log -------------------------------------------------------------------------
def test_every_answer_and_note_appears_in_history_with_old_and_new_values(cli, evaluation):
    steps = [
        (("answer", "--db", evaluation, A, "該当"), [("answer", A, "answer", None, "該当")]),
        (("answer", "--db", evaluation, A, "非該当"), [("answer", A, "answer", "該当", "非該当")]),
        (("answer", "--db", evaluation, TIER, "ウ"), [("answer", TIER, "answer", None, "ウ")]),
        (("answer", "--db", evaluation, A, "未回答"), [("answer", A, "answer", "非該当", None)]),
        (
            (
                "note",
                "--db",
                evaluation,
                INDICATOR,
                "--memo",
                "見える化で確認",
                "--assignee",
                "佐藤",
            ),
            [
                ("note", INDICATOR, "memo", "", "見える化で確認"),
                ("note", INDICATOR, "assignee", "", "佐藤"),
            ],
        ),
        (
            (
                "note",
                "--db",
                evaluation,
                INDICATOR,
                "--evidence",
                "計画書 p.12",
                "--section",
                "高齢福祉課",
            ),
            [
                ("note", INDICATOR, "evidence", "", "計画書 p.12"),
                ("note", INDICATOR, "section", "", "高齢福祉課"),
            ],
        ),
        (
            ("note", "--db", evaluation, INDICATOR, "--status", "確認待ち"),
            [("note", INDICATOR, "status", "入力中", "確認待ち")],
        ),
        (
            ("note", "--db", evaluation, INDICATOR, "--memo", "=SUM(A1) 再確認"),
            [("note", INDICATOR, "memo", "見える化で確認", "=SUM(A1) 再確認")],
        ),
    ]
    seen = len(history(cli, evaluation))
    for argv, expected in steps:
        status, out, err = cli(*argv)
        assert status == 0, err
        assert "保存しました" in out
        entries = history(cli, evaluation)[seen:]
        seen += len(entries)
        found = [(e["action"], e["target"], e["field"], e["old"], e["new"]) for e in entries]
        # The first answer of an indicator also moves it from 未着手 to 入力中.
        automatic = [f for f in found if f[0] == "note" and f[2:] == ("status", "未着手", "入力中")]
        assert [f for f in found if f not in automatic] == expected, argv
        for entry in entries:
            assert entry["user"] == "テスト担当"  # HYOKA_USER, set by tests/conftest.py
            assert datetime.fromisoformat(entry["at"]).tzinfo is not None
            assert entry["source"] == "コマンド"
    everything = [(e["target"], e["field"], e["old"], e["new"]) for e in history(cli, evaluation)]
    assert (INDICATOR, "status", "未着手", "入力中") in everything


def test_an_unchanged_answer_writes_no_history(cli, evaluation):
    cli("answer", "--db", evaluation, A, "該当")
    before = history(cli, evaluation)
    status, out, _err = cli("answer", "--db", evaluation, A, "yes")
    assert status == 0
    assert "変更はありません" in out
    assert history(cli, evaluation) == before


def test_the_user_name_comes_from_user_then_hyoka_user(cli, evaluation, monkeypatch):
    cli("--user", "山田 花子", "answer", "--db", evaluation, A, "該当")
    monkeypatch.setenv("HYOKA_USER", "環境の名前")
    cli("note", "--db", evaluation, INDICATOR, "--memo", "備考")
    monkeypatch.delenv("HYOKA_USER")
    cli("answer", "--db", evaluation, B, "該当")
    entries = history(cli, evaluation)
    by_target = {(e["target"], e["field"]): e["user"] for e in entries}
    assert by_target[(A, "answer")] == "山田 花子"
    assert by_target[(INDICATOR, "memo")] == "環境の名前"
    assert by_target[(B, "answer")] not in ("", "山田 花子", "環境の名前")  # the OS user


def test_history_of_one_year(cli, evaluation):
    status, _out, err = cli(
        "new", "--db", evaluation, "--catalog", "municipal-r7", "--municipality", "北塩原村"
    )
    assert status == 0, err
    cli("answer", "--db", evaluation, "--year", "R7", A, "該当")
    cli("answer", "--db", evaluation, "--year", "R8", B, "該当")
    r7 = history(cli, evaluation, "--year", "R7")
    r8 = history(cli, evaluation, "--year", "R8")
    assert (A, "該当") in [(e["target"], e["new"]) for e in r7]
    assert (B, "該当") not in [(e["target"], e["new"]) for e in r7]
    assert (B, "該当") in [(e["target"], e["new"]) for e in r8]
    status, out, _err = cli("history", "--db", evaluation, "--year", "R7")
    assert status == 0
    assert f"{A}  （なし） → 該当 ［コマンド］" in out


# --- backup and restore ------------------------------------------------------------------------
def test_backup_and_restore_by_name(cli, evaluation):
    cli("answer", "--db", evaluation, A, "該当")
    status, out, err = cli("backup", "--db", evaluation)
    assert status == 0, err
    made = Path(out.split(": ", 1)[1].strip())
    assert made.is_file()
    status, out, _err = cli("backup", "--db", evaluation, "--list")
    assert made.name in out and "手動" in out

    cli("answer", "--db", evaluation, A, "非該当")
    status, out, err = cli("restore", "--db", evaluation, made.name)  # the bare name will do
    assert status == 0, err
    assert "復元しました" in out
    with EvaluationFile.open(evaluation, read_only=True) as store:
        assert store.answers(store.evaluation_for_year().id)[A] == "該当"
    safety = backups.list_backups(evaluation)[0]
    assert safety.reason == "before-restore"
    assert str(safety.path) in out
    assert history(cli, evaluation)[-1]["action"] == "restore"


def test_restoring_a_damaged_backup_is_refused_and_changes_nothing(cli, evaluation, tmp_path):
    damaged = tmp_path / "壊れた.sqlite"
    data = evaluation.read_bytes()
    damaged.write_bytes(data[: len(data) // 3])
    before = evaluation.read_bytes()
    status, _out, err = cli("restore", "--db", evaluation, damaged)
    assert status == 1
    line = assert_one_error_line(err)
    assert "破損しています" in line and str(damaged) in line
    assert evaluation.read_bytes() == before
    assert backups.list_backups(evaluation) == []


def test_restoring_the_file_onto_itself_is_refused(cli, evaluation):
    status, _out, err = cli("restore", "--db", evaluation, evaluation)
    assert status == 1
    assert "同じです" in assert_one_error_line(err)


# --- errors ------------------------------------------------------------------------------------
def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[8192 : 8192 + 4096] = b"\x55" * 4096
    path.write_bytes(bytes(data))


def test_a_damaged_file_is_one_line_and_the_traceback_needs_debug(cli, evaluation):
    damage(evaluation)
    before = evaluation.read_bytes()
    status, _out, err = cli("answer", "--db", evaluation, A, "該当")
    assert status == 1
    line = assert_one_error_line(err)
    assert "破損しています" in line and str(evaluation) in line

    status, _out, err = cli("--debug", "answer", "--db", evaluation, A, "該当")
    assert status == 1
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("hyoka-desk: エラー: ")
    assert evaluation.read_bytes() == before


def test_a_locked_file_names_who_has_it(cli, evaluation):
    with EvaluationFile.open(evaluation, user="鈴木"):
        status, _out, err = cli("answer", "--db", evaluation, A, "該当")
        assert status == 1
        line = assert_one_error_line(err)
        assert "鈴木" in line and "使用中です" in line
        # Reading works meanwhile.
        status, _out, err = cli("score", "--db", evaluation)
        assert status == 0, err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("note", "{db}", INDICATOR, "--status", "完了"), "状況「完了」は使えません"),
        (("answer", "{db}", "no.such.item", "該当"), "小項目「no.such.item」はありません"),
        (("answer", "{db}", A, "たぶん"), A),
        (("answer", "{db}", "--year", "R5", A, "該当"), "令和5年度"),
        (("note", "{db}", INDICATOR), "--memo"),
    ],
)
def test_a_bad_argument_is_one_line(cli, evaluation, argv, expected):
    before = evaluation.read_bytes()
    argv = [a if a != "{db}" else f"--db={evaluation}" for a in argv]
    status, _out, err = cli(*argv)
    assert status == 1
    assert expected in assert_one_error_line(err)
    assert evaluation.read_bytes() == before


def test_a_malformed_command_line_exits_2_without_a_traceback(cli, evaluation):
    status, _out, err = cli("answer", "--db", evaluation, A)  # VALUE missing
    assert status == 2
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("hyoka-desk answer: エラー: ")
    assert "必要です" in err


@pytest.mark.parametrize("command", [("answer", A, "該当"), ("backup",), ("history",)])
def test_a_missing_file_is_not_created(cli, tmp_path, command):
    path = tmp_path / "ない.sqlite"
    status, _out, err = cli(command[0], "--db", path, *command[1:])
    assert status == 1
    assert "ファイルがありません" in assert_one_error_line(err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_installed_command_prints_one_line_and_exits_1(evaluation):
    damage(evaluation)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    command = [sys.executable, "-m", "desktop", "answer", "--db", str(evaluation), A, "該当"]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env)
    assert result.returncode == 1
    assert_one_error_line(result.stderr)
    debug = subprocess.run(
        [sys.executable, "-m", "desktop", "--debug", *command[3:]],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr


def test_busy_from_another_program_is_one_line(cli, evaluation, monkeypatch):
    from desktop.store import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(str(evaluation), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        status, _out, err = cli("answer", "--db", evaluation, A, "該当")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert status == 1
    assert "しばらく待って" in assert_one_error_line(err)


def test_a_damaged_file_is_repaired_by_restoring_its_backup(cli, evaluation):
    cli("answer", "--db", evaluation, A, "該当")
    status, out, _err = cli("backup", "--db", evaluation)
    made = Path(out.split(": ", 1)[1].strip())
    damage(evaluation)
    status, _out, err = cli("answer", "--db", evaluation, B, "該当")
    assert status == 1
    assert "hyoka-desk restore" in assert_one_error_line(err)

    status, out, err = cli("restore", "--db", evaluation, made.name)
    assert status == 0, err
    status, _out, err = cli("answer", "--db", evaluation, B, "該当")
    assert status == 0, err
    with EvaluationFile.open(evaluation, read_only=True) as store:
        assert store.answers(store.evaluation_for_year().id) == {A: "該当", B: "該当"}
