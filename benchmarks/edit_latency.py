"""Edit latency: a sub-item toggle, clicked through the real widget, to new totals on screen.

In a fresh process the real MainWindow opens the half-answered R8 file; the 該当 box
of one check sub-item is clicked on its indicator with ``QTest.mouseClick`` (press and
release events through Qt, as a user's click), which alternately answers it 該当 and
clears it. For each toggle:

* ``to_models``: from just before the click until the navigation tree's and the
  dashboard's models hold the new totals (the indicator, its grant and the 800-point
  total, compared with the scoring engine's own result for that answer). The click
  is handled synchronously: the answer is written (one transaction, fsync'ed, with
  its audit row) and the evaluation rescored before the click returns.
* ``to_painted``: until the tree's and the dashboard's viewports have also painted
  (events processed until both received a Paint event): what the user sees.

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

    class PaintCounter(QObject):
        def __init__(self):
            super().__init__()
            self.count = 0

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    tree_paints, dash_paints = PaintCounter(), PaintCounter()
    window.navigation.view.viewport().installEventFilter(tree_paints)
    window.dashboard.table.viewport().installEventFilter(dash_paints)

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

    reader = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)

    def stored() -> str | None:
        found = reader.execute(
            "SELECT value FROM answers WHERE evaluation_id = ? AND item_id = ?",
            [evaluation_id, item_id],
        ).fetchone()
        return found[0] if found else None

    audit_before = reader.execute("SELECT count(*) FROM audit").fetchone()[0]
    to_models, to_painted = [], []
    wrong_on_screen = wrong_on_disk = unpainted = 0
    for _ in range(toggles):
        value = None if box.isChecked() else MET
        tree_before, dash_before = tree_paints.count, dash_paints.count
        start = time.perf_counter()
        QTest.mouseClick(box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, click_at)
        shown = on_screen()
        models_done = time.perf_counter()
        while tree_paints.count == tree_before or dash_paints.count == dash_before:
            app.processEvents()
            if time.perf_counter() - start > PAINT_TIMEOUT_S:
                unpainted += 1
                break
        painted = time.perf_counter()
        to_models.append((models_done - start) * 1000)
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
        "to_models_ms": summary(to_models),
        "to_painted_ms": summary(to_painted),
        "unpainted": unpainted,
        "verified_on_disk": True,
        "audit_rows_added": audit_added,
    }


def _score_text(node) -> str:
    return f"{node.points}/{node.max_points}"


if __name__ == "__main__":
    child_main(measure)
