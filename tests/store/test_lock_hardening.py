"""The lock against races, other spellings of a path, wrong clocks, garbage and failing disks.

Each test states what a user relies on: a second writer is refused, a stale lock is only
taken over when asked and then by exactly one session, nothing crashes on a lock file
someone else wrote.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from desktop.store import EvaluationFile
from desktop.store import lock as locks
from desktop.store.errors import DiskFull, FileLocked, LockHolder, ReadOnlyFile
from desktop.store.lock import FileLock, is_stale, lock_path, read_holder

NOW = datetime(2026, 6, 1, 12, 0, 0).astimezone()


def write_lock(db_path, **fields) -> bytes:
    """A lock file as another session on another PC would have left it; returns its bytes."""
    now = datetime.now().astimezone()
    content = {
        "user": "田中",
        "host": "somebody-elses-pc",
        "pid": 4242,
        "since": (now - timedelta(hours=2)).isoformat(timespec="seconds"),
        "heartbeat": now.isoformat(timespec="seconds"),
        "app": "Hyoka Desk 0.1.0",
        "token": "someone-elses-token",
    }
    content.update(fields)
    data = json.dumps(content, ensure_ascii=False).encode("utf-8")
    lock_path(db_path).write_bytes(data)
    return data


def stale_lock(db_path) -> bytes:
    old = datetime.now().astimezone() - locks.STALE_AFTER - timedelta(minutes=5)
    return write_lock(db_path, heartbeat=old.isoformat(timespec="seconds"))


def age_file(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def other_pc(heartbeat: str) -> LockHolder:
    return LockHolder(
        user="田中", host="somebody-elses-pc", pid=4242, since=heartbeat, heartbeat=heartbeat
    )


# --- a stale lock is taken over only when asked ---------------------------------------------
def test_a_stale_lock_without_takeover_is_refused_and_left_alone(db_path):
    before = stale_lock(db_path)
    lock = FileLock(db_path, "私")
    with pytest.raises(FileLocked) as locked:
        lock.acquire()
    assert locked.value.stale
    assert locked.value.holder.user == "田中"
    assert not lock.held
    assert lock_path(db_path).read_bytes() == before


def test_released_lock_is_no_longer_held_and_its_file_is_gone(db_path):
    lock = FileLock(db_path, "私")
    lock.acquire()
    assert lock.held
    lock.release()
    assert not lock.held
    assert not lock_path(db_path).exists()
    assert lock.heartbeat() is False  # a released lock cannot be refreshed back to life
    assert not lock_path(db_path).exists()
    other = FileLock(db_path, "次の人")
    other.acquire()
    assert other.held


# --- two sessions taking over at once ---------------------------------------------------
def _race_worker(paths, barrier, results, index) -> None:
    for number, path in enumerate(paths):
        barrier.wait()
        lock = FileLock(path, f"racer{index}")
        try:
            lock.acquire(takeover=True)
        except FileLocked:
            results.put((number, index, None))
        else:
            results.put((number, index, lock.token))
        barrier.wait()  # hold the lock until the parent has looked


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the racers are forked processes")
def test_two_processes_taking_over_one_stale_lock_leave_exactly_one_holder(tmp_path):
    trials = 60
    paths = [tmp_path / f"評価{n}.sqlite" for n in range(trials)]
    for path in paths:
        stale_lock(path)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(3, timeout=60)
    results = context.Queue()
    racers = [
        context.Process(target=_race_worker, args=(paths, barrier, results, index))
        for index in range(2)
    ]
    for racer in racers:
        racer.start()
    try:
        for number, path in enumerate(paths):
            barrier.wait()  # start trial
            outcome = [results.get(timeout=60) for _ in range(2)]
            assert all(trial == number for trial, _index, _token in outcome)
            winners = [token for _trial, _index, token in outcome if token]
            assert len(winners) == 1, f"trial {number}: {len(winners)} holders"
            on_disk = json.loads(lock_path(path).read_text(encoding="utf-8"))["token"]
            assert on_disk == winners[0]
            barrier.wait()  # end trial
    finally:
        for racer in racers:
            racer.join(timeout=60)
            if racer.is_alive():
                racer.kill()
    assert [racer.exitcode for racer in racers] == [0, 0]
    assert not list(tmp_path.glob("*.takeover-*"))


def test_a_takeover_under_way_elsewhere_is_not_joined(db_path):
    judged_bytes = stale_lock(db_path)
    me = FileLock(db_path, "私")
    guard = me._guard_path(locks._Snapshot(lock_path(db_path)), 0)
    guard.write_bytes(b"")  # someone else is taking it over right now
    with pytest.raises(FileLocked):
        me.acquire(takeover=True)
    assert not me.held
    assert lock_path(db_path).read_bytes() == judged_bytes


def test_a_guard_left_by_a_crashed_takeover_does_not_block_the_file(db_path):
    stale_lock(db_path)
    me = FileLock(db_path, "私")
    judged = locks._Snapshot(lock_path(db_path))
    for number in range(2):  # two crashed takeovers, long ago
        guard = me._guard_path(judged, number)
        guard.write_bytes(b"")
        age_file(guard, 35)  # a takeover takes milliseconds; 30 s means it crashed
    me.acquire(takeover=True)
    assert me.held
    assert read_holder(lock_path(db_path)).user == "私"
    assert not list(db_path.parent.glob("*.takeover-*"))


def test_a_lock_replaced_between_the_look_and_the_takeover_is_not_taken(db_path, monkeypatch):
    stale_lock(db_path)
    me = FileLock(db_path, "私")
    real_claim = me._claim_takeover_guard

    def someone_else_wins_first(judged):
        write_lock(db_path, user="佐藤")  # a fresh lock: the other session won
        return real_claim(judged)

    monkeypatch.setattr(me, "_claim_takeover_guard", someone_else_wins_first)
    with pytest.raises(FileLocked) as locked:
        me.acquire(takeover=True)
    assert not locked.value.stale
    assert locked.value.holder.user == "佐藤"
    assert read_holder(lock_path(db_path)).user == "佐藤"
    assert not me.held


def test_a_takeover_that_cannot_write_keeps_the_old_lock(db_path, monkeypatch):
    before = stale_lock(db_path)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(locks.os, "replace", refuse)
    me = FileLock(db_path, "私")
    with pytest.raises(ReadOnlyFile) as caught:
        me.acquire(takeover=True)
    assert "ロックファイルを書けません: 権限がありません" in str(caught.value)
    assert not me.held
    assert lock_path(db_path).read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == [lock_path(db_path).name]


# --- one lock per file, whatever its name -------------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_symlink_to_a_locked_file_finds_the_same_lock(evaluation_file, tmp_path):
    path = evaluation_file()
    link = tmp_path / "近道.sqlite"
    link.symlink_to(path)
    assert lock_path(link) == lock_path(path)
    with EvaluationFile.open(path, user="鈴木"):
        with pytest.raises(FileLocked) as locked:
            EvaluationFile.open(link, user="佐藤")
        assert locked.value.holder.user == "鈴木"
    with EvaluationFile.open(link, user="佐藤"):
        assert read_holder(lock_path(path)).user == "佐藤"
        with pytest.raises(FileLocked):
            EvaluationFile.open(path, user="鈴木")
    assert not list(tmp_path.glob("*.lock"))


def test_another_spelling_of_the_path_finds_the_same_lock(evaluation_file, tmp_path, monkeypatch):
    path = evaluation_file()
    (tmp_path / "sub").mkdir()
    roundabout = tmp_path / "sub" / ".." / "." / path.name
    monkeypatch.chdir(tmp_path / "sub")
    relative = os.path.join("..", path.name)
    with EvaluationFile.open(path, user="鈴木"):
        for spelling in (roundabout, relative):
            with pytest.raises(FileLocked):
                EvaluationFile.open(spelling, user="佐藤")


def test_a_file_with_a_second_name_is_not_opened_for_writing(evaluation_file, tmp_path):
    """A hard link is a second name with a lock of its own: two people could write at once."""
    from desktop.store.errors import SeveralNames

    path = evaluation_file()
    other_name = tmp_path / "別名.sqlite"
    try:
        os.link(path, other_name)
    except OSError:
        pytest.skip("this file system has no hard links")
    if os.stat(path).st_nlink < 2:
        pytest.skip("this file system does not count a file's names")
    before = path.read_bytes()
    for name in (path, other_name):
        with pytest.raises(SeveralNames) as refused:
            EvaluationFile.open(name, user="佐藤")
        assert "ハードリンク" in str(refused.value) and "読み取り専用で開く" in str(refused.value)
        assert not lock_path(name).exists()
    assert path.read_bytes() == before
    with EvaluationFile.open(other_name, user="佐藤", read_only=True) as reader:
        assert reader.evaluations()
    other_name.unlink()
    with EvaluationFile.open(path, user="佐藤"):  # one name again: writable
        pass


# --- stale or alive: the boundaries -------------------------------------------------------
def test_another_pcs_heartbeat_is_alive_up_to_ten_minutes_and_stale_after():
    at_limit = (NOW - timedelta(minutes=10)).isoformat()
    just_over = (NOW - timedelta(minutes=10, seconds=1)).isoformat()
    assert not is_stale(other_pc(at_limit), NOW)
    assert is_stale(other_pc(just_over), NOW)
    assert not is_stale(other_pc(NOW.isoformat()), NOW)


def test_a_heartbeat_without_time_zone_is_local_time():
    fresh = (NOW - timedelta(minutes=9)).replace(tzinfo=None).isoformat()
    old = (NOW - timedelta(minutes=11)).replace(tzinfo=None).isoformat()
    assert not is_stale(other_pc(fresh), NOW)
    assert is_stale(other_pc(old), NOW)


@pytest.mark.parametrize(
    "heartbeat", ["", "yesterday", "2026-13-45T99:99", "0001-01-01T00:00:00", "９９９９"]
)
def test_a_malformed_heartbeat_is_stale_and_never_a_crash(heartbeat):
    assert is_stale(other_pc(heartbeat), NOW)


def test_a_heartbeat_far_in_the_future_counts_only_while_the_file_is_rewritten(db_path):
    # A PC whose clock runs a day ahead: its heartbeat proves nothing, but a live holder
    # rewrites its lock file every minute.
    ahead = (datetime.now().astimezone() + timedelta(days=1)).isoformat(timespec="seconds")
    write_lock(db_path, heartbeat=ahead)
    holder = read_holder(lock_path(db_path))
    assert not is_stale(holder, lock_file=lock_path(db_path))
    age_file(lock_path(db_path), locks.STALE_AFTER.total_seconds() + 60)
    assert is_stale(holder, lock_file=lock_path(db_path))
    assert is_stale(holder)  # no file to look at: nothing proves life
    with EvaluationFile.open(db_path, takeover=True) as store:
        assert store.lock.held


def test_a_heartbeat_a_little_ahead_is_trusted():
    within = (NOW + timedelta(minutes=10)).isoformat()
    beyond = (NOW + timedelta(minutes=10, seconds=1)).isoformat()
    assert not is_stale(other_pc(within), NOW)
    assert is_stale(other_pc(beyond), NOW)  # no lock file given: judged stale


def test_a_lock_being_written_has_ten_seconds(db_path, monkeypatch):
    lock_file = lock_path(db_path)
    lock_file.write_bytes(b"")
    now = 2_000_000_000.0
    monkeypatch.setattr(locks.time, "time", lambda: now)
    for age, stale in ((0, False), (9.5, False), (10, True), (10.5, True)):
        os.utime(lock_file, ns=(int((now - age) * 1e9),) * 2)
        assert is_stale(None, lock_file=lock_file) is stale, age
    assert is_stale(None)  # unreadable and no file to ask: stale
    assert is_stale(None, lock_file=db_path.parent / "ない.lock")


# --- same PC: process alive, reused id, no signals ------------------------------------------
def here(pid: int, started: float | None) -> LockHolder:
    return LockHolder(
        user="田中",
        host=socket.gethostname(),
        pid=pid,
        since=NOW.isoformat(),
        heartbeat=NOW.isoformat(),
        started=started,
    )


def test_a_reused_process_id_is_told_apart_by_its_start_time(monkeypatch):
    # The process that holds our id started at 1000.0 (whatever the OS can tell).
    monkeypatch.setattr(locks, "process_start_time", lambda pid: 1000.0)
    monkeypatch.setattr(locks, "_linux_zombie", lambda pid: False)
    pid = os.getpid()
    assert not is_stale(here(pid, 1000.0))
    assert not is_stale(here(pid, 1002.0))  # clock ticks: the same process
    assert not is_stale(here(pid, 998.0))
    assert is_stale(here(pid, 1002.5))
    assert is_stale(here(pid, 997.5))
    assert is_stale(here(pid, 1000.0 - 3600))  # an hour earlier: someone else's lock
    assert not is_stale(here(pid, None))  # an old lock without a start time: assume alive


def test_when_the_start_time_cannot_be_read_a_live_process_keeps_its_lock(monkeypatch):
    monkeypatch.setattr(locks, "process_start_time", lambda pid: None)
    monkeypatch.setattr(locks, "_linux_zombie", lambda pid: False)
    assert not is_stale(here(os.getpid(), 1000.0))


def test_the_liveness_probe_never_sends_a_signal(monkeypatch):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    sent = []
    real_kill = os.kill

    def watch(pid, sig):
        sent.append(sig)
        return real_kill(pid, sig)

    monkeypatch.setattr(locks.os, "kill", watch)
    try:
        assert locks.pid_alive(child.pid)
        assert not is_stale(here(child.pid, locks.process_start_time(child.pid)))
        assert child.poll() is None  # still running: nothing was sent to it
        # POSIX asks with signal 0; Windows asks OpenProcess and calls no kill at all.
        assert (sent or sys.platform == "win32") and all(sig == 0 for sig in sent)
    finally:
        monkeypatch.undo()
        child.kill()
        child.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission semantics")
def test_a_process_of_another_user_is_alive(monkeypatch):
    def denied(pid, sig):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(locks.os, "kill", denied)
    assert locks.pid_alive(1234)
    assert not locks.pid_alive(0)
    assert not locks.pid_alive(-5)


# --- garbage in a lock file --------------------------------------------------------------------
GARBAGE = {
    "huge pid here": None,  # filled in below: needs this PC's name
    "binary": b"\x00\xff\xfe\x80garbage\x1b[2J",
    "empty": b"",
    "json list": b"[1, 2, 3]",
    "pid not a number": json.dumps({"user": "x", "host": "h", "pid": "abc", "since": "s"}).encode(),
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "not utf-8": b'{"user": "\xff\xfe", "host": "h", "pid": 1, "since": "s"}',
    "started not a number": json.dumps(
        {"user": "x", "host": "h", "pid": 1, "since": "s", "started": "soon"}
    ).encode(),
}


@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_garbage_in_an_old_lock_file_is_a_stale_lock(db_path, kind):
    content = GARBAGE[kind]
    if content is None:
        content = json.dumps(
            {"user": "x", "host": socket.gethostname(), "pid": 10**30, "since": "s"}
        ).encode()
    lock_path(db_path).write_bytes(content)
    age_file(lock_path(db_path), 3600)
    with pytest.raises(FileLocked) as locked:
        FileLock(db_path, "私").acquire()
    assert locked.value.stale
    assert lock_path(db_path).read_bytes() == content
    lock = FileLock(db_path, "私")
    lock.acquire(takeover=True)
    assert lock.held
    assert read_holder(lock_path(db_path)).user == "私"


def test_a_huge_pid_is_no_live_process():
    assert not locks.pid_alive(10**30)
    assert is_stale(here(10**30, None))


def test_a_lock_holders_name_is_shown_without_control_characters(db_path):
    write_lock(db_path, user="田中\x1b[2J\n\r\u202e\u2028次郎\x00", host="pc\x07-1\t")
    with pytest.raises(FileLocked) as locked:
        FileLock(db_path, "私").acquire()
    message = str(locked.value)
    assert "田中[2J次郎（pc-1）" in message
    for control in ("\x1b", "\n", "\r", "\u202e", "\u2028", "\x00", "\x07", "\t"):
        assert control not in message


# --- the disk says no ---------------------------------------------------------------------------
@pytest.mark.parametrize("code", [errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)])
def test_a_full_disk_when_creating_the_lock_is_reported_as_a_full_disk(db_path, monkeypatch, code):
    def full(*args, **kwargs):
        raise OSError(code, "No space left on device")

    monkeypatch.setattr(locks.os, "open", full)
    with pytest.raises(DiskFull) as caught:
        FileLock(db_path, "私").acquire()
    message = str(caught.value)
    assert "ロックファイルを作れません" in message
    assert "空き容量が足りません" in message
    assert "権限" not in message
    assert not lock_path(db_path).exists()


def test_a_full_disk_when_writing_the_lock_removes_it(db_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(locks.os, "fsync", full)
    lock = FileLock(db_path, "私")
    with pytest.raises(DiskFull) as caught:
        lock.acquire()
    assert "ロックファイルを書けません" in str(caught.value)
    assert not lock.held
    assert not lock_path(db_path).exists()  # no empty lock blocks the next writer


def test_a_lock_that_cannot_be_written_is_removed(db_path, monkeypatch):
    def broken(fd):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(locks.os, "fsync", broken)
    with pytest.raises(ReadOnlyFile) as caught:
        FileLock(db_path, "私").acquire()
    assert "ロックファイルを書けません: 読み書きに失敗しました" in str(caught.value)
    assert not lock_path(db_path).exists()


def test_a_heartbeat_that_cannot_write_keeps_the_lock(db_path, monkeypatch):
    lock = FileLock(db_path, "私")
    lock.acquire()
    before = lock_path(db_path).read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(locks.os, "replace", refuse)
    assert lock.heartbeat() is True  # a hiccup: try again next minute
    assert lock.held
    assert lock_path(db_path).read_bytes() == before
    assert not list(db_path.parent.glob("*.tmp"))


def test_a_heartbeat_that_fails_while_someone_takes_over_gives_the_lock_up(db_path, monkeypatch):
    lock = FileLock(db_path, "私")
    lock.acquire()

    def taken_meanwhile(*args, **kwargs):
        write_lock(db_path, user="佐藤")
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(locks.os, "replace", taken_meanwhile)
    assert lock.heartbeat() is False
    monkeypatch.undo()
    lock.release()
    assert read_holder(lock_path(db_path)).user == "佐藤"


def test_a_lock_file_deleted_by_hand_ends_the_sessions_writing(db_path):
    lock = FileLock(db_path, "私")
    lock.acquire()
    lock_path(db_path).unlink()  # e.g. a colleague deleted it by hand
    assert lock.heartbeat() is False  # not ours on disk any more: stop writing
    assert not lock.held
