"""Start-up probe for a bare PySide6 window: the floor the app's start-up is compared to.

Started exactly like ``launch_app.py`` (a fresh ``python`` running a script, offscreen):
creates a QApplication and a plain QMainWindow of 1280×800, shows it and notes its
first Paint event with the same kind of filter, in seconds since ``HYOKA_BENCH_T0``.

``--screenshot FILE`` instead does what ``hyoka-desk --screenshot`` does after
opening the file (show, process events three times, grab, save a PNG, close), so that
the screenshot runs of the source and the build have a bare counterpart too.

Usage: python benchmarks/launch_bare.py [--screenshot FILE]
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = float(os.environ.get("HYOKA_BENCH_T0") or time.perf_counter())
WINDOW_SIZE = (1280, 800)


def elapsed() -> float:
    return round(time.perf_counter() - T0, 4)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshot")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(*WINDOW_SIZE)
    if args.screenshot:
        window.show()
        for _ in range(3):
            app.processEvents()
        ok = window.grab().save(args.screenshot, "PNG")
        window.close()
        return 0 if ok else 1

    result: dict = {}

    class PaintWatcher(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and "first_paint" not in result:
                result["first_paint"] = elapsed()
                watched.removeEventFilter(self)
                print("BENCH-RESULT " + json.dumps(result), flush=True)
                QTimer.singleShot(0, window.close)
            return False

    watcher = PaintWatcher()
    window.installEventFilter(watcher)
    window.show()
    status = app.exec()
    return status if "first_paint" in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
