"""Rotating backups beside the evaluation file, made with SQLite's backup API.

A backup is written to a temporary name and renamed only when complete, so a crash
during a backup never leaves a half-written file that looks like a backup.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

KEEP_GENERATIONS = 10
INTERVAL_SECONDS = 3600

_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}(?:-\d+)?)(?:-(?P<reason>[a-z0-9-]+))?\.sqlite$"
)

REASON_LABELS = {
    "open": "開いたとき",
    "hourly": "定期",
    "manual": "手動",
    "before-migration": "形式更新の前",
    "before-restore": "復元の前",
    "before-upgrade": "評価指標の更新の前",
    "before-import": "取込の前",
}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    reason: str

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


def backup_dir(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".backups")


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
        stamp = match.group("stamp")[:15]
        try:
            created = datetime.strptime(stamp, "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        found.append(BackupInfo(path, created, match.group("reason") or "manual"))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def make_backup(
    conn: sqlite3.Connection,
    db_path: str | Path,
    reason: str = "manual",
    keep: int = KEEP_GENERATIONS,
) -> Path:
    """Copy the database consistently beside it and drop the oldest beyond ``keep``."""
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}-{reason}.sqlite"
    counter = 1
    while target.exists():
        target = folder / f"{db_path.stem}-{stamp}-{counter}-{reason}.sqlite"
        counter += 1
    temp = target.with_suffix(".partial")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    dest = sqlite3.connect(str(temp))
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    _fsync(temp)
    os.replace(temp, target)
    rotate(db_path, keep)
    return target


def rotate(db_path: str | Path, keep: int = KEEP_GENERATIONS) -> None:
    for old in list_backups(db_path)[keep:]:
        with contextlib.suppress(OSError):
            old.path.unlink()
    for partial in backup_dir(db_path).glob("*.partial"):  # left by a crash mid-backup
        with contextlib.suppress(OSError):
            partial.unlink()


def newest_age_seconds(db_path: str | Path) -> float | None:
    backups = list_backups(db_path)
    if not backups:
        return None
    return (datetime.now() - backups[0].created).total_seconds()


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError), open(path, "rb+") as handle:
        os.fsync(handle.fileno())
