"""One writer per file: the lock file, across real processes and simulated other PCs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.store import EvaluationFile
from desktop.store import lock as locks
from desktop.store.errors import FileLocked, LockLost, ReadOnlySession
from desktop.store.lock import FileLock, is_stale, lock_path, read_holder

ITEM = "suishin.I.process.features.c"


def write_lock(path, **fields) -> None:
    """A lock file as another session (maybe on another PC) would have left it."""
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
    lock_path(path).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def dead_pid():
    """The id of a process that has ended (and was reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


# --- two real processes ------------------------------------------------------------------
def test_a_second_writer_is_refused_while_readers_are_welcome(evaluation_file, driver):
    path = evaluation_file()
    holder = driver("hold", path, user="鈴木")
    holder.expect("ready")

    with pytest.raises(FileLocked) as locked:
        EvaluationFile.open(path)
    assert locked.value.holder.user == "鈴木"
    assert locked.value.holder.host == socket.gethostname()
    assert not locked.value.stale
    # A live lock is never taken over, even when asked to.
    with pytest.raises(FileLocked):
        EvaluationFile.open(path, takeover=True)

    # Read-only opening works meanwhile, and sees what the holder saves.
    with EvaluationFile.open(path, read_only=True) as reader:
        evaluation_id = reader.evaluation_for_year().id
        assert ITEM not in reader.answers(evaluation_id)
        holder.process.stdin.write(f"answer {ITEM} 該当\n")
        holder.process.stdin.flush()
        holder.expect("ok")
        assert reader.answers(evaluation_id)[ITEM] == "該当"
        with pytest.raises(ReadOnlySession):
            reader.set_answers(evaluation_id, {ITEM: "非該当"})

    # When the holder closes normally, its lock goes and the file is free.
    assert holder.quit() == 0
    assert not lock_path(path).exists()
    with EvaluationFile.open(path) as store:
        assert store.answers(store.evaluation_for_year().id)[ITEM] == "該当"


def test_the_lock_of_a_killed_process_is_stale_and_can_be_taken_over(evaluation_file, driver):
    path = evaluation_file()
    holder = driver("hold", path, user="鈴木")
    holder.expect("ready")
    holder.kill()

    with pytest.raises(FileLocked) as locked:
        EvaluationFile.open(path)  # stale, but only taken over when asked
    assert locked.value.stale
    assert "応答がありません" in str(locked.value)
    assert "--takeover" in str(locked.value)

    with EvaluationFile.open(path, takeover=True, user="佐藤") as store:
        assert read_holder(lock_path(path)).user == "佐藤"
        assert store.lock.held
    assert not lock_path(path).exists()


def test_two_processes_racing_for_a_free_file_get_one_writer(evaluation_file, driver):
    path = evaluation_file()
    racers = [driver("hold", path, user="一人目"), driver("hold", path, user="二人目")]
    first_lines = [racer.lines.get(timeout=30) for racer in racers]
    winners = [
        r for r, line in zip(racers, first_lines, strict=True) if line and line.startswith("ready")
    ]
    losers = [r for r in racers if r not in winners]
    assert len(winners) == 1 and len(losers) == 1
    losers[0].process.wait(timeout=30)
    assert "FileLocked" in losers[0].process.stderr.read()
    winner_name = "一人目" if winners[0] is racers[0] else "二人目"
    assert read_holder(lock_path(path)).user == winner_name


# --- stale detection ------------------------------------------------------------------------
def test_a_lock_from_another_pc_with_an_old_heartbeat_is_stale(evaluation_file):
    path = evaluation_file()
    old = datetime.now().astimezone() - locks.STALE_AFTER - timedelta(minutes=1)
    write_lock(path, heartbeat=old.isoformat(timespec="seconds"))
    with pytest.raises(FileLocked) as locked:
        EvaluationFile.open(path)
    assert locked.value.stale
    assert "田中（somebody-elses-pc）" in str(locked.value)
    with EvaluationFile.open(path, takeover=True) as store:
        assert store.lock.held
        assert read_holder(lock_path(path)).host == socket.gethostname()


def test_a_lock_from_another_pc_with_a_fresh_heartbeat_is_never_taken_over(
    evaluation_file,
):
    path = evaluation_file()
    write_lock(path)  # heartbeat: now
    before = lock_path(path).read_bytes()
    with pytest.raises(FileLocked) as locked:
        EvaluationFile.open(path, takeover=True)
    assert not locked.value.stale
    assert "使用中です" in str(locked.value)
    assert lock_path(path).read_bytes() == before


def test_a_lock_of_a_dead_process_on_this_pc_is_stale(evaluation_file, dead_pid):
    path = evaluation_file()
    write_lock(path, host=socket.gethostname(), pid=dead_pid)
    holder = read_holder(lock_path(path))
    assert is_stale(holder)
    with EvaluationFile.open(path, takeover=True) as store:
        assert store.lock.held


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="zombies as seen in /proc")
def test_a_process_that_ended_but_was_not_reaped_holds_no_lock(evaluation_file):
    path = evaluation_file()
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 10
        while not locks._linux_zombie(process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert locks.pid_alive(process.pid)  # os.kill(pid, 0) still finds it …
        write_lock(path, host=socket.gethostname(), pid=process.pid)
        assert is_stale(read_holder(lock_path(path)))  # … but it holds nothing
    finally:
        process.wait()


def test_a_reused_process_id_does_not_keep_a_lock_alive(evaluation_file, monkeypatch):
    # After a restart the id in an old lock may belong to some other process: the
    # recorded start time tells them apart. Where the OS does not report start times
    # (or not to us), the test fixes one, so that it always runs.
    if locks.process_start_time(os.getpid()) is None:
        monkeypatch.setattr(locks, "process_start_time", lambda pid: 1_700_000_000.0)
    path = evaluation_file()
    write_lock(
        path,
        host=socket.gethostname(),
        pid=os.getpid(),  # alive, but …
        started=locks.process_start_time(os.getpid()) - 3600,  # … not the process that locked
    )
    assert is_stale(read_holder(lock_path(path)))
    with EvaluationFile.open(path, takeover=True) as store:
        assert store.lock.held


def test_a_live_process_on_this_pc_with_its_own_start_time_holds_the_lock(evaluation_file):
    path = evaluation_file()
    write_lock(
        path,
        host=socket.gethostname(),
        pid=os.getpid(),
        started=locks.process_start_time(os.getpid()),
    )
    assert not is_stale(read_holder(lock_path(path)))
    with pytest.raises(FileLocked) as locked:
        EvaluationFile.open(path, takeover=True)
    assert not locked.value.stale


def test_a_lock_file_being_written_is_not_stale_but_an_old_unreadable_one_is(evaluation_file):
    path = evaluation_file()
    lock_path(path).write_bytes(b"")  # created (O_EXCL) but not yet written
    with pytest.raises(FileLocked) as locked:
        EvaluationFile.open(path, takeover=True)
    assert not locked.value.stale
    long_ago = time.time() - 3600
    os.utime(lock_path(path), (long_ago, long_ago))
    with EvaluationFile.open(path, takeover=True) as store:
        assert store.lock.held


def test_the_lock_records_who_where_and_since_when(db_path):
    with EvaluationFile.open(db_path, user="山本") as store:
        data = json.loads(lock_path(db_path).read_text(encoding="utf-8"))
        assert data["user"] == "山本"
        assert data["host"] == socket.gethostname()
        assert data["pid"] == os.getpid()
        assert data["since"] == store.lock.since
        assert datetime.fromisoformat(data["heartbeat"]).tzinfo is not None


# --- heartbeat and losing the lock ---------------------------------------------------------
def test_heartbeat_refreshes_the_lock(db_path):
    with EvaluationFile.open(db_path) as store:
        old = (datetime.now().astimezone() - timedelta(hours=1)).isoformat(timespec="seconds")
        data = json.loads(lock_path(db_path).read_text(encoding="utf-8"))
        data["heartbeat"] = old
        lock_path(db_path).write_text(json.dumps(data), encoding="utf-8")
        assert store.heartbeat()
        assert read_holder(lock_path(db_path)).heartbeat != old
        assert not list(db_path.parent.glob("*.tmp"))


def test_a_session_whose_lock_was_taken_over_stops_writing(session_r8):
    store = session_r8.store
    write_lock(store.path)  # someone took it over (they thought we were gone)
    assert store.heartbeat() is False
    with pytest.raises(LockLost) as lost:
        session_r8.answer(ITEM, "該当")
    assert "田中" in str(lost.value)
    assert ITEM not in store.answers(session_r8.evaluation_id)
    store.close()
    assert lock_path(store.path).exists()  # their lock is not ours to remove


def test_release_leaves_someone_elses_lock_alone(db_path):
    lock = FileLock(db_path, "私")
    lock.acquire()
    write_lock(db_path)
    lock.release()
    assert read_holder(lock_path(db_path)).user == "田中"


def test_a_lock_that_cannot_be_created_is_a_read_only_folder(tmp_path, monkeypatch):
    from desktop.store.errors import ReadOnlyFile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(locks.os, "open", refuse)
    with pytest.raises(ReadOnlyFile) as caught:
        FileLock(tmp_path / "評価.sqlite", "私").acquire()
    assert "ロックファイルを作れません: 権限がありません" in str(caught.value)



def test_taking_the_lock_loads_neither_socket_nor_uuid(tmp_path):
    """Start-up: the host name and the token come without the socket and uuid modules."""
    script = (
        "import json, sys\n"
        "from desktop.store.lock import FileLock, read_holder, lock_path\n"
        "lock = FileLock(sys.argv[1], user='x')\n"
        "lock.acquire()\n"
        "holder = read_holder(lock_path(sys.argv[1]))\n"
        "print(json.dumps({'socket': 'socket' in sys.modules, 'uuid': 'uuid' in sys.modules,\n"
        "                  'host': holder.host, 'token': lock.token}))\n"
        "lock.release()\n"
    )
    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "評価.sqlite")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=root,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["host"] == socket.gethostname()
    assert len(result["token"]) == 32
    int(result["token"], 16)  # hexadecimal, as uuid4().hex was
    assert result["socket"] is False
    assert result["uuid"] is False
