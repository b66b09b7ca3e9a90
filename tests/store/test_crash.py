"""Crash tests: a real process using the store is killed (SIGKILL) mid-work.

After each kill the file must pass ``PRAGMA integrity_check`` and hold everything
the process acknowledged as saved. The dead process's lock is stale (its pid is
gone) and is taken over on reopening.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time

import pytest

from desktop.store import EvaluationFile
from desktop.store import backup as backups
from desktop.store.errors import FileLocked, InterruptedSave
from desktop.store.lock import lock_path
from desktop.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.slow


def integrity(path) -> list[str]:
    """``PRAGMA integrity_check`` as any program reopening the file sees it.

    A plain read-write connection: SQLite rolls back a hot journal on first access.
    """
    conn = sqlite3.connect(str(path))
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def reopened_answers(path) -> dict[str, str]:
    """Reopen with the real store (taking over the dead process's lock)."""
    with EvaluationFile.open(path, takeover=True, backup_on_open=False) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        evaluation = store.evaluation_for_year()
        return store.answers(evaluation.id)


@pytest.mark.parametrize("kill_after_seconds", [0.0, 0.02, 0.05, 0.1, 0.2, 0.35])
def test_killed_during_a_stream_of_answers_keeps_every_acknowledged_answer(
    evaluation_file, driver, kill_after_seconds
):
    path = evaluation_file(answers={})
    worker = driver("answers", path)
    plan = json.loads(worker.expect("plan").split("\t", 1)[1])
    first_ack = worker.expect("ack")
    # A kill at an arbitrary moment: between saves, or in the middle of one (then a
    # hot journal is left, which the next opening must roll back).
    time.sleep(kill_after_seconds)
    worker.kill()
    # Everything the driver printed before it died was acknowledged.
    acks = [
        tuple(line.split("\t")[1:])
        for line in [first_ack, *worker.remaining_lines()]
        if line.startswith("ack")
    ]
    sequence = [
        (plan[i % len(plan)], "該当" if (i // len(plan)) % 2 == 0 else "非該当")
        for i in range(len(acks) + 1)
    ]
    assert acks == sequence[: len(acks)]
    acknowledged = dict(acks)  # the later value of an item wins
    in_flight_item, in_flight_value = sequence[len(acks)]

    # The dead writer's lock stays behind and is recognised as stale, never as live.
    with pytest.raises(FileLocked) as locked:
        EvaluationFile.open(path)
    assert locked.value.stale
    stored = reopened_answers(path)
    for item_id, value in acknowledged.items():
        if item_id == in_flight_item:
            assert stored.get(item_id) in (value, in_flight_value), item_id
        else:
            assert stored.get(item_id) == value, item_id
    # The one write in flight at the kill may or may not have landed, nothing else.
    assert set(stored) <= set(acknowledged) | {in_flight_item}
    assert not lock_path(path).exists()


def test_killed_during_a_backup_leaves_the_file_intact_and_no_backup_lookalike(
    evaluation_file, driver
):
    path = evaluation_file()
    # Make the file big enough that its copy takes many steps (many audit rows).
    with EvaluationFile.open(path, backup_on_open=False) as store:
        evaluation_id = store.evaluation_for_year().id
        with store.transaction():
            store.db["audit"].insert_all(
                {
                    "at": "2026-05-01T10:00:00+09:00",
                    "user": "負荷",
                    "evaluation_id": evaluation_id,
                    "action": "note",
                    "target": f"filler.{i}",
                    "field": "memo",
                    "old": "x" * 200,
                    "new": "y" * 200,
                    "source": None,
                }
                for i in range(20000)
            )
        answers_before = store.answers(evaluation_id)
        audit_before = store.audit_count()
    assert path.stat().st_size > 5_000_000

    worker = driver("backup", path)
    worker.expect("start")
    first = worker.expect("progress").split("\t")
    worker.expect("progress")
    worker.kill()
    assert int(first[1]) < int(first[2]), "the kill must land before the copy is complete"

    assert integrity(path) == ["ok"]
    # The half-written copy is not a backup: not listed, and named so that no one
    # would take it for one.
    assert backups.list_backups(path) == []
    leftovers = list(backups.backup_dir(path).iterdir())
    assert leftovers, "the driver had started writing its copy"
    assert all(p.suffix != ".sqlite" for p in leftovers)

    # Leftovers an hour old are a crash's, not a copy in progress: swept by the next backup.
    long_ago = time.time() - backups.STALE_PARTIAL_SECONDS - 60
    for leftover in leftovers:
        os.utime(leftover, (long_ago, long_ago))
    with EvaluationFile.open(path, takeover=True) as store:  # backs up on opening
        evaluation_id = store.evaluation_for_year().id
        assert store.answers(evaluation_id) == answers_before
        assert store.audit_count() == audit_before
    remaining = list(backups.backup_dir(path).iterdir())
    assert [p.suffix for p in remaining] == [".sqlite"]
    assert integrity(remaining[0]) == ["ok"]


@pytest.mark.parametrize("version", [1, 2])
def test_killed_during_a_migration_leaves_the_old_version_then_migrates(
    old_file, driver, fixture_spec, version
):
    path = old_file(version)
    worker = driver("migrate", path)
    worker.expect("migrating")
    # The migration wrote into the file and has not committed: a hot journal is there.
    assert path.with_name(path.name + "-journal").stat().st_size > 0
    worker.kill()

    # A reader cannot undo the interrupted save and says so instead of guessing.
    with pytest.raises(InterruptedSave) as interrupted:
        EvaluationFile.open(path, read_only=True)
    assert str(path) in str(interrupted.value)

    # Opening for writing rolls the journal back: the old version, intact …
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "crash_test_scratch" not in tables
        answers = dict(conn.execute("SELECT item_id, value FROM answers"))
    finally:
        conn.close()
    assert answers == fixture_spec.ANSWERS

    # … and opening it with the real store migrates it fully.
    with EvaluationFile.open(path, takeover=True) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.migrated_from == version
        assert store.answers(store.evaluation_for_year().id) == fixture_spec.ANSWERS
    assert integrity(path) == ["ok"]
