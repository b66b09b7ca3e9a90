"""Files the store cannot use: each gets its own Japanese message and stays byte-for-byte
as it was, with no journal, lock or backup left beside it."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import sys
import tempfile
import traceback
from pathlib import Path

import pytest

from desktop.store import EvaluationFile, database
from desktop.store.errors import (
    Busy,
    CannotOpen,
    DamagedFile,
    FileLocked,
    NoEvaluation,
    NotADatabase,
    OpenElsewhere,
    ReadOnlyFile,
    StoreError,
    TooNew,
)
from desktop.store.lock import lock_path
from desktop.store.schema import SCHEMA_VERSION


def refused(path: Path, error: type[StoreError], **open_args) -> StoreError:
    """Open ``path``, expect ``error``; the message is one line naming the file."""
    with pytest.raises(error) as caught:
        EvaluationFile.open(path, **open_args)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert re.search("[ぁ-んァ-ヶ]", message)  # told in Japanese
    return caught.value


def assert_untouched(path: Path, before, fingerprint) -> None:
    assert fingerprint(path) == before


# --- not an evaluation file ----------------------------------------------------------
def test_garbage_bytes_are_not_a_database(tmp_path, fingerprint):
    path = tmp_path / "ごみ.sqlite"
    path.write_bytes(os.urandom(4096))
    before = fingerprint(path)
    error = refused(path, NotADatabase)
    assert "評価ファイル（SQLite）ではありません" in str(error)
    assert "変更していません" in str(error)
    refused(path, NotADatabase, read_only=True)
    assert_untouched(path, before, fingerprint)
    assert before[1] == []  # nothing beside it


def test_garbage_after_a_sqlite_header_is_refused(tmp_path, fingerprint):
    path = tmp_path / "見かけだけ.sqlite"
    path.write_bytes(database.SQLITE_HEADER + os.urandom(8000))
    before = fingerprint(path)
    with pytest.raises((NotADatabase, DamagedFile)):
        EvaluationFile.open(path)
    assert_untouched(path, before, fingerprint)


@pytest.mark.parametrize("kept", [0.1, 0.5, 0.9])
def test_a_truncated_database_is_damaged(evaluation_file, fingerprint, kept):
    path = evaluation_file()
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * kept)])
    before = fingerprint(path)
    error = refused(path, DamagedFile)
    assert "破損しています" in str(error)
    assert "バックアップ" in str(error)  # says what to do
    assert error.detail  # SQLite's own words kept for --debug
    refused(path, DamagedFile, read_only=True)
    assert_untouched(path, before, fingerprint)


def test_a_page_overwritten_in_the_middle_is_damaged(evaluation_file, fingerprint):
    path = evaluation_file()
    data = bytearray(path.read_bytes())
    data[8192 : 8192 + 4096] = b"\x55" * 4096
    path.write_bytes(bytes(data))
    before = fingerprint(path)
    refused(path, DamagedFile)
    assert_untouched(path, before, fingerprint)


def test_a_file_from_a_newer_version_is_refused(evaluation_file, fingerprint):
    path = evaluation_file()
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = fingerprint(path)
    error = refused(path, TooNew)
    assert (error.file_version, error.app_version) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    assert f"形式 {SCHEMA_VERSION + 1}" in str(error)
    assert "新しい版に更新" in str(error)
    refused(path, TooNew, read_only=True)
    assert_untouched(path, before, fingerprint)


def test_another_programs_sqlite_file_is_refused(tmp_path, fingerprint):
    path = tmp_path / "住所録.sqlite"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.execute("INSERT INTO people VALUES ('山田')")
    conn.commit()
    conn.close()
    before = fingerprint(path)
    refused(path, NotADatabase)
    refused(path, NotADatabase, read_only=True)
    assert_untouched(path, before, fingerprint)


def test_another_programs_file_using_user_version_is_refused(tmp_path, fingerprint):
    path = tmp_path / "他アプリ.sqlite"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE settings (key TEXT, value TEXT)")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    before = fingerprint(path)
    refused(path, NotADatabase)
    assert_untouched(path, before, fingerprint)


def test_another_programs_wal_file_is_refused_without_creating_side_files(tmp_path, fingerprint):
    path = tmp_path / "WAL形式.sqlite"
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()  # the last connection checkpoints and removes -wal and -shm
    before = fingerprint(path)
    assert before[1] == []
    refused(path, NotADatabase)
    refused(path, NotADatabase, read_only=True)
    assert_untouched(path, before, fingerprint)


def test_a_wal_file_another_program_has_open_is_left_alone(evaluation_file, fingerprint):
    path = evaluation_file()
    other = sqlite3.connect(str(path))
    try:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("SELECT count(*) FROM answers").fetchone()
        before = fingerprint(path)
        error = refused(path, OpenElsewhere)
        assert "ほかのプログラム" in str(error)
        refused(path, OpenElsewhere, read_only=True)
        assert_untouched(path, before, fingerprint)
    finally:
        other.close()


def test_an_evaluation_file_switched_to_wal_by_a_tool_opens_and_returns_to_the_journal(
    evaluation_file,
):
    path = evaluation_file()
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    with EvaluationFile.open(path, read_only=True) as reader:
        assert reader.answers(reader.evaluation_for_year().id)
    assert not path.with_name(path.name + "-wal").exists()
    with EvaluationFile.open(path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert store.answers(store.evaluation_for_year().id) == {
            "suishin.I.process.features.a": "該当",
            "suishin.I.process.features.b": "非該当",
        }
    assert not database.in_wal_mode(path)


# --- empty, missing, folders ------------------------------------------------------------
def test_an_empty_file_opens_as_a_new_evaluation_file(tmp_path):
    path = tmp_path / "空.sqlite"
    path.write_bytes(b"")
    with EvaluationFile.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.evaluations() == []
    assert path.read_bytes().startswith(database.SQLITE_HEADER)


def test_an_empty_file_is_not_turned_into_an_evaluation_file_without_create(tmp_path, fingerprint):
    path = tmp_path / "空.sqlite"
    path.write_bytes(b"")
    before = fingerprint(path)
    refused(path, NoEvaluation, create=False)
    refused(path, NoEvaluation, read_only=True)
    assert_untouched(path, before, fingerprint)
    assert path.stat().st_size == 0


def test_a_missing_file_is_not_created_without_create(tmp_path):
    path = tmp_path / "ない.sqlite"
    refused(path, CannotOpen, create=False)
    refused(path, CannotOpen, read_only=True)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_creates_nothing(tmp_path):
    path = tmp_path / "ないフォルダ" / "評価.sqlite"
    error = refused(path, CannotOpen)
    assert "フォルダ" in str(error)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_not_a_file(tmp_path):
    path = tmp_path / "フォルダ.sqlite"
    path.mkdir()
    error = refused(path, CannotOpen)
    assert "フォルダです" in str(error)


# --- read-only ----------------------------------------------------------------------------
@pytest.fixture
def restore_permissions():
    changed: list[tuple[Path, int]] = []

    def chmod(path: Path, mode: int) -> None:
        changed.append((path, stat.S_IMODE(path.stat().st_mode)))
        path.chmod(mode)

    yield chmod
    for path, mode in reversed(changed):
        path.chmod(mode)


def test_a_read_only_file_is_refused_for_writing_and_opens_read_only(
    evaluation_file, fingerprint, restore_permissions
):
    # chmod 0o444 marks the file read-only for everyone, root included: even where
    # the OS would let an administrator write, the store honours the flag.
    path = evaluation_file()
    restore_permissions(path, 0o444)
    before = fingerprint(path)
    error = refused(path, ReadOnlyFile)
    assert "読み取り専用" in str(error)
    with EvaluationFile.open(path, read_only=True) as reader:
        assert reader.read_only
        assert reader.answers(reader.evaluation_for_year().id)
    assert_untouched(path, before, fingerprint)


@pytest.mark.skipif(
    sys.platform == "win32",
    reason="Windows は フォルダの読み取り専用属性で書き込みを止めない（次のテスト）",
)
def test_a_file_in_a_read_only_folder_is_refused(evaluation_file, fingerprint, restore_permissions):
    path = evaluation_file()
    restore_permissions(path.parent, 0o555)
    before = fingerprint(path)
    error = refused(path, ReadOnlyFile)
    assert "フォルダに書き込めません" in str(error)
    with EvaluationFile.open(path, read_only=True) as reader:
        assert reader.evaluation_for_year().fiscal_year == 2026
    assert_untouched(path, before, fingerprint)
    assert not lock_path(path).exists()


@pytest.mark.skipif(sys.platform != "win32", reason="Windows のフォルダの読み取り専用属性")
def test_a_folder_marked_read_only_on_windows_still_holds_a_writable_file(
    evaluation_file, restore_permissions
):
    # On Windows chmod sets the folder's read-only attribute, which Windows (Explorer
    # uses it for customised folders) ignores for writing: the file opens for writing
    # and saves, as it would on the user's PC. A file marked read-only is refused
    # (test_a_read_only_file_is_refused_for_writing_and_opens_read_only).
    path = evaluation_file()
    restore_permissions(path.parent, 0o555)
    with EvaluationFile.open(path) as store:
        assert not store.read_only
        evaluation_id = store.evaluation_for_year().id
        store.update_indicator_note(evaluation_id, "suishin.I.process.features", memo="保存できる")
    with EvaluationFile.open(path, read_only=True) as reader:
        note = reader.indicator_note(evaluation_id, "suishin.I.process.features")
        assert note.memo == "保存できる"
    assert not lock_path(path).exists()


def _run_as_nobody(work) -> str:
    """Run ``work()`` in a forked child with the uid of 'nobody'; returns what it returned.

    The child shares the already imported modules, so it needs no access to the
    interpreter's files (which may sit in root's home).
    """
    import _strptime  # noqa: F401  (imported lazily by strptime; the child could not)
    import importlib.metadata  # noqa: F401
    import pwd

    nobody = pwd.getpwnam("nobody")
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(reader)
        try:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            result = str(work())
        except BaseException:
            result = "child failed: " + traceback.format_exc()
        os.write(writer, result.encode("utf-8"))
        os._exit(0)
    os.close(writer)
    chunks = []
    while chunk := os.read(reader, 65536):
        chunks.append(chunk)
    os.close(reader)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8")


@pytest.fixture
def shared_folder():
    """A folder every user may enter and write (tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="hyoka-shared-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


needs_root_to_become_nobody = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="switching to an ordinary user needs root (and POSIX)",
)


@needs_root_to_become_nobody
@pytest.mark.parametrize("skip_access_check", [False, True])
def test_an_ordinary_user_cannot_open_someone_elses_file_for_writing(
    shared_folder, fingerprint, monkeypatch, skip_access_check
):
    path = shared_folder / "評価.sqlite"
    EvaluationFile.open(path, backup_on_open=False).close()  # owned by root, 0644
    path.chmod(0o644)
    before = fingerprint(path)
    if skip_access_check:
        # Where os.access cannot see the refusal (ACLs, shares), SQLite quietly opens
        # the file read-only; the write probe must still catch it.
        monkeypatch.setattr(database, "ensure_writable", lambda path: None)

    def attempt() -> str:
        try:
            EvaluationFile.open(path).close()
        except StoreError as error:
            return f"{type(error).__name__}|{error}"
        return "opened"

    outcome = _run_as_nobody(attempt)
    assert outcome.startswith("ReadOnlyFile|"), outcome
    assert_untouched(path, before, fingerprint)
    assert not lock_path(path).exists()
    assert not path.with_name(path.name + "-journal").exists()


@needs_root_to_become_nobody
def test_an_ordinary_user_can_read_someone_elses_file(shared_folder):
    path = shared_folder / "評価.sqlite"
    EvaluationFile.open(path, backup_on_open=False).close()
    path.chmod(0o644)

    def read() -> str:
        with EvaluationFile.open(path, read_only=True) as reader:
            return f"{reader.read_only}|{reader.evaluations()}"

    assert _run_as_nobody(read) == "True|[]"


# --- locked ---------------------------------------------------------------------------------
def test_a_file_locked_by_a_live_process_names_the_holder(evaluation_file, driver, fingerprint):
    path = evaluation_file()
    holder = driver("hold", path, user="鈴木")
    since = holder.expect("ready").split("\t")[1]
    before = fingerprint(path)
    lock_before = lock_path(path).read_bytes()
    error = refused(path, FileLocked)
    assert not error.stale
    assert error.holder.user == "鈴木"
    assert error.holder.pid == holder.pid
    assert error.holder.since == since
    assert "鈴木" in str(error)
    assert since.replace("T", " ")[:16] in str(error)  # since when, as people read it
    assert "読み取り専用で開く" in str(error)
    assert_untouched(path, before, fingerprint)
    assert lock_path(path).read_bytes() == lock_before


@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)


def _foreign_write_transaction(path: Path) -> sqlite3.Connection:
    """Another program (not Hyoka Desk) in the middle of a write: SQLite's own lock."""
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO audit (at, user, action) VALUES ('2026-01-01T00:00:00', '外部', 'x')"
    )
    return other


def test_a_write_transaction_of_another_program_blocks_opening_with_busy(
    evaluation_file, fingerprint, short_busy_timeout
):
    path = evaluation_file()
    before = fingerprint(path)
    other = _foreign_write_transaction(path)
    try:
        error = refused(path, Busy)
        assert "しばらく待って" in str(error)
        assert not lock_path(path).exists()  # our lock was let go again
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert_untouched(path, before, fingerprint)


def test_busy_in_the_middle_of_a_session_writes_nothing(evaluation_file, short_busy_timeout):
    path = evaluation_file()
    with EvaluationFile.open(path, backup_on_open=False) as store:
        evaluation_id = store.evaluation_for_year().id
        answers_before = store.answers(evaluation_id)
        audit_before = store.audit_count()
        other = _foreign_write_transaction(path)
        try:
            with pytest.raises(Busy) as caught:
                store.set_answers(
                    evaluation_id,
                    {
                        "suishin.I.process.features.c": "該当",
                        "suishin.I.process.features.d": "該当",
                    },
                )
            assert "まだ保存されていません" in str(caught.value)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.answers(evaluation_id) == answers_before
        assert store.audit_count() == audit_before
        # Once the other program is done, the same action goes through.
        store.set_answers(evaluation_id, {"suishin.I.process.features.c": "該当"})
        assert store.answers(evaluation_id)["suishin.I.process.features.c"] == "該当"
