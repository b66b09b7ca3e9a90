"""Each user action is one transaction, on disk when it returns, on a rollback journal.

Failures in the middle of an action (a bad value, a full disk, a file that vanished
from a network drive) write nothing and raise a StoreError in Japanese.
"""

from __future__ import annotations

import sqlite3
import sys

import pytest

from desktop.records import ChangeSet
from desktop.store import EvaluationFile, database
from desktop.store.errors import (
    Busy,
    DamagedFile,
    DiskFull,
    FileUnavailable,
    InterruptedSave,
    InvalidInput,
    NotADatabase,
    ReadOnlyFile,
    ReadOnlySession,
    SaveFailed,
    StoreError,
)

A = "suishin.I.process.features.a"
B = "suishin.I.process.features.b"
C = "suishin.I.process.features.c"
INDICATOR = "suishin.I.process.features"
GROUP = "suishin.I.process"


def snapshot(store: EvaluationFile, evaluation_id: int) -> dict:
    """Everything a user action may change."""
    return {
        "answers": store.answers(evaluation_id),
        "notes": store.indicator_notes(evaluation_id),
        "planned": store.planned_responses(evaluation_id),
        "wordings": store.wordings(evaluation_id),
        "audit": store.audit_count(),
    }


def on_disk(path, sql: str, args=()):
    """Read through a separate connection: what is really in the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# --- how the file is opened ----------------------------------------------------------------
def test_rollback_journal_full_sync_and_a_busy_timeout(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_the_settings_hold_after_reopening_and_no_wal_file_ever_appears(session_r8):
    path = session_r8.store.path
    session_r8.answer(A, "該当")
    session_r8.store.close()
    with EvaluationFile.open(path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        store.set_answers(store.evaluation_for_year().id, {B: "該当"})
        assert not path.with_name(path.name + "-wal").exists()
        assert not path.with_name(path.name + "-shm").exists()


def test_opening_and_closing_without_changes_leaves_the_file_as_it_was(evaluation_file):
    path = evaluation_file()
    before = path.read_bytes()
    EvaluationFile.open(path, backup_on_open=False).close()
    EvaluationFile.open(path, read_only=True).close()
    assert path.read_bytes() == before


# --- one action, one transaction --------------------------------------------------------------
def test_a_saved_value_is_on_disk_when_the_call_returns(session_r8):
    session_r8.answer(A, "該当")
    rows = on_disk(session_r8.store.path, "SELECT value FROM answers WHERE item_id = ?", [A])
    assert rows == [("該当",)]
    audit = on_disk(
        session_r8.store.path,
        "SELECT old, new FROM audit WHERE target = ? AND action = 'answer'",
        [A],
    )
    assert audit == [(None, "該当")]


def test_a_bad_value_in_the_middle_of_apply_leaves_nothing_written(session_r8):
    store, evaluation_id = session_r8.store, session_r8.evaluation_id
    store.set_answers(evaluation_id, {A: "該当"})
    before = snapshot(store, evaluation_id)
    change_set = ChangeSet(
        answers={A: "非該当", B: "該当"},  # written first …
        notes={INDICATOR: {"memo": "書きかけ", "status": "完了"}},  # … then this fails
        planned_responses={GROUP: "来年度は公表する"},
    )
    with pytest.raises(InvalidInput) as caught:
        store.apply(evaluation_id, change_set)
    assert "状況「完了」は使えません" in str(caught.value)
    assert snapshot(store, evaluation_id) == before
    assert on_disk(store.path, "SELECT value FROM answers WHERE item_id = ?", [B]) == []


def test_a_database_failure_in_the_last_part_of_apply_leaves_nothing_written(
    session_r8, monkeypatch
):
    store, evaluation_id = session_r8.store, session_r8.evaluation_id
    before = snapshot(store, evaluation_id)

    def wording_fails(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "_write_wording", wording_fails)
    change_set = ChangeSet(
        answers={A: "該当"},
        notes={INDICATOR: {"memo": "根拠を確認"}},
        planned_responses={GROUP: "研修を増やす"},
        wordings={A: "独自の文言"},
    )
    with pytest.raises(FileUnavailable) as caught:
        store.apply(evaluation_id, change_set)
    assert "直前の操作は保存されていません" in str(caught.value)
    assert snapshot(store, evaluation_id) == before
    assert on_disk(store.path, "SELECT count(*) FROM answers") == [(0,)]
    monkeypatch.undo()
    store.apply(evaluation_id, change_set)  # the same action later succeeds whole
    after = snapshot(store, evaluation_id)
    assert after["answers"] == {A: "該当"}
    assert after["planned"] == {GROUP: "研修を増やす"}
    assert after["wordings"] == {A: "独自の文言"}


def test_session_create_evaluation_is_one_action(store, r8, monkeypatch):
    from desktop.evaluation.session import create_evaluation
    from desktop.records import Municipality

    def fails(*args, **kwargs):
        raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(store, "_store_snapshot", fails)
    with pytest.raises(SaveFailed):
        create_evaluation(store, r8, municipality=Municipality(name="北塩原村"))
    assert store.municipality() is None  # set first, rolled back with the rest
    assert store.evaluations() == []
    assert store.audit_count() == 0


def test_a_read_only_session_cannot_write(evaluation_file):
    path = evaluation_file()
    with EvaluationFile.open(path, read_only=True) as reader:
        evaluation_id = reader.evaluation_for_year().id
        with pytest.raises(ReadOnlySession):
            reader.set_answers(evaluation_id, {C: "該当"})
        with pytest.raises(ReadOnlySession):
            reader.update_indicator_note(evaluation_id, INDICATOR, memo="x")
        assert reader.maybe_backup() is None


# --- the disk and the network drive -----------------------------------------------------------
def test_a_full_disk_is_told_plainly_and_writes_nothing(session_r8):
    store, evaluation_id = session_r8.store, session_r8.evaluation_id
    session_r8.answer(A, "該当")
    before = snapshot(store, evaluation_id)
    # SQLite's page limit fails exactly as a full disk does (SQLITE_FULL).
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull) as caught:
        store.update_indicator_note(evaluation_id, INDICATOR, memo="長い備考" * 20000)
    assert "空き容量が足りません" in str(caught.value)
    assert "それまでの内容は無事です" in str(caught.value)
    assert snapshot(store, evaluation_id) == before
    # Once there is room again, work goes on.
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    store.update_indicator_note(evaluation_id, INDICATOR, memo="短い備考")
    assert store.indicator_note(evaluation_id, INDICATOR).memo == "短い備考"


@pytest.mark.skipif(
    sys.platform == "win32",
    reason="Windows は開いているファイルの移動を拒む（次のテスト）",
)
def test_a_file_moved_away_mid_session_is_told_and_nothing_is_lost(session_r8, tmp_path):
    store, evaluation_id = session_r8.store, session_r8.evaluation_id
    session_r8.answer(A, "該当")
    moved = tmp_path / "移動先.sqlite"
    store.path.rename(moved)  # a colleague moved it, or the share was remapped
    with pytest.raises(FileUnavailable) as caught:
        session_r8.answer(B, "該当")
    assert "移動または削除されました" in str(caught.value)
    assert "直前の操作は保存されていません" in str(caught.value)
    store.close()
    with EvaluationFile.open(moved, backup_on_open=False) as reopened:
        assert reopened.answers(evaluation_id) == {A: "該当"}
        assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.skipif(sys.platform != "win32", reason="Windows の共有違反")
def test_on_windows_an_open_file_cannot_be_moved_away_and_work_goes_on(session_r8, tmp_path):
    # Windows refuses to rename a file another program (here SQLite, for the app) holds
    # open: a colleague cannot move it mid-session, and saving carries on.
    store, evaluation_id = session_r8.store, session_r8.evaluation_id
    session_r8.answer(A, "該当")
    moved = tmp_path / "移動先.sqlite"
    with pytest.raises(PermissionError):
        store.path.rename(moved)
    assert not moved.exists()
    session_r8.answer(B, "該当")
    assert store.answers(evaluation_id) == {A: "該当", B: "該当"}


def _sqlite_error(code: int, message: str, kind=sqlite3.OperationalError) -> sqlite3.Error:
    error = kind(message)
    error.sqlite_errorcode = code
    error.sqlite_errorname = f"code {code}"
    return error


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (10, "disk I/O error", FileUnavailable),  # a network drive gone mid-save
        (522, "disk I/O error", FileUnavailable),  # SQLITE_IOERR_SHORT_READ
        (14, "unable to open database file", FileUnavailable),
        (13, "database or disk is full", DiskFull),
        (5, "database is locked", Busy),
        (6, "database table is locked", Busy),
        (8, "attempt to write a readonly database", ReadOnlyFile),
        (776, "attempt to write a readonly database", InterruptedSave),
        (1032, "attempt to write a readonly database", FileUnavailable),
        (11, "database disk image is malformed", DamagedFile),
        (26, "file is not a database", NotADatabase),
        (19, "UNIQUE constraint failed", SaveFailed),
    ],
)
def test_sqlite_errors_while_saving_become_messages_the_user_can_act_on(
    session_r8, monkeypatch, code, message, expected
):
    store, evaluation_id = session_r8.store, session_r8.evaluation_id
    before = snapshot(store, evaluation_id)
    real_audit = store._record

    def audit_fails(*args, **kwargs):
        real_audit(*args, **kwargs)  # the change and its audit row are written …
        raise _sqlite_error(code, message)  # … and then the disk gives up

    monkeypatch.setattr(store, "_record", audit_fails)
    with pytest.raises(expected) as caught:
        store.set_answers(evaluation_id, {A: "該当"})
    error = caught.value
    assert str(store.path) in str(error)
    assert "\n" not in str(error)
    assert message not in str(error)  # SQLite's English stays out of the message …
    assert error.detail is None or message in error.detail  # … and in the detail
    monkeypatch.undo()
    assert snapshot(store, evaluation_id) == before


def test_a_read_failing_on_a_vanished_drive_is_a_store_error(session_r8, monkeypatch):
    store = session_r8.store

    class VanishedConnection:
        in_transaction = False

        def execute(self, *args, **kwargs):
            raise _sqlite_error(10, "disk I/O error")

    monkeypatch.setattr(store.db, "conn", VanishedConnection())
    monkeypatch.setattr(store, "conn", VanishedConnection())
    with pytest.raises(FileUnavailable):
        store.answers(session_r8.evaluation_id)
    with pytest.raises(StoreError):
        store.history(session_r8.evaluation_id)


def test_translate_keeps_a_japanese_message_for_unknown_errors(tmp_path):
    error = database.translate(sqlite3.OperationalError("something odd"), tmp_path / "x.sqlite")
    assert isinstance(error, StoreError)
    assert "something odd" not in str(error)
    assert "something odd" in error.detail
