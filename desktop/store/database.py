"""Opening an evaluation file safely: check first, never touch a file we cannot use.

Order matters:

1. A missing or empty file becomes a new evaluation file.
2. The header must say SQLite; otherwise the file is not ours (never opened by SQLite
   for writing, so never modified).
3. Checks run on a read-only connection: schema not newer than this app, integrity
   check passes. Only then is the file opened for writing.
4. A hot journal (a crash in the middle of a save) is the exception: SQLite must roll
   it back, which needs a writable connection, so the checks run after that. The
   read-only probe tells us so (SQLITE_READONLY_ROLLBACK); we never guess from the
   journal file alone, which also exists while another program is saving.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path
from urllib.parse import quote

from desktop.store import errors, schema
from desktop.store.schema import SCHEMA_VERSION, user_version
from desktop.windows_files import error_is_held_open, is_held_open, name_problem

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000

# SQLite result codes (primary code = extended code & 0xff).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
SQLITE_READONLY_ROLLBACK = 776  # a hot journal that a read-only connection cannot undo
SQLITE_READONLY_DBMOVED = 1032  # the file was renamed or deleted while open


def uri(path: Path, mode: str) -> str:
    """A ``file:`` URI for ``path`` (quoted: '#', '?' and '%' are legal in file names)."""
    return f"file:{quote(str(Path(path).resolve()))}?mode={mode}"


_uri = uri  # the name used before; kept for callers


def has_hot_journal(path: Path) -> bool:
    """A non-empty rollback journal beside the file (a crash mid-save, or a save under way)."""
    journal = path.with_name(path.name + "-journal")
    try:
        return journal.stat().st_size > 0
    except OSError:
        return False


def in_wal_mode(path: Path) -> bool:
    """The header says WAL (bytes 18-19 = 2). Our files never are; see :func:`connect`."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and (header[18] == 2 or header[19] == 2)


def wal_in_use(path: Path) -> bool:
    """A WAL file beside ``path``: another program has it open (or crashed while it did)."""
    return any(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-shm"))


def classify(path: Path) -> str:
    """'missing', 'empty' or 'sqlite'; raises NotADatabase / CannotOpen otherwise."""
    if problem := name_problem(path):  # Windows: 評価?.sqlite, CON.sqlite
        raise errors.InvalidInput(path, f"{path} は使えません。{problem}")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        if isinstance(exc, IsADirectoryError) or path.is_dir():
            # Windows reports a folder as PermissionError (or EINVAL), not EISDIR.
            raise errors.CannotOpen(path, "フォルダです。ファイルを指定してください") from None
        if error_is_held_open(exc, path):
            raise errors.HeldOpen(path) from None
        if isinstance(exc, PermissionError):
            raise errors.CannotOpen(path, "読み取る権限がありません") from None
        raise errors.CannotOpen(path, errors.describe_os_error(exc)) from None
    if not header:
        return "empty"
    if header != SQLITE_HEADER:
        raise errors.NotADatabase(path)
    return "sqlite"


def _configure(conn: sqlite3.Connection, *, writable: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    if writable:
        # Rollback journal, not WAL: WAL does not work on network file systems.
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.OperationalError(f"journal_mode is {mode}")
        conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def connect(path: Path, *, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    """A configured connection. ``immutable`` (read-only) reads the file alone: no
    locks, no side files, which is how a WAL-mode file is inspected untouched.
    """
    mode = "ro" if read_only else "rw"
    address = uri(path, mode) + ("&immutable=1" if read_only and immutable else "")
    try:
        conn = sqlite3.connect(address, uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise translate(exc, path) from None
    try:
        _configure(conn, writable=not read_only)
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from None
    return conn


def create(path: Path) -> sqlite3.Connection:
    if not path.parent.is_dir():
        raise errors.CannotOpen(path, f"フォルダ {path.parent} がありません")
    try:
        conn = sqlite3.connect(
            uri(path, "rwc"), uri=True, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise errors.ReadOnlyFile(path, "新しいファイルを作れません").with_detail(
            str(exc)
        ) from None
    try:
        _configure(conn, writable=True)
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from None
    return conn


def probe_write(conn: sqlite3.Connection, path: Path) -> None:
    """Prove the connection can write, leaving the file as it was.

    SQLite silently falls back to read-only when the OS refuses write access (a
    share mounted read-only, an ACL, a file owned by someone else), and
    ``os.access`` cannot see every such case; nor does ``BEGIN IMMEDIATE``, which
    only takes a lock. Rewriting ``user_version`` with its own value inside a
    transaction that is rolled back does need write access, and changes nothing.
    It fails with BUSY when another program holds a write transaction.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        version = user_version(conn)
        conn.execute(f"PRAGMA user_version = {int(version)}")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise translate(exc, path) from None


def check(conn: sqlite3.Connection, path: Path, *, full: bool = True) -> int:
    """Schema version and integrity; raises TooNew / DamagedFile. Returns the version.

    ``full=False`` runs ``PRAGMA quick_check``: the same page-level checks (a truncated
    or garbled file, broken b-trees) without cross-checking every index against its
    table, several times faster on a large file. The main window uses it on opening
    and runs the full check right after, in the background (see ``backup.backup_file``).
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        version = user_version(conn)
        if version > SCHEMA_VERSION:
            if not is_ours(conn, version):
                raise errors.NotADatabase(path)
            raise errors.TooNew(path, version, SCHEMA_VERSION)
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
        result = [row[0] for row in rows]
        if result != ["ok"]:
            raise errors.DamagedFile(
                path, f"整合性検査で {len(result)} 件の問題が見つかりました"
            ).with_detail("\n".join(result))
        if not is_ours(conn, version):
            raise errors.NotADatabase(path)
    except sqlite3.Error as exc:
        raise translate(exc, path) from None
    return version


def is_ours(conn: sqlite3.Connection, version: int) -> bool:
    """An evaluation file (of any version up to ours), or an empty SQLite file.

    Marked files are ours. An unmarked file is one from before the mark only if its
    tables and columns are exactly those of its schema version; a file that merely
    has an ``evaluations`` table and a ``user_version`` is someone else's, and is
    never migrated. See :mod:`desktop.store.schema`.
    """
    marked = schema.application_id(conn)
    if marked not in (0, schema.APPLICATION_ID):
        return False  # another program marked it as its own
    if version > SCHEMA_VERSION:
        # A newer version is refused anyway (TooNew); say that rather than "not ours".
        return marked == schema.APPLICATION_ID or _has_table(conn, "evaluations")
    if marked:
        return version > 0 and _has_table(conn, "evaluations")
    if version == 0:
        return not _has_foreign_tables(conn)
    return schema.tables(conn) == schema.tables_at(version)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
    ).fetchone()
    return row[0] > 0


def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
    """A version-0 file with tables is some other program's SQLite file."""
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def _marked_read_only(path: Path) -> bool:
    """The file (or, on POSIX, the folder) is flagged read-only, whoever we are.

    ``os.access`` answers for the current user, and an administrator (root) may write
    anything; a file someone marked read-only is still not ours to change. On Windows
    the read-only attribute shows as missing write bits on files; on folders it
    means "customized folder" (Documents, Desktop), so folders are left to the
    lock file, whose creation is a real test.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode) and sys.platform == "win32":  # pragma: no cover - Windows
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def ensure_writable(path: Path) -> None:
    if not os.access(path, os.W_OK) or _marked_read_only(path):
        raise errors.ReadOnlyFile(path, "ファイルが読み取り専用です")
    folder = path.parent
    if not os.access(folder, os.W_OK) or _marked_read_only(folder):
        raise errors.ReadOnlyFile(
            path, "フォルダに書き込めません（保存時に一時ファイルを作れません）"
        )


def ensure_one_name(path: Path) -> None:
    """The lock sits beside the name the file was opened by: a second name (a hard link)
    would get a lock of its own, and two people could write at once."""
    try:
        links = os.stat(path).st_nlink
    except OSError:
        return  # the opening itself reports a file it cannot reach
    if links > 1:
        raise errors.SeveralNames(path)


def error_code(exc: sqlite3.Error) -> int | None:
    return getattr(exc, "sqlite_errorcode", None)


def translate(exc: sqlite3.Error, path: Path, *, saving: bool = False) -> errors.StoreError:
    """A SQLite error as a StoreError the user can act on (by result code, then message)."""
    code = error_code(exc)
    primary = code & 0xFF if code is not None else None
    message = str(exc).lower()
    detail = f"{getattr(exc, 'sqlite_errorname', type(exc).__name__)}: {exc}"
    if primary in (SQLITE_CANTOPEN, SQLITE_IOERR) and is_held_open(path):
        return errors.HeldOpen(path).with_detail(detail)  # Windows: another program has it
    if code == SQLITE_READONLY_ROLLBACK:
        return errors.InterruptedSave(path)
    if code == SQLITE_READONLY_DBMOVED:
        return errors.FileUnavailable(path, "ファイルが移動または削除されました", detail)
    if primary == SQLITE_NOTADB or "not a database" in message or "file is encrypted" in message:
        return errors.NotADatabase(path)
    if primary == SQLITE_CORRUPT or "malformed" in message or "disk image" in message:
        return errors.DamagedFile(path, "SQLite が破損を検出しました").with_detail(detail)
    if primary == SQLITE_FULL or "disk is full" in message:
        return errors.DiskFull(path).with_detail(detail)
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in message or "busy" in message:
        return errors.Busy(path).with_detail(detail)
    if primary == SQLITE_READONLY or "readonly" in message or "read-only" in message:
        return errors.ReadOnlyFile(path, "書き込みが拒否されました").with_detail(detail)
    if primary == SQLITE_IOERR or "disk i/o" in message:
        return errors.FileUnavailable(path, "読み書きに失敗しました", detail)
    if primary == SQLITE_CANTOPEN or "unable to open" in message:
        if saving:
            return errors.FileUnavailable(path, "ファイルを開き直せません", detail)
        return errors.CannotOpen(path, "SQLite がファイルを開けません").with_detail(detail)
    if saving:
        return errors.SaveFailed(path, detail)
    return errors.CannotOpen(path, "SQLite のエラー").with_detail(detail)


_translate = translate  # the name used before; kept for callers
