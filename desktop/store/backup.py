"""Rotating backups beside the evaluation file, made with SQLite's backup API.

A backup is written to a temporary name (``*.partial``) and renamed only when it is
complete and on disk, so a crash during a backup never leaves a half-written file
that looks like a backup; a later backup sweeps such leftovers away once they are
old enough not to be another session's copy in progress.

Two kinds of backup rotate separately, so that frequent routine copies (on opening,
hourly) never push out the copy made before something drastic (a migration, a
restore, a catalog upgrade, an import, a manual backup).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

KEEP_GENERATIONS = 10  # routine backups kept (on opening, hourly)
KEEP_SAFETY_GENERATIONS = 10  # backups before drastic changes, and manual ones
INTERVAL_SECONDS = 3600
PAGES_PER_STEP = 1024  # copy in steps: lets a progress bar move on large files
STALE_PARTIAL_SECONDS = 3600  # an unfinished copy this old was left by a crash

ROUTINE_REASONS = frozenset({"open", "hourly"})

_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<counter>\d+))?"
    r"(?:-(?P<reason>[a-z][a-z0-9-]*))?\.sqlite$"
)

REASON_LABELS = {
    "open": "開いたとき",
    "hourly": "定期",
    "manual": "手動",
    "before-migration": "形式更新の前",
    "before-restore": "復元の前",
    "before-upgrade": "評価指標の更新の前",
    "before-import": "取込の前",
    "before-carry": "前年度からの引継ぎの前",
}

Progress = Callable[[int, int], None]  # (pages copied, total pages)


@dataclass(frozen=True)
class BackupInfo:
    """A backup file beside the evaluation: when and why it was made."""

    path: Path
    created: datetime
    reason: str
    sequence: int = 0  # orders backups made within the same second

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)

    @property
    def routine(self) -> bool:
        return self.reason in ROUTINE_REASONS


def backup_dir(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".backups")


def _stamp_time(stamp: str) -> datetime:
    """「20261204-153000」 as a time; ValueError for a date that does not exist.

    Not ``datetime.strptime``: its first call imports and sets up ``_strptime`` (about
    2 ms, while the window shows the evaluation just opened).
    """
    day, clock = stamp[:8], stamp[9:]
    return datetime(
        int(day[:4]), int(day[4:6]), int(day[6:]), int(clock[:2]), int(clock[2:4]), int(clock[4:])
    )


def list_backups(db_path: str | Path) -> list[BackupInfo]:
    """Backups of this file, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.sqlite"):
        match = _NAME.match(path.name)
        if not match:
            continue
        try:
            created = _stamp_time(match.group("stamp"))
        except ValueError:
            continue
        found.append(
            BackupInfo(
                path,
                created,
                match.group("reason") or "manual",
                int(match.group("counter") or 0),
            )
        )
    return sorted(found, key=lambda b: (b.created, b.sequence), reverse=True)


def make_backup(
    conn: sqlite3.Connection,
    db_path: str | Path,
    reason: str = "manual",
    keep: int = KEEP_GENERATIONS,
    *,
    progress: Progress | None = None,
) -> Path:
    """Copy the database consistently beside it and drop the oldest beyond ``keep``."""
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    folder.mkdir(exist_ok=True)
    target = _new_name(db_path, reason)
    temp = target.with_suffix(".partial")
    try:
        dest = sqlite3.connect(str(temp), isolation_level=None)
        try:
            # No journal for a file nobody reads until it is renamed: faster, and a
            # crash leaves only the .partial, which a later backup sweeps away.
            dest.execute("PRAGMA journal_mode = OFF")
            conn.backup(dest, pages=PAGES_PER_STEP, progress=_adapt(progress))
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        _fsync(temp)
        os.replace(temp, target)
        fsync_dir(folder)
    except BaseException:
        _remove_partial(temp)
        raise
    rotate(db_path, keep)
    return target


def _new_name(db_path: Path, reason: str) -> Path:
    """``<stem>-<YYYYmmdd-HHMMSS>[-<n>]-<reason>.sqlite``: the name sorts backups.

    Backups made within the same second (whatever their reason) get a counter, so
    that the newest is always known; a name whose copy is still being written (by
    another session) is never reused.
    """
    folder = backup_dir(db_path)
    now = datetime.now().replace(microsecond=0)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    counter = max((b.sequence + 1 for b in list_backups(db_path) if b.created == now), default=0)
    while True:
        numbered = f"-{counter}" if counter else ""
        target = folder / f"{db_path.stem}-{stamp}{numbered}-{reason}.sqlite"
        if not target.exists() and not target.with_suffix(".partial").exists():
            return target
        counter += 1


def _adapt(progress: Progress | None):
    if progress is None:
        return None

    def report(_status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)

    return report


def _remove_partial(temp: Path) -> None:
    for leftover in (temp, temp.with_name(temp.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def rotate(
    db_path: str | Path,
    keep: int = KEEP_GENERATIONS,
    keep_safety: int = KEEP_SAFETY_GENERATIONS,
) -> None:
    backups = list_backups(db_path)
    routine = [b for b in backups if b.routine]
    safety = [b for b in backups if not b.routine]
    for old in routine[keep:] + safety[keep_safety:]:
        with contextlib.suppress(OSError):
            old.path.unlink()
    sweep_partials(db_path)


def sweep_partials(db_path: str | Path, older_than: float = STALE_PARTIAL_SECONDS) -> None:
    """Remove copies left unfinished by a crash (never listed as backups anyway).

    Only old ones: a young one may be a copy another session is writing right now
    (a backup from the command line while the window is open, a restore).
    """
    now = time.time()
    for pattern in ("*.partial", "*.partial-journal"):
        for partial in backup_dir(db_path).glob(pattern):
            with contextlib.suppress(OSError):
                if now - partial.stat().st_mtime > older_than:
                    partial.unlink()


def newest_age_seconds(db_path: str | Path) -> float | None:
    backups = list_backups(db_path)
    if not backups:
        return None
    return (datetime.now() - backups[0].created).total_seconds()


def backup_file(
    db_path: str | Path, reason: str = "manual", *, progress: Progress | None = None
) -> Path:
    """Back up a file that is not open here, even while a colleague writes to it.

    Reads through a read-only connection (SQLite's backup API copies a consistent
    snapshot), after the same checks as opening: a damaged file is never copied over
    the good backups.
    """
    from desktop.store import database, errors

    db_path = Path(db_path)
    kind = database.classify(db_path)
    if kind == "missing":
        raise errors.CannotOpen(db_path, "ファイルがありません")
    if kind == "empty":
        raise errors.NoEvaluation(db_path)
    wal = database.in_wal_mode(db_path)
    if wal and database.wal_in_use(db_path):
        raise errors.OpenElsewhere(db_path)
    conn = database.connect(db_path, read_only=True, immutable=wal)
    try:
        if database.check(conn, db_path) == 0:
            raise errors.NoEvaluation(db_path)
        try:
            return make_backup(conn, db_path, reason, progress=progress)
        except sqlite3.Error as exc:
            raise database.translate(exc, db_path) from None
        except OSError as exc:
            raise backup_write_error(db_path, exc) from None
    finally:
        conn.close()


def backup_write_error(db_path: Path, exc: OSError):
    """The StoreError for a backup that could not be written."""
    import errno

    from desktop.store import errors

    if exc.errno == errno.ENOSPC:
        return errors.DiskFull(db_path)
    return errors.ReadOnlyFile(
        db_path,
        f"バックアップを {backup_dir(db_path).name} に書けません: {errors.describe_os_error(exc)}",
    )


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError), open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles for this)."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
