"""One writer per evaluation file: a lock file beside it that says who holds it.

SQLite's own locks only last for a transaction; they cannot tell a colleague that a
file is open in someone's window all afternoon. The lock file can, and it works on
a shared drive: it is created with O_EXCL, names the user, PC, process and start
time, and carries a heartbeat the holder refreshes while it runs. A lock whose
process is gone (same PC) or whose heartbeat is old (another PC) is stale and may
be taken over. A live lock is never taken over.

Same PC: a process id alone is not proof of life, because ids are reused (after a
restart, the id in an old lock often belongs to some system process). The lock
also records when its process started; a process with that id but another start
time is someone else, and the lock is stale.

Taking over a stale lock is a check-then-replace, so it runs under a takeover guard:
a file created with O_EXCL whose name carries a digest of the stale lock it replaces.
Under the guard the taker checks that the lock file is still exactly the one it
judged stale (same bytes, same file), and only then replaces it: of two sessions
taking over at once exactly one wins. A guard left by a crash mid-takeover is
passed over after ``TAKEOVER_GUARD_SECONDS`` by creating the next one in line
(again with O_EXCL), so it never blocks the file for good.

The lock belongs to the file, not to the name it was opened by: it sits beside the
resolved path, so a symlink or another spelling of the same path finds the same lock.

Code that only runs on Windows is marked ``no mutate``: a mutation run on Linux could
only report it as untested (see tools/mutation_targets/desktop.store.lock.toml).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import time

# socket.gethostname itself: the socket module builds its enums on import and uuid loads
# more still, ≈ 6 ms of the window's start-up for a host name and a random token.
from _socket import gethostname
from datetime import datetime, timedelta
from pathlib import Path

from desktop import __version__
from desktop.hashing import sha256
from desktop.store.errors import (
    DiskFull,
    FileLocked,
    InvalidInput,
    LockHolder,
    ReadOnlyFile,
    describe_os_error,
    unreadable_text_message,
)

HEARTBEAT_SECONDS = 60
STALE_AFTER = timedelta(minutes=10)
# A heartbeat further ahead than this comes from a wrong clock and proves nothing; the
# lock is then judged by when its file was last written (see is_stale).
FUTURE_HEARTBEAT_TOLERANCE = STALE_AFTER
# A takeover guard older than this was left by a takeover that crashed half-way.
TAKEOVER_GUARD_SECONDS = 30
# How many guards left by crashed takeovers are passed over before giving up.
MAX_TAKEOVER_GUARDS = 20
# A lock file being written by its creator is briefly empty; give it this long.
HALF_WRITTEN_GRACE_SECONDS = 10
# Process start times read back from the OS agree to within a clock tick or two.
START_TIME_TOLERANCE_SECONDS = 2.0


def lock_path(db_path: str | Path) -> Path:
    """The lock file of ``db_path``: beside the file itself, whatever name it was given."""
    db_path = Path(db_path).resolve()
    return db_path.with_name(db_path.name + ".lock")


def _now() -> datetime:
    return datetime.now().astimezone()


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover, no mutate block - Windows only
    import ctypes
    from ctypes import wintypes

    process_query_limited_information = 0x1000
    still_active = 259
    error_access_denied = 5
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        # Another user's process (a colleague on the same terminal server) cannot be
        # opened, but it exists: access denied means alive, anything else means gone.
        return ctypes.get_last_error() == error_access_denied
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True  # cannot tell: never call a possibly live lock stale
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover, no mutate block - Windows only
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)  # POSIX: signal 0 only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    except OverflowError:  # an id no process can have (a garbled lock file)
        return False
    return True


def _linux_start_time(pid: int) -> float | None:
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
        btime = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        # Field 22 (starttime, clock ticks after boot); the name in field 2 may hold spaces.
        fields = stat_line[stat_line.rindex(")") + 2 :].split()
        ticks = int(fields[19])
        return btime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _windows_start_time(pid: int) -> float | None:  # pragma: no cover, no mutate block - Windows
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    kernel32.GetProcessTimes.argtypes = (wintypes.HANDLE, *[ctypes.POINTER(wintypes.FILETIME)] * 4)
    handle = kernel32.OpenProcess(0x1000, False, pid)
    if not handle:
        return None
    try:
        times = [wintypes.FILETIME() for _ in range(4)]
        if not kernel32.GetProcessTimes(handle, *[ctypes.byref(t) for t in times]):
            return None
        created = (times[0].dwHighDateTime << 32) | times[0].dwLowDateTime
        return created / 10_000_000 - 11_644_473_600  # 100 ns since 1601 → Unix time
    finally:
        kernel32.CloseHandle(handle)


def process_start_time(pid: int) -> float | None:
    """When process ``pid`` started (Unix time), or None where the OS does not say."""
    if sys.platform == "win32":  # pragma: no cover, no mutate block - Windows only
        return _windows_start_time(pid)
    if sys.platform.startswith("linux"):
        return _linux_start_time(pid)
    return None


def _linux_zombie(pid: int) -> bool:
    """A process that has ended but was not yet reaped by its parent (state Z)."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
        return stat_line[stat_line.rindex(")") + 2 :].split()[0] in ("Z", "X")
    except (OSError, ValueError, IndexError):
        return False


def holder_alive_here(holder: LockHolder) -> bool:
    """A lock made on this PC: is its process still the one that made it?"""
    if not pid_alive(holder.pid):
        return False
    if sys.platform.startswith("linux") and _linux_zombie(holder.pid):
        return False
    if holder.started is None:
        return True
    started = process_start_time(holder.pid)
    if started is None:
        return True
    return abs(started - holder.started) <= START_TIME_TOLERANCE_SECONDS


def read_holder(path: Path) -> LockHolder | None:
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return parse_holder(content)


def parse_holder(content: bytes) -> LockHolder | None:
    """Who a lock file's bytes name; None for anything that is not a lock we wrote."""
    try:
        data = json.loads(content.decode("utf-8"))
        started = data.get("started")
        return LockHolder(
            user=str(data["user"]),
            host=str(data["host"]),
            pid=int(data["pid"]),
            since=str(data["since"]),
            heartbeat=str(data.get("heartbeat", data["since"])),
            app=str(data.get("app", "")),
            started=float(started) if started is not None else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        return None


def _file_age_seconds(path: Path) -> float | None:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return None


def is_stale(
    holder: LockHolder | None, now: datetime | None = None, *, lock_file: Path | None = None
) -> bool:
    """Whether nobody can be holding this lock any more.

    An unreadable lock file is stale, unless it was written a moment ago (its creator
    may still be writing it).
    """
    if holder is None:
        if lock_file is not None:
            age = _file_age_seconds(lock_file)
            if age is not None and age < HALF_WRITTEN_GRACE_SECONDS:
                return False
        return True
    now = now or _now()
    if holder.host == gethostname():
        return not holder_alive_here(holder)
    try:
        beat = datetime.fromisoformat(holder.heartbeat)
        if beat.tzinfo is None:
            beat = beat.astimezone()  # an old lock without a time zone: local time
        silence = now - beat
    except (ValueError, OverflowError, OSError):
        return True  # not a time at all: nothing says anyone is there
    if -silence > FUTURE_HEARTBEAT_TOLERANCE:
        # The holder's clock is wrong (or the file forged): trust only that the file
        # is still being rewritten. A live holder rewrites it every minute.
        age = _file_age_seconds(lock_file) if lock_file is not None else None
        return age is None or age > STALE_AFTER.total_seconds()
    return silence > STALE_AFTER


def _lock_error(db_path: Path, what: str, exc: OSError) -> DiskFull | ReadOnlyFile:
    """A lock file the OS refused: a full disk says so; anything else is a read-only place."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFull(db_path, doing=f"ロックファイルを{what}")
    return ReadOnlyFile(db_path, f"ロックファイルを{what}: {describe_os_error(exc)}")


class _Snapshot:
    """A lock file as it was when judged: its bytes and which file it was."""

    def __init__(self, path: Path):
        with path.open("rb") as handle:  # bytes and identity of the same open file
            self.content = handle.read()
            info = os.fstat(handle.fileno())
        self.identity = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)

    def still_there(self, path: Path) -> bool:
        try:
            return _Snapshot(path) == self
        except OSError:
            return False

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, _Snapshot)
            and self.content == other.content
            and self.identity == other.identity
        )

    @property
    def digest(self) -> str:
        return sha256(self.content).hexdigest()[:16]


class FileLock:
    """The lock this session holds on one evaluation file."""

    def __init__(self, db_path: str | Path, user: str):
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self.user = user
        self.token = os.urandom(16).hex()  # as uuid4().hex: 128 random bits
        self.since = _now().isoformat(timespec="seconds")
        self.started = process_start_time(os.getpid())
        self.held = False

    def _content(self) -> bytes:
        text = json.dumps(
            {
                "user": self.user,
                "host": gethostname(),
                "pid": os.getpid(),
                "started": self.started,
                "since": self.since,
                "heartbeat": _now().isoformat(timespec="seconds"),
                "app": f"Hyoka Desk {__version__}",
                "token": self.token,
            },
            ensure_ascii=False,
        )
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:  # a name made of bytes that are no text (see errors)
            raise InvalidInput(self.db_path, unreadable_text_message("利用者名")) from None

    @property
    def _temp_path(self) -> Path:
        return self.path.with_name(f"{self.path.name}.{self.token}.tmp")

    def acquire(self, *, takeover: bool = False) -> None:
        """Take the lock; raise :class:`FileLocked` when someone else holds it.

        ``takeover`` replaces a stale lock only (a live holder is never displaced).
        """
        # Everything that can fail before the file exists does: a failure after
        # creating it must never leave an empty lock behind.
        content = self._content()
        for _attempt in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                try:
                    judged = _Snapshot(self.path)
                except FileNotFoundError:
                    continue  # released between the two looks: try again
                except OSError:
                    raise FileLocked(self.db_path, None, False) from None
                self._acquire_existing(judged, takeover)
                return
            except OSError as exc:
                raise _lock_error(self.db_path, "作れません", exc) from None
            self._write_new(fd, content)
            return
        # The lock keeps appearing and vanishing: someone is busy with it; not us.
        raise FileLocked(self.db_path, None, False)

    def _write_new(self, fd: int, content: bytes) -> None:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException as exc:
            with contextlib.suppress(OSError):
                self.path.unlink()
            if isinstance(exc, OSError):
                raise _lock_error(self.db_path, "書けません", exc) from None
            raise
        self.held = True

    def _acquire_existing(self, judged: _Snapshot, takeover: bool) -> None:
        holder = parse_holder(judged.content)
        stale = is_stale(holder, lock_file=self.path)
        if not (takeover and stale):
            raise FileLocked(self.db_path, holder, stale)
        self._take_over(judged)

    def _take_over(self, judged: _Snapshot) -> None:
        """Replace the stale lock ``judged``, unless someone else got there first."""
        guard = self._claim_takeover_guard(judged)
        try:
            if not judged.still_there(self.path):
                # Another session took it over (or its holder came back) meanwhile.
                holder = read_holder(self.path)
                raise FileLocked(self.db_path, holder, is_stale(holder, lock_file=self.path))
            try:
                self._write_atomically()
            except OSError as exc:
                raise _lock_error(self.db_path, "書けません", exc) from None
            self.held = True
        finally:
            with contextlib.suppress(OSError):
                guard.unlink()
        self._sweep_guards(judged)

    def _guard_path(self, judged: _Snapshot, number: int) -> Path:
        return self.path.with_name(f"{self.path.name}.takeover-{judged.digest}-{number}")

    def _claim_takeover_guard(self, judged: _Snapshot) -> Path:
        for number in range(MAX_TAKEOVER_GUARDS):
            guard = self._guard_path(judged, number)
            try:
                os.close(os.open(guard, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                age = _file_age_seconds(guard)
                if age is None or age < TAKEOVER_GUARD_SECONDS:
                    # Someone is taking it over right now (or just did): not us.
                    raise FileLocked(self.db_path, read_holder(self.path), False) from None
                continue  # left by a takeover that crashed: the next guard in line
            except OSError as exc:
                raise _lock_error(self.db_path, "作れません", exc) from None
            return guard
        raise FileLocked(self.db_path, read_holder(self.path), True)

    def _sweep_guards(self, judged: _Snapshot) -> None:
        """Guards of crashed takeovers of ``judged``: no use now that it is replaced."""
        for number in range(MAX_TAKEOVER_GUARDS):
            with contextlib.suppress(OSError):
                self._guard_path(judged, number).unlink()

    def _write_atomically(self) -> None:
        temp = self._temp_path
        try:
            temp.write_bytes(self._content())
            os.replace(temp, self.path)
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()

    def _token_on_disk(self) -> str | None:
        try:
            return json.loads(self.path.read_bytes().decode("utf-8")).get("token")
        except (OSError, ValueError, AttributeError, RecursionError):
            return None

    def heartbeat(self) -> bool:
        """Refresh the heartbeat; False only if the lock was taken from us."""
        if not self.held:
            return False
        if self._token_on_disk() != self.token:
            self.held = False
            return False
        try:
            self._write_atomically()
        except OSError:
            # A transient failure (a reader has the file open on Windows, a network
            # hiccup) does not lose the lock; the next heartbeat tries again.
            return self._token_on_disk() in (self.token, None)
        return True

    def release(self) -> None:
        if self.held and self._token_on_disk() == self.token:
            with contextlib.suppress(OSError):
                self.path.unlink()
        self.held = False
