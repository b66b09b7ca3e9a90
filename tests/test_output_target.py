"""No export may write over an evaluation file, its lock or its backups (issue 11, item 1)."""

from __future__ import annotations

import os

import pytest

from desktop.output_target import protection_problem
from desktop.safe_save import SaveError, check_output_target, save_atomically
from desktop.store import EvaluationFile


@pytest.fixture
def evaluation(tmp_path):
    """A real evaluation file (a SQLite file) with its lock and a backup folder."""
    path = tmp_path / "評価.sqlite"
    with EvaluationFile.open(path) as store:
        store.backup("manual")
    return path


def write_new(temporary):
    with open(temporary, "wb") as handle:
        handle.write(b"new")


def refused(target, evaluation_file=None) -> str:
    before = {p: p.read_bytes() for p in target.parent.rglob("*") if p.is_file()}
    with pytest.raises(SaveError) as caught:
        save_atomically(target, write_new, evaluation_file=evaluation_file)
    after = {p: p.read_bytes() for p in target.parent.rglob("*") if p.is_file()}
    assert after == before  # nothing written, nothing left behind
    return str(caught.value)


def test_the_open_evaluation_is_refused_however_it_is_spelled(evaluation, tmp_path):
    assert "開いている評価ファイルそのもの" in refused(evaluation, evaluation)
    other_spelling = tmp_path / "sub" / ".." / evaluation.name
    (tmp_path / "sub").mkdir()
    assert "開いている評価ファイルそのもの" in refused(other_spelling, evaluation)
    link = tmp_path / "link.xlsx"
    link.symlink_to(evaluation)
    assert "開いている評価ファイルそのもの" in refused(link, evaluation)
    hard = tmp_path / "hard.xlsx"
    os.link(evaluation, hard)
    assert "開いている評価ファイルそのもの" in refused(hard, evaluation)


def test_the_lock_and_the_backup_folder_are_refused(evaluation, tmp_path):
    lock = evaluation.with_name(evaluation.name + ".lock")
    assert "ロック" in refused(lock, evaluation)
    backups = evaluation.with_name(evaluation.name + ".backups")
    existing = next(backups.iterdir())
    assert "バックアップ" in refused(existing, evaluation)
    assert "バックアップ" in refused(backups / "新しい.xlsx", evaluation)
    # Also without being told which evaluation is open: they belong to a SQLite file.
    assert "ロック" in refused(lock)
    assert "バックアップ" in refused(backups / "新しい.xlsx")


def test_any_sqlite_file_is_refused_whatever_its_name(evaluation, tmp_path):
    disguised = tmp_path / "提出用.xlsx"
    disguised.write_bytes(evaluation.read_bytes())
    message = refused(disguised)
    assert "評価ファイル（データベース）" in message and "出力しませんでした" in message


def test_ordinary_targets_are_allowed(evaluation, tmp_path):
    old = tmp_path / "前回.xlsx"
    old.write_bytes(b"PK old workbook")
    assert protection_problem(old, evaluation) is None
    assert save_atomically(old, write_new, evaluation_file=evaluation) == old
    assert old.read_bytes() == b"new"
    # A name that merely looks like a lock, beside nothing: allowed.
    assert protection_problem(tmp_path / "備考.lock", evaluation) is None


def test_the_guard_raises_the_callers_error(evaluation):
    class Mine(Exception):
        pass

    with pytest.raises(Mine, match="開いている評価ファイル"):
        check_output_target(evaluation, evaluation_file=evaluation, error=Mine)
