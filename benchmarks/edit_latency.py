"""Edit latency: a sub-item toggle, clicked through the real widget, to new totals on screen.

In a fresh process the real MainWindow opens the half-answered R8 file; the 該当 box
of one check sub-item is clicked on its indicator with ``QTest.mouseClick`` (press and
release events through Qt, as a user's click), which alternately answers it 該当 and
clears it. For each toggle:

* ``to_painted``: from just before the click until both the navigation tree's and the
  dashboard's viewports have painted while their models held the new totals (the
  indicator, its grant and the 800-point total, compared with the scoring engine's own
  result for that answer): what the user sees. The time is taken in the Paint event.
* ``to_saved``: until the click returns. The click is handled synchronously: the totals
  are shown and painted, then the answer is written (one transaction, fsync'ed, with its
  audit row) and the evaluation rescored from the file before the click returns.

After each toggle (outside the timing) a second, independent SQLite connection reads
the answer from the file; at the end the audit rows are counted. The figure that
counts is the median and p95 of ``to_painted`` in milliseconds.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from benchmarks.common import BENCH_USER, child_main, summary

TOGGLE_ITEM = "shien.III.process.issues-and-measures.a"  # a check (ア, 5 points) in R8
PAINT_TIMEOUT_S = 2.0


def measure(db: str, workdir: str, toggles: int = 200, item_id: str = TOGGLE_ITEM) -> dict:
    from PySide6.QtCore import QEvent, QObject, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QStyle, QStyleOptionButton

    from desktop.catalog.model import MET
    from desktop.scoring import score
    from desktop.ui.app import create_application
    from desktop.ui.dashboard_model import POINTS
    from desktop.ui.main_window import MainWindow
    from desktop.ui.tree_model import COL_SCORE

    app = create_application()
    settings = QSettings(str(Path(workdir) / "edit-latency.ini"), QSettings.Format.IniFormat)
    window = MainWindow(user=BENCH_USER, settings=settings)
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    if not window.open_path(Path(db)) or window.controller is None:
        raise RuntimeError(f"could not open {db}")
    window.activateWindow()
    if not window.jump_to(item_id):
        raise RuntimeError(f"{item_id} is not in the open evaluation")
    for _ in range(5):
        app.processEvents()

    controller = window.controller
    catalog = controller.catalog
    indicator_id = catalog.indicator_of(item_id).id
    grant_id = item_id.split(".")[0]
    evaluation_id = controller.evaluation_id
    row = window.panel.row_for(item_id)
    box = row.met
    option = QStyleOptionButton()
    box.initStyleOption(option)
    click_at = (
        box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box).center()
    )

    # What the views must show after each toggle, from the scoring engine itself.
    base = dict(controller.session.answers())
    expected = {}
    for value in (MET, None):
        answers = {k: v for k, v in base.items() if k != item_id}
        if value is not None:
            answers[item_id] = value
        tree = score(catalog, answers)
        expected[value] = {
            "indicator": _score_text(tree.get(indicator_id)),
            "grant": _score_text(tree.get(grant_id)),
            "total": str(tree.root.points),
        }

    def on_screen() -> dict[str, str]:
        tree_model, dash = window.tree_model, window.dashboard_model
        index = tree_model.index_of(indicator_id)
        grant = tree_model.index_of(grant_id)
        total_row = dash.row_of("total")
        return {
            "indicator": index.sibling(index.row(), COL_SCORE).data(),
            "grant": grant.sibling(grant.row(), COL_SCORE).data(),
            "total": dash.index(total_row, dash.column_of(POINTS)).data(),
        }

    class PaintClock(QObject):
        """The time its viewport first paints while the models show ``wanted``."""

        def __init__(self):
            super().__init__()
            self.wanted: dict[str, str] | None = None
            self.at: float | None = None

        def arm(self, wanted: dict[str, str]) -> None:
            self.wanted, self.at = wanted, None

        def eventFilter(self, watched, event) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and self.at is None
                and self.wanted is not None
                and on_screen() == self.wanted
            ):
                self.at = time.perf_counter()
            return False

    tree_clock, dash_clock = PaintClock(), PaintClock()
    window.navigation.view.viewport().installEventFilter(tree_clock)
    window.dashboard.table.viewport().installEventFilter(dash_clock)

    reader = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)

    def stored() -> str | None:
        found = reader.execute(
            "SELECT value FROM answers WHERE evaluation_id = ? AND item_id = ?",
            [evaluation_id, item_id],
        ).fetchone()
        return found[0] if found else None

    audit_before = reader.execute("SELECT count(*) FROM audit").fetchone()[0]
    to_saved, to_painted = [], []
    wrong_on_screen = wrong_on_disk = unpainted = 0
    for _ in range(toggles):
        value = None if box.isChecked() else MET
        tree_clock.arm(expected[value])
        dash_clock.arm(expected[value])
        start = time.perf_counter()
        QTest.mouseClick(box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, click_at)
        saved = time.perf_counter()
        shown = on_screen()
        while tree_clock.at is None or dash_clock.at is None:
            app.processEvents()
            if time.perf_counter() - start > PAINT_TIMEOUT_S:
                unpainted += 1
                break
        painted = max(clock.at or time.perf_counter() for clock in (tree_clock, dash_clock))
        to_saved.append((saved - start) * 1000)
        to_painted.append((painted - start) * 1000)
        wrong_on_screen += shown != expected[value]
        wrong_on_disk += stored() != value
        app.processEvents()  # let the status bar and the like settle before the next click
    audit_added = reader.execute("SELECT count(*) FROM audit").fetchone()[0] - audit_before
    reader.close()
    window.close()
    if wrong_on_screen or wrong_on_disk:
        raise RuntimeError(
            f"toggles not reflected: {wrong_on_screen} on screen, {wrong_on_disk} on disk"
        )
    return {
        "toggles": toggles,
        "item": item_id,
        "to_saved_ms": summary(to_saved),
        "to_painted_ms": summary(to_painted),
        "unpainted": unpainted,
        "verified_on_disk": True,
        "audit_rows_added": audit_added,
    }


def _score_text(node) -> str:
    return f"{node.points}/{node.max_points}"


if __name__ == "__main__":
    child_main(measure)
