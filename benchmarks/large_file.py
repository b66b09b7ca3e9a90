"""Large file: open and score a file with ten years and 100,000 audit rows, against a small one.

Each run is a fresh process (no catalog already parsed, no SQLite page cache of its
own; the OS file cache is warm after one uncounted warm-up run per file). Modules
are imported before the clock starts: importing is start-up's business. Timed, as the
main window does when a file is opened:

* ``open``: ``EvaluationFile.open`` for writing, with the arguments the main window
  uses (``desktop/ui/window_files.py``): header check, read-only probe with
  ``PRAGMA quick_check``, the lock file and the write probe. The full
  ``PRAGMA integrity_check`` and the opening backup run right after, off the GUI
  thread (``desktop/ui/verification.py``); they are timed separately below
  (``phases.background_check_and_backup_s``), because the user does not wait for them;
* ``session``: ``Session.open`` — the newest evaluation and its pinned catalog text,
  parsed and validated;
* ``score``: ``session.score()``.

``ratio = large / small`` of the medians of the total. After the timed part the
child also times the integrity check and a backup on their own (``phases``), which
is what grows with the file.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from benchmarks.common import (
    BENCH_USER,
    child_main,
    median,
    profile_env,
    ratio,
    run_module,
)


def open_and_score(db: str) -> dict:
    """The child: one timed opening of ``db``."""
    from desktop.evaluation.session import Session
    from desktop.store import EvaluationFile, database
    from desktop.store.backup import backup_file

    path = Path(db)
    start = time.perf_counter()
    store = EvaluationFile.open(path, user=BENCH_USER, backup_on_open=False, full_check=False)
    opened = time.perf_counter()
    try:
        session = Session.open(store)
        sessioned = time.perf_counter()
        tree = session.score()
        scored = time.perf_counter()
        evaluations = len(store.evaluations())
        audit_rows = store.audit_count()
        phases = {}
        probe = database.connect(path, read_only=True)
        try:
            phase_start = time.perf_counter()
            database.check(probe, path)
            phases["integrity_check_s"] = round(time.perf_counter() - phase_start, 4)
        finally:
            probe.close()
        phase_start = time.perf_counter()
        store.backup("manual")
        phases["backup_s"] = round(time.perf_counter() - phase_start, 4)
        phase_start = time.perf_counter()
        backup_file(path, "open")  # what the window's background job runs
        phases["background_check_and_backup_s"] = round(time.perf_counter() - phase_start, 4)
    finally:
        store.close()
    return {
        "open_s": round(opened - start, 4),
        "session_s": round(sessioned - opened, 4),
        "score_s": round(scored - sessioned, 4),
        "total_s": round(scored - start, 4),
        "year": session.record.year_label,
        "points": tree.root.points,
        "evaluations": evaluations,
        "audit_rows": audit_rows,
        "phases": phases,
        "python": sys.version.split()[0],
    }


def measure(small_db: str, large_db: str, workdir: str, runs: int = 5) -> dict:
    """Alternate fresh-process openings of copies of both files; medians and the ratio."""
    work = Path(workdir) / "large-file"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    files = {"small": work / "small.sqlite", "large": work / "large.sqlite"}
    shutil.copyfile(small_db, files["small"])
    shutil.copyfile(large_db, files["large"])
    env = profile_env(Path(workdir))
    samples: dict[str, list[dict]] = {"small": [], "large": []}
    for path in files.values():  # warm-up
        run_module("large_file", {"db": str(path)}, env)
    for _ in range(runs):
        for name, path in files.items():
            samples[name].append(run_module("large_file", {"db": str(path)}, env))
    result: dict = {"runs": runs}
    for name, runs_of in samples.items():
        last = runs_of[-1]
        result[name] = {
            "bytes": files[name].stat().st_size,
            "evaluations": last["evaluations"],
            "audit_rows": last["audit_rows"],
            "year_opened": last["year"],
            **{
                key: round(median([r[key] for r in runs_of]), 4)
                for key in ("open_s", "session_s", "score_s", "total_s")
            },
            "integrity_check_s": round(
                median([r["phases"]["integrity_check_s"] for r in runs_of]), 4
            ),
            "backup_s": round(median([r["phases"]["backup_s"] for r in runs_of]), 4),
            # Not waited for: the window runs it in the background after opening.
            "background_check_and_backup_s": round(
                median([r["phases"]["background_check_and_backup_s"] for r in runs_of]), 4
            ),
        }
    result["ratio"] = ratio(result["large"]["total_s"], result["small"]["total_s"])
    return result


if __name__ == "__main__":
    child_main(open_and_score)
