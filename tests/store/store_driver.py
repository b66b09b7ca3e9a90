"""A separate process working on an evaluation file through the real store, for the
crash and two-process tests (tests/store/test_crash.py, test_lock.py).

    python store_driver.py answers DB    answer sub-items one after another, forever;
                                         prints "ack<TAB>ID<TAB>VALUE" after each save
    python store_driver.py hold DB       open DB for writing, print "ready", then obey
                                         stdin: "answer ID VALUE" → "ok", "quit" → exit
    python store_driver.py backup DB     back up DB, printing "progress DONE TOTAL" per step
                                         (pausing after each, so a test can kill it mid-way)
    python store_driver.py migrate DB    open DB, whose migration pauses in its last step
                                         after writing to the file ("migrating"), so a
                                         test can kill it mid-migration

The test hooks (pauses) live here only, by patching the store from outside: nothing
in the app's code paths knows about tests.
"""

from __future__ import annotations

import json
import sys
import time


def say(*parts: object) -> None:
    print("\t".join(str(part) for part in parts), flush=True)


def answer_plan(session) -> list[str]:
    """The sub-items answered, in order: plain check items the municipality ticks."""
    return [
        item.id
        for item in session.catalog.all_items()
        if item.rule == "check" and not item.state_scored and not item.parts
    ]


def run_answers(db: str) -> int:
    from desktop.evaluation.session import Session
    from desktop.store import EvaluationFile

    store = EvaluationFile.open(db, backup_on_open=False)
    session = Session.open(store)
    plan = answer_plan(session)
    say("plan", json.dumps(plan))
    round_number = 0
    while True:
        value = "該当" if round_number % 2 == 0 else "非該当"
        for item_id in plan:
            session.answer(item_id, value, source="crash-test")
            say("ack", item_id, value)  # only after the store call returned
        round_number += 1


def run_hold(db: str) -> int:
    from desktop.evaluation.session import Session
    from desktop.store import EvaluationFile

    store = EvaluationFile.open(db, backup_on_open=False)
    say("ready", store.lock.since)
    for line in sys.stdin:
        command = line.split()
        if not command:
            continue
        if command[0] == "answer":
            Session.open(store).answer(command[1], command[2])
            say("ok")
        elif command[0] == "quit":
            store.close()
            say("closed")
            return 0
    store.close()
    return 0


def run_backup(db: str) -> int:
    from desktop.store import EvaluationFile
    from desktop.store import backup as backups

    backups.PAGES_PER_STEP = 64  # many small steps: the kill lands mid-copy

    def progress(done: int, total: int) -> None:
        say("progress", done, total)
        time.sleep(0.2)

    store = EvaluationFile.open(db, backup_on_open=False)
    say("start")
    target = store.backup("manual", progress=progress)
    say("done", target)
    store.close()
    return 0


def run_migrate(db: str) -> int:
    from desktop.store import EvaluationFile, schema

    number, title, last_step = schema.MIGRATIONS[-1]

    def slow_last_step(conn) -> None:
        last_step(conn)
        # Write enough, with a tiny page cache, that SQLite spills changed pages into
        # the database file before COMMIT: the kill then finds a half-changed file
        # and a hot journal, the hardest case to recover from.
        conn.execute("PRAGMA cache_size = 5")
        conn.execute("CREATE TABLE crash_test_scratch (data BLOB)")
        conn.execute(
            "INSERT INTO crash_test_scratch SELECT randomblob(2000) FROM "
            "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
            "SELECT i FROM n)"
        )
        conn.execute("UPDATE answers SET value = 'migration-was-here'")
        say("migrating", number)
        time.sleep(120)

    schema.MIGRATIONS[-1] = (number, title, slow_last_step)
    EvaluationFile.open(db)
    say("opened")  # never reached when the test kills us in time
    return 0


def main(argv: list[str]) -> int:
    mode, db = argv[1], argv[2]
    modes = {
        "answers": run_answers,
        "hold": run_hold,
        "backup": run_backup,
        "migrate": run_migrate,
    }
    return modes[mode](db)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
