"""Opening with the quick check (the main window) still refuses damaged files, and the
full check that follows (with the opening backup) catches what only it can see."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.store import EvaluationFile
from desktop.store.backup import backup_file, list_backups
from desktop.store.errors import DamagedFile, TooNew
from desktop.store.schema import SCHEMA_VERSION


def break_an_index(path):
    """Index content no longer matches its table: only PRAGMA integrity_check sees it."""
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX audit_by_target ON audit (evaluation_id, user, id)' "
        "WHERE name = 'audit_by_target'"
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kept", [0.2, 0.6])
def test_a_truncated_file_is_refused_by_the_quick_check_too(evaluation_file, fingerprint, kept):
    path = evaluation_file()
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * kept)])
    before = fingerprint(path)
    with pytest.raises(DamagedFile):
        EvaluationFile.open(path, full_check=False, backup_on_open=False)
    assert fingerprint(path) == before


def test_a_newer_file_is_refused_by_the_quick_open_too(evaluation_file, fingerprint):
    path = evaluation_file()
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = fingerprint(path)
    with pytest.raises(TooNew):
        EvaluationFile.open(path, full_check=False, backup_on_open=False)
    assert fingerprint(path) == before


def test_index_damage_passes_the_quick_check_and_is_caught_before_any_backup(evaluation_file):
    path = evaluation_file()
    break_an_index(path)
    with EvaluationFile.open(path, full_check=False, backup_on_open=False) as store:
        assert store.answers(store.evaluations()[0].id)  # usable: the quick check passed
    with pytest.raises(DamagedFile):
        backup_file(path, "open")  # what the window runs next, in the background
    assert list_backups(path) == []  # a damaged copy never joins the good backups
    with pytest.raises(DamagedFile):
        EvaluationFile.open(path)  # the command line's full check refuses it at once


def test_a_healthy_file_gets_its_opening_backup_from_the_full_check(evaluation_file):
    path = evaluation_file()
    with EvaluationFile.open(path, full_check=False, backup_on_open=False) as store:
        assert list_backups(path) == []
        made = backup_file(path, "open")  # while the file is open for writing here
        store.set_answers(store.evaluations()[0].id, {"suishin.I.process.features.c": "該当"})
    assert [b.path for b in list_backups(path)] == [made]
    assert list_backups(path)[0].reason == "open"
    copy = sqlite3.connect(str(made))
    assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    copy.close()
