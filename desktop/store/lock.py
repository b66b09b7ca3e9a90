"""One writer per evaluation file: a lock file beside it that says who holds it.

SQLite's own locks only last for a transaction; they cannot tell a colleague that a
file is open in someone's window all afternoon. The lock file can, and it works on
a shared drive: it is created with O_EXCL, names the user, PC, process and start
time, and carries a heartbeat the holder refreshes while it runs. A lock whose
process is gone (same PC) or whose heartbeat is old (another PC) is stale and may
be taken over.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from desktop import __version__
from desktop.store.errors import FileLocked, LockHolder, ReadOnlyFile

HEARTBEAT_SECONDS = 60
STALE_AFTER = timedelta(minutes=10)


def lock_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def _now() -> datetime:
    return datetime.now().astimezone()


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
        import ctypes

        process_query_limited_information = 0x1000
        still_active = 259
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return False
            return code.value == still_active
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)  # POSIX: signal 0 only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_holder(path: Path) -> LockHolder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockHolder(
            user=str(data["user"]),
            host=str(data["host"]),
            pid=int(data["pid"]),
            since=str(data["since"]),
            heartbeat=str(data.get("heartbeat", data["since"])),
            app=str(data.get("app", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_stale(holder: LockHolder | None, now: datetime | None = None) -> bool:
    if holder is None:  # unreadable or half-written lock: nobody can be proven to hold it
        return True
    now = now or _now()
    if holder.host == socket.gethostname():
        return not pid_alive(holder.pid)
    try:
        beat = datetime.fromisoformat(holder.heartbeat)
    except ValueError:
        return True
    if beat.tzinfo is None:
        beat = beat.astimezone()
    return now - beat > STALE_AFTER


class FileLock:
    """The lock this session holds on one evaluation file."""

    def __init__(self, db_path: str | Path, user: str):
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self.user = user
        self.token = uuid.uuid4().hex
        self.since = _now().isoformat(timespec="seconds")
        self.held = False

    def _content(self) -> str:
        return json.dumps(
            {
                "user": self.user,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "since": self.since,
                "heartbeat": _now().isoformat(timespec="seconds"),
                "app": f"Hyoka Desk {__version__}",
                "token": self.token,
            },
            ensure_ascii=False,
        )

    def acquire(self, *, takeover: bool = False) -> None:
        """Take the lock; raise :class:`FileLocked` when someone else holds it.

        ``takeover`` replaces a stale lock only (a live holder is never displaced).
        """
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = read_holder(self.path)
            stale = is_stale(holder)
            if not (takeover and stale):
                raise FileLocked(self.db_path, holder, stale) from None
            self._replace_stale()
            return
        except PermissionError as exc:
            raise ReadOnlyFile(
                self.db_path, f"ロックファイルを作れません: {exc.strerror}"
            ) from None
        except OSError as exc:
            raise ReadOnlyFile(
                self.db_path, f"ロックファイルを作れません: {exc.strerror}"
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self._content())
            handle.flush()
            os.fsync(handle.fileno())
        self.held = True

    def _replace_stale(self) -> None:
        temp = self.path.with_name(f"{self.path.name}.{self.token}.tmp")
        temp.write_text(self._content(), encoding="utf-8")
        os.replace(temp, self.path)
        # Two sessions taking over at once: the last replace wins; the other notices here.
        holder_token = self._token_on_disk()
        if holder_token != self.token:
            raise FileLocked(self.db_path, read_holder(self.path), False)
        self.held = True

    def _token_on_disk(self) -> str | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8")).get("token")
        except (OSError, ValueError):
            return None

    def heartbeat(self) -> bool:
        """Refresh the heartbeat; False if the lock was taken from us."""
        if not self.held:
            return False
        if self._token_on_disk() != self.token:
            self.held = False
            return False
        temp = self.path.with_name(f"{self.path.name}.{self.token}.tmp")
        try:
            temp.write_text(self._content(), encoding="utf-8")
            os.replace(temp, self.path)
        except OSError:
            return False
        return True

    def release(self) -> None:
        if self.held and self._token_on_disk() == self.token:
            with contextlib.suppress(OSError):
                self.path.unlink()
        self.held = False
