"""Start-up probe for the app: its real start-up path, timed to its first paints.

Runs exactly what the ``hyoka-desk --db FILE`` command runs: ``desktop.cli.main``
(the command line parser, then ``desktop.ui.app.run_gui``: ``create_application()``,
the crash hook, ``MainWindow``, ``open_path()`` — which opens the file right after
the first paint — and ``app.exec()``). The only addition is a subclass of MainWindow,
put in place before the start, that installs two event filters on itself. Two
moments are noted, in seconds since the parent started this process
(``HYOKA_BENCH_T0``, the parent's ``time.perf_counter()`` just before the start; a
system-wide monotonic clock on Linux and Windows):

* ``first_paint``: the first Paint event the main window receives (the shell: menus
  and the start page saying 「…を開いています…」);
* ``evaluation_shown``: the first Paint of the navigation tree once the evaluation is
  loaded (tree, indicator panel and totals on screen).

The first is noted by an event filter on the main window, as the bare probe
(``launch_bare.py``) watches its window. The second is noted in the tree view's own
``paintEvent`` (which Qt calls for each paint of the view's viewport): ``QTreeView`` is
replaced, for this process only, by a subclass that notes the first paint of the tree
named ``navigationTree`` and otherwise paints as before. Until 2026-12-04 an event
filter was installed on the tree's viewport instead; but asking PySide for the
viewport, a widget made by Qt, makes it search its type among every widget class and
build their enums, about 5 ms that the app itself never spends, inside the measured
time (benchmarks/README.md). Nothing is watched application-wide. Then the window is
closed as a user would (layout saved, file lock released) and one
``BENCH-RESULT {json}`` line is printed.

Usage: python benchmarks/launch_app.py --db FILE
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = float(os.environ.get("HYOKA_BENCH_T0") or time.perf_counter())
TIMEOUT_MS = 120_000


def elapsed() -> float:
    return round(time.perf_counter() - T0, 4)


def peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


class AfterImport:
    """Calls ``then(module)`` right after the module ``name`` is first executed.

    The app imports PySide itself, as it does for users (part of that import is served
    from its start-up cache, desktop/compiled_code_cache.py), so the probe must not import
    Qt first: it waits on the meta path until the app imports the window's module.
    """

    def __init__(self, name: str, then) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        from importlib.machinery import PathFinder

        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(fullname, path)
        run_module = spec.loader.exec_module

        def exec_module(module) -> None:
            run_module(module)
            self.then(module)

        spec.loader.exec_module = exec_module
        return spec


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    result: dict = {}
    sys.meta_path.insert(0, AfterImport("desktop.ui.main_window", lambda m: watch(m, result)))

    from desktop.cli import main as hyoka_desk

    status = hyoka_desk(["--db", args.db])
    return status if "evaluation_shown" in result else 1


def watch(main_window, result: dict) -> None:
    """Put the watched window and tree view in place (the window's module has just loaded)."""
    from PySide6 import QtWidgets
    from PySide6.QtCore import QEvent, QObject, QTimer

    class PaintWatcher(QObject):
        """Notes the first Paint event of a widget under a name, then calls ``then``."""

        def __init__(self, name: str, then):
            super().__init__()
            self.name, self.then = name, then

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and self.name not in result:
                result[self.name] = elapsed()
                watched.removeEventFilter(self)
                self.then()
            return False

    windows = []

    class WatchedTreeView(QtWidgets.QTreeView):
        """A tree view that notes when the navigation tree first paints the evaluation."""

        def paintEvent(self, event) -> None:
            if "evaluation_shown" not in result and self.objectName() == "navigationTree":
                window = windows[0] if windows else None
                if window is not None and window.stack.currentIndex() == main_window.PAGE_WORK:
                    result["evaluation_shown"] = elapsed()
                    window._finish()
            super().paintEvent(event)

    class ProbedMainWindow(main_window.MainWindow):
        """The app's window, watched: nothing of its behaviour is changed."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            windows.append(self)
            self._first = PaintWatcher("first_paint", lambda: None)
            self.installEventFilter(self._first)
            QTimer.singleShot(TIMEOUT_MS, self._give_up)

        def _finish(self) -> None:
            result["peak_rss_mb"] = peak_rss_mb()
            result["title"] = self.windowTitle()
            print("BENCH-RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
            QTimer.singleShot(0, self.close)

        def _give_up(self) -> None:
            if "evaluation_shown" not in result:
                print(f"launch_app: no evaluation on screen after {TIMEOUT_MS} ms", file=sys.stderr)
                self.close()

    main_window.MainWindow = ProbedMainWindow  # run_gui imports it when it starts the window
    QtWidgets.QTreeView = WatchedTreeView  # imported by the navigation pane after the first paint


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
