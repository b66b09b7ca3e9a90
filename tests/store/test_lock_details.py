"""What a lock records and tells: the record read back, the file and holder in every refusal,
process facts read from the OS, odd files where the lock should be, files that will not go away.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop import __version__
from desktop.store import lock as locks
from desktop.store.errors import DiskFull, FileLocked, InvalidInput, LockHolder, ReadOnlyFile
from desktop.store.lock import FileLock, is_stale, lock_path, read_holder

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def write_lock(db_path, **fields) -> bytes:
    now = datetime.now().astimezone()
    content = {
        "user": "田中",
        "host": "somebody-elses-pc",
        "pid": 4242,
        "since": (now - timedelta(hours=2)).isoformat(timespec="seconds"),
        "heartbeat": now.isoformat(timespec="seconds"),
        "token": "someone-elses-token",
    }
    content.update(fields)
    for name in [key for key, value in content.items() if value is None]:
        del content[name]
    data = json.dumps(content, ensure_ascii=False).encode("utf-8")
    lock_path(db_path).write_bytes(data)
    return data


def stale_lock(db_path) -> bytes:
    old = datetime.now().astimezone() - timedelta(minutes=30)
    return write_lock(db_path, heartbeat=old.isoformat(timespec="seconds"))


def refused(db_path, *, takeover=False) -> FileLocked:
    lock = FileLock(db_path, "私")
    with pytest.raises(FileLocked) as locked:
        lock.acquire(takeover=takeover)
    assert lock.held is False
    assert str(db_path) in str(locked.value)  # every refusal names the file
    return locked.value


# --- the record ---------------------------------------------------------------------------------
def test_a_lock_reads_back_as_written(db_path):
    lock = FileLock(db_path, "山本")
    assert lock.held is False
    lock.acquire()
    assert lock.held is True
    holder = read_holder(lock_path(db_path))
    assert holder == LockHolder(
        user="山本",
        host=socket.gethostname(),
        pid=os.getpid(),
        since=lock.since,
        heartbeat=holder.heartbeat,
        app=f"Hyoka Desk {__version__}",
        started=locks.process_start_time(os.getpid()),
    )
    assert datetime.fromisoformat(lock.since).tzinfo is not None
    assert abs(datetime.fromisoformat(holder.heartbeat) - datetime.now().astimezone()) < timedelta(
        minutes=1
    )
    assert "山本" in lock_path(db_path).read_text(encoding="utf-8")  # readable, not \\u escapes


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_lock_file_is_readable_by_colleagues_and_not_executable(db_path):
    umask = os.umask(0o022)
    try:
        lock = FileLock(db_path, "私")
        lock.acquire()
    finally:
        os.umask(umask)
    assert stat.S_IMODE(lock_path(db_path).stat().st_mode) == 0o644


def test_an_old_lock_without_heartbeat_is_judged_by_since(db_path):
    now = datetime.now().astimezone()
    recent = (now - timedelta(minutes=1)).isoformat(timespec="seconds")
    write_lock(db_path, since=recent, heartbeat=None)
    holder = read_holder(lock_path(db_path))
    assert holder.heartbeat == recent and holder.since == recent
    assert holder.app == ""
    assert not is_stale(holder)
    long_ago = (now - timedelta(hours=1)).isoformat(timespec="seconds")
    write_lock(db_path, since=long_ago, heartbeat=None)
    assert is_stale(read_holder(lock_path(db_path)))


def test_a_lock_with_the_app_named_keeps_it(db_path):
    write_lock(db_path, app="Hyoka Desk 9.9")
    assert read_holder(lock_path(db_path)).app == "Hyoka Desk 9.9"


# --- the OS's facts about processes ------------------------------------------------------------
@linux_only
def test_the_start_time_of_a_process_is_read_from_the_os():
    before = time.time()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    after = time.time()
    try:
        started = locks.process_start_time(child.pid)
        assert started is not None
        # /proc gives the boot time in whole seconds: allow the same slack as the lock does.
        assert before - 2 <= started <= after + 2
    finally:
        child.kill()
        child.wait()
    assert locks.process_start_time(os.getpid()) <= before


@linux_only
def test_a_live_process_whose_name_looks_like_a_zombie_is_alive(tmp_path):
    # /proc/<pid>/stat puts the name in parentheses; a name may hold ") Z (" itself.
    odd = tmp_path / "a) Z (b"
    odd.symlink_to(shutil.which("sleep") or "/bin/sleep")
    child = subprocess.Popen([str(odd), "30"])
    try:
        deadline = time.monotonic() + 10
        while "Z (b" not in Path(f"/proc/{child.pid}/stat").read_text():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        started = locks.process_start_time(child.pid)
        assert started is not None and abs(started - time.time()) < 30
        holder = LockHolder(
            user="田中",
            host=socket.gethostname(),
            pid=child.pid,
            since="",
            heartbeat="",
            started=started,
        )
        assert not is_stale(holder)
    finally:
        child.kill()
        child.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process ids")
def test_the_first_process_is_alive():
    assert locks.pid_alive(1)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_process_the_os_will_not_talk_about_counts_as_alive(monkeypatch):
    def cannot_tell(pid, sig):
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(locks.os, "kill", cannot_tell)
    assert locks.pid_alive(4242)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_another_users_process_hidden_from_proc_still_holds_its_lock(monkeypatch, tmp_path):
    # /proc mounted with hidepid: the process exists (kill says "not permitted") but its
    # /proc entry cannot be read. A colleague's live session must keep its lock.
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # an id with no /proc entry

    def not_permitted(pid, sig):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(locks.os, "kill", not_permitted)
    holder = LockHolder(
        user="田中",
        host=socket.gethostname(),
        pid=process.pid,
        since="",
        heartbeat="",
        started=1_700_000_000.0,
    )
    assert not is_stale(holder)


# --- every refusal names the file, the holder and whether it is stale ----------------------------
def test_a_live_lock_refusal_names_file_and_holder(db_path):
    write_lock(db_path)
    error = refused(db_path, takeover=True)
    assert error.holder.user == "田中" and error.stale is False
    assert error.path == str(db_path)


def test_a_folder_where_the_lock_should_be_is_a_lock_nobody_can_read(db_path):
    lock_path(db_path).mkdir()
    error = refused(db_path, takeover=True)
    assert error.holder is None and error.stale is False
    assert "ほかの利用者が使用中です" in str(error)
    assert lock_path(db_path).is_dir()


def test_a_lock_released_while_we_look_is_taken_on_the_next_try(db_path, monkeypatch):
    real_open = os.open
    calls = []

    def first_sees_a_lock(path, flags, *args):
        calls.append(path)
        if len(calls) == 1:
            raise FileExistsError(errno.EEXIST, "File exists")  # … gone when we look
        return real_open(path, flags, *args)

    monkeypatch.setattr(locks.os, "open", first_sees_a_lock)
    lock = FileLock(db_path, "私")
    lock.acquire()
    assert lock.held is True
    assert len(calls) == 2
    assert read_holder(lock_path(db_path)).user == "私"


def test_a_lock_that_keeps_vanishing_is_refused_not_looped_on(db_path, monkeypatch):
    def always_exists(path, flags, *args):
        raise FileExistsError(errno.EEXIST, "File exists")

    monkeypatch.setattr(locks.os, "open", always_exists)
    error = refused(db_path)
    assert error.stale is False


def test_a_stale_lock_replaced_by_a_fresh_file_with_the_same_bytes_is_not_taken(
    db_path, monkeypatch
):
    # An old, empty lock (a crash while creating it) is stale; if, while we get ready,
    # someone removes it and starts creating theirs (empty for a moment), the bytes are
    # the same but the file is not: theirs must not be replaced.
    lock_path(db_path).write_bytes(b"")
    old = time.time() - 3600
    os.utime(lock_path(db_path), (old, old))
    me = FileLock(db_path, "私")
    real_claim = me._claim_takeover_guard

    def someone_starts_creating(judged):
        lock_path(db_path).unlink()
        lock_path(db_path).write_bytes(b"")
        return real_claim(judged)

    monkeypatch.setattr(me, "_claim_takeover_guard", someone_starts_creating)
    with pytest.raises(FileLocked) as locked:
        me.acquire(takeover=True)
    assert locked.value.stale is False  # a lock being written is not stale
    assert str(db_path) in str(locked.value)
    assert me.held is False
    assert lock_path(db_path).read_bytes() == b""


def test_a_stale_lock_removed_while_we_get_ready_is_not_recreated_by_the_takeover(
    db_path, monkeypatch
):
    stale_lock(db_path)
    me = FileLock(db_path, "私")
    real_claim = me._claim_takeover_guard

    def removed_meanwhile(judged):
        lock_path(db_path).unlink()
        return real_claim(judged)

    monkeypatch.setattr(me, "_claim_takeover_guard", removed_meanwhile)
    with pytest.raises(FileLocked) as locked:
        me.acquire(takeover=True)
    assert locked.value.holder is None
    assert me.held is False
    assert not lock_path(db_path).exists()


def test_a_takeover_under_way_names_the_holder_it_replaces(db_path):
    stale_lock(db_path)
    me = FileLock(db_path, "私")
    me._guard_path(locks._Snapshot(lock_path(db_path)), 0).write_bytes(b"")
    with pytest.raises(FileLocked) as locked:
        me.acquire(takeover=True)
    assert locked.value.holder.user == "田中"
    assert locked.value.stale is False  # someone is on it: do not offer a takeover again
    assert str(db_path) in str(locked.value)


def test_a_takeover_guard_is_fresh_for_thirty_seconds(db_path, monkeypatch):
    stale_lock(db_path)
    me = FileLock(db_path, "私")
    guard = me._guard_path(locks._Snapshot(lock_path(db_path)), 0)
    guard.write_bytes(b"")
    now = time.time()
    monkeypatch.setattr(locks.time, "time", lambda: now)
    os.utime(guard, ns=(int((now - 29.5) * 1e9),) * 2)
    with pytest.raises(FileLocked):
        me.acquire(takeover=True)
    os.utime(guard, ns=(int((now - 30) * 1e9),) * 2)
    me.acquire(takeover=True)
    assert me.held is True


def test_endless_crashed_takeovers_give_up_with_a_refusal(db_path):
    stale_lock(db_path)
    me = FileLock(db_path, "私")
    judged = locks._Snapshot(lock_path(db_path))
    for number in range(locks.MAX_TAKEOVER_GUARDS):
        guard = me._guard_path(judged, number)
        guard.write_bytes(b"")
        os.utime(guard, (time.time() - 3600,) * 2)
    with pytest.raises(FileLocked) as locked:
        me.acquire(takeover=True)
    assert locked.value.holder.user == "田中"
    assert locked.value.stale is True
    assert str(db_path) in str(locked.value)
    assert me.held is False


def test_a_full_disk_when_starting_a_takeover_is_a_full_disk(db_path, monkeypatch):
    before = stale_lock(db_path)
    real_open = os.open

    def full_for_guards(path, flags, *args):
        if ".takeover-" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, flags, *args)

    monkeypatch.setattr(locks.os, "open", full_for_guards)
    me = FileLock(db_path, "私")
    with pytest.raises(DiskFull) as caught:
        me.acquire(takeover=True)
    assert str(db_path) in str(caught.value)
    assert "ロックファイルを作れません" in str(caught.value)
    assert lock_path(db_path).read_bytes() == before


def test_a_takeover_that_runs_out_of_room_says_so(db_path, monkeypatch):
    stale_lock(db_path)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(locks.os, "replace", full)
    with pytest.raises(DiskFull) as caught:
        FileLock(db_path, "私").acquire(takeover=True)
    assert "ロックファイルを書けません" in str(caught.value)
    assert str(db_path) in str(caught.value)


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        (errno.ENOSPC, DiskFull, "空き容量が足りません"),
        (errno.EACCES, ReadOnlyFile, "権限がありません"),
    ],
)
def test_a_lock_that_cannot_be_created_names_the_file(db_path, monkeypatch, code, error, words):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(locks.os, "open", refuse)
    with pytest.raises(error) as caught:
        FileLock(db_path, "私").acquire()
    assert str(db_path) in str(caught.value) and words in str(caught.value)


def test_a_name_that_is_no_text_is_refused_naming_the_file(db_path):
    with pytest.raises(InvalidInput) as caught:
        FileLock(db_path, "\udcff").acquire()
    assert caught.value.path == str(db_path)
    assert "利用者名に文字として読めない部分" in str(caught.value)


# --- files that will not go away -------------------------------------------------------------
@pytest.fixture
def undeletable(monkeypatch):
    """Removing files fails (a virus scanner holds them, a share refuses deletes)."""

    def refuse(self, missing_ok=False):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(locks.Path, "unlink", refuse)


def test_a_lock_that_could_not_be_written_nor_removed_is_still_a_clear_error(
    db_path, monkeypatch, undeletable
):
    def broken(fd):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(locks.os, "fsync", broken)
    with pytest.raises(ReadOnlyFile) as caught:
        FileLock(db_path, "私").acquire()
    assert "ロックファイルを書けません" in str(caught.value)
    assert str(db_path) in str(caught.value)


def test_a_takeover_whose_guard_cannot_be_removed_still_succeeds(db_path, undeletable):
    stale_lock(db_path)
    me = FileLock(db_path, "私")
    me.acquire(takeover=True)
    assert me.held is True
    assert read_holder(lock_path(db_path)).user == "私"


def test_a_lock_that_cannot_be_removed_on_release_is_no_crash(db_path, undeletable):
    lock = FileLock(db_path, "私")
    lock.acquire()
    lock.release()
    assert lock.held is False


def test_losing_the_lock_leaves_held_false(db_path):
    lock = FileLock(db_path, "私")
    lock.acquire()
    write_lock(db_path)
    assert lock.heartbeat() is False
    assert lock.held is False


def test_a_lock_from_a_clock_far_ahead_is_stale_after_ten_minutes_without_a_rewrite(
    db_path, monkeypatch
):
    ahead = (datetime.now().astimezone() + timedelta(days=2)).isoformat(timespec="seconds")
    write_lock(db_path, heartbeat=ahead)
    holder = read_holder(lock_path(db_path))
    now = time.time()
    monkeypatch.setattr(locks.time, "time", lambda: now)
    for age, stale in ((599.5, False), (600, False), (600.5, True)):
        # Rounded up to 100 ns, the finest file time Windows keeps: never older than meant.
        mtime_ns = -(-int((now - age) * 1e9) // 100) * 100
        os.utime(lock_path(db_path), ns=(mtime_ns, mtime_ns))
        assert is_stale(holder, lock_file=lock_path(db_path)) is stale, age


def test_the_lock_file_sits_beside_the_evaluation_file_with_lock_added(db_path):
    # The name users see beside their file (and are told about in the README).
    assert lock_path(db_path) == db_path.resolve().with_name("評価.sqlite.lock")
    FileLock(db_path, "私").acquire()
    assert (db_path.parent / "評価.sqlite.lock").is_file()


def test_a_stale_lock_swapped_for_another_stale_one_meanwhile_is_still_called_stale(
    db_path, monkeypatch
):
    stale_lock(db_path)
    me = FileLock(db_path, "私")
    real_claim = me._claim_takeover_guard

    def swapped(judged):
        old = datetime.now().astimezone() - timedelta(hours=3)
        write_lock(db_path, user="佐藤", heartbeat=old.isoformat(timespec="seconds"))
        return real_claim(judged)

    monkeypatch.setattr(me, "_claim_takeover_guard", swapped)
    with pytest.raises(FileLocked) as locked:
        me.acquire(takeover=True)
    assert locked.value.holder.user == "佐藤"
    assert locked.value.stale is True  # the user may look again and take it over
    assert me.held is False
