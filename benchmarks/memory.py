"""Memory: peak RSS of the GUI after opening the large file and visiting every indicator.

In a fresh process the real MainWindow is shown, the file is opened (as 開く does once
the window is up) and every indicator is selected in the navigation tree one after
another, each time letting the window paint the indicator panel. The peak resident
set size comes from ``getrusage(RUSAGE_SELF).ru_maxrss`` inside the process (Linux,
macOS; Windows would need psutil, which the app does not depend on, and reports
null). The same run on the small file gives the baseline, and the time from the open
call until the tree has painted the evaluation gives the file-size effect as the
user sees it in the window (``open_to_shown_s``).
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import BENCH_USER, child_main, peak_rss_mb, profile_env, ratio, run_module

PAINT_TIMEOUT_S = 10.0


def visit_all(db: str, workdir: str) -> dict:
    """The child: open ``db`` in the window and select every indicator."""
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtTest import QTest

    from desktop.ui.app import create_application
    from desktop.ui.main_window import MainWindow

    app = create_application()
    settings = QSettings(str(Path(workdir) / "memory.ini"), QSettings.Format.IniFormat)
    window = MainWindow(user=BENCH_USER, settings=settings)
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    rss_window = peak_rss_mb()

    class Painted(QObject):
        seen = False

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.seen = True
            return False

    start = time.perf_counter()
    if not window.open_path(Path(db)) or window.controller is None:
        raise RuntimeError(f"could not open {db}")
    painted = Painted()
    window.navigation.view.viewport().installEventFilter(painted)
    while not painted.seen and time.perf_counter() - start < PAINT_TIMEOUT_S:
        app.processEvents()
    open_to_shown = time.perf_counter() - start
    rss_opened = peak_rss_mb()

    visited = 0
    for indicator_id in window.tree_model.indicator_ids():
        window.navigation.select(indicator_id)
        app.processEvents()
        if window.current_indicator_id() != indicator_id:
            raise RuntimeError(f"{indicator_id} was not shown")
        visited += 1
    record = window.session.record
    audit_rows = window.document.store.audit_count()
    evaluations = len(window.document.evaluations())
    window.close()
    return {
        "year": record.year_label,
        "evaluations": evaluations,
        "audit_rows": audit_rows,
        "indicators_visited": visited,
        "open_to_shown_s": round(open_to_shown, 4),
        "peak_rss_mb_window_only": rss_window,
        "peak_rss_mb_after_open": rss_opened,
        "peak_rss_mb": peak_rss_mb(),
        "current_rss_mb": _current_rss_mb(),
    }


def _current_rss_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def measure(small_db: str, large_db: str, workdir: str) -> dict:
    env = profile_env(Path(workdir))
    small = run_module("memory", {"db": small_db, "workdir": workdir}, env)
    large = run_module("memory", {"db": large_db, "workdir": workdir}, env)
    return {
        "large": large,
        "small": small,
        "peak_rss_mb": large["peak_rss_mb"],
        "gui_open_ratio": ratio(large["open_to_shown_s"], small["open_to_shown_s"]),
    }


if __name__ == "__main__":
    child_main(visit_all)
