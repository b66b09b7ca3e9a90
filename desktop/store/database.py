"""Opening an evaluation file safely: check first, never touch a file we cannot use.

Order matters:

1. A missing or empty file becomes a new evaluation file.
2. The header must say SQLite; otherwise the file is not ours (never opened by SQLite
   for writing, so never modified).
3. Checks run on a read-only connection: schema not newer than this app, integrity
   check passes. Only then is the file opened for writing.
4. A hot journal (a crash in the middle of a save) is the exception: SQLite must roll
   it back, which needs a writable connection, so the checks run after that.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from desktop.store import errors
from desktop.store.schema import SCHEMA_VERSION, user_version

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def _uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def has_hot_journal(path: Path) -> bool:
    journal = path.with_name(path.name + "-journal")
    try:
        return journal.stat().st_size > 0
    except OSError:
        return False


def classify(path: Path) -> str:
    """'missing', 'empty' or 'sqlite'; raises NotADatabase / CannotOpen otherwise."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "missing"
    except IsADirectoryError:
        raise errors.CannotOpen(path, "フォルダです。ファイルを指定してください") from None
    except PermissionError:
        raise errors.CannotOpen(path, "読み取る権限がありません") from None
    except OSError as exc:
        raise errors.CannotOpen(path, exc.strerror or str(exc)) from None
    if not header:
        return "empty"
    if header != SQLITE_HEADER:
        raise errors.NotADatabase(path)
    return "sqlite"


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    mode = "ro" if read_only else "rw"
    try:
        conn = sqlite3.connect(
            _uri(path, mode), uri=True, isolation_level=None, check_same_thread=False
        )
    except sqlite3.OperationalError as exc:
        raise errors.CannotOpen(path, str(exc)) from None
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not read_only:
        # Rollback journal, not WAL: WAL does not work on network file systems.
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def create(path: Path) -> sqlite3.Connection:
    if not path.parent.is_dir():
        raise errors.CannotOpen(path, f"フォルダ {path.parent} がありません")
    try:
        conn = sqlite3.connect(
            _uri(path, "rwc"), uri=True, isolation_level=None, check_same_thread=False
        )
    except sqlite3.OperationalError as exc:
        raise errors.ReadOnlyFile(path, str(exc)) from None
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def check(conn: sqlite3.Connection, path: Path) -> int:
    """Schema version and integrity; raises TooNew / DamagedFile. Returns the version."""
    try:
        version = user_version(conn)
        if version > SCHEMA_VERSION:
            raise errors.TooNew(path, version, SCHEMA_VERSION)
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path) from None
    result = [row[0] for row in rows]
    if result != ["ok"]:
        raise errors.DamagedFile(path, f"整合性検査: {result[0]}")
    if version > 0:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "evaluations" not in tables:
            raise errors.NotADatabase(path)
    elif _has_foreign_tables(conn):
        raise errors.NotADatabase(path)
    return version


def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
    """A version-0 file with tables is some other program's SQLite file."""
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def ensure_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise errors.ReadOnlyFile(path, "ファイルが読み取り専用です")
    if not os.access(path.parent, os.W_OK):
        raise errors.ReadOnlyFile(
            path, "フォルダに書き込めません（保存時に一時ファイルを作れません）"
        )


def _translate(exc: sqlite3.Error, path: Path) -> errors.StoreError:
    message = str(exc).lower()
    if "not a database" in message or "file is encrypted" in message:
        return errors.NotADatabase(path)
    if "malformed" in message or "corrupt" in message or "disk image" in message:
        return errors.DamagedFile(path, str(exc))
    if "locked" in message or "busy" in message:
        return errors.Busy(path)
    if "readonly" in message or "read-only" in message:
        return errors.ReadOnlyFile(path, str(exc))
    return errors.CannotOpen(path, str(exc))


translate = _translate
