"""Workbooks and report: export the submission workbook, import it back, write the report.

On a copy of the half-answered R8 file, through the same library calls the menu
actions make (``desktop.ui.workbook_actions``, ``desktop.ui.report_actions``; they run
on the GUI thread, so these seconds are what the user waits, dialogs aside):

* ``export``: ``export_submission`` (snapshot, every sheet, manifest, save);
* ``import``: ``preview_import`` + ``apply`` of a freshly exported workbook in which
  one answer was changed with openpyxl (as a colleague in Excel); the new value is
  then read back from the file. The first import of a batch also makes the
  「取込の前」 backup (later ones within ten minutes do not), so the first run is
  reported on its own as well;
* ``report_xlsx`` / ``report_pdf``: ``build_report`` + the official comparison +
  ``save_report_xlsx`` / ``render_pdf`` (Qt lays the PDF out; an offscreen
  QGuiApplication is created first, untimed, as the GUI already has one).

Medians in seconds.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks.common import BENCH_USER, child_main, median

CHANGED_ITEM = "shien.III.process.issues-and-measures.a"


def measure(db: str, workdir: str, runs: int = 5) -> dict:
    from PySide6.QtGui import QGuiApplication

    from desktop.catalog.model import MET, NOT_MET
    from desktop.evaluation.session import Session
    from desktop.store import EvaluationFile
    from desktop.workbook.importer import apply, preview_import
    from desktop.workbook.submission import export_submission

    work = Path(workdir) / "workbooks"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    path = work / "evaluation.sqlite"
    shutil.copyfile(db, path)
    application = QGuiApplication.instance() or QGuiApplication(["bench", "-platform", "offscreen"])

    store = EvaluationFile.open(path, user=BENCH_USER)
    try:
        session = Session.open(store)
        timings: dict[str, list[float]] = {
            "export": [],
            "import": [],
            "report_xlsx": [],
            "report_pdf": [],
        }
        for number in range(runs):
            out = work / f"submission-{number}.xlsx"
            timings["export"].append(_seconds(lambda out=out: export_submission(session, out)))

        changes_applied = 0
        for number in range(runs):
            exported = export_submission(session, work / f"roundtrip-{number}.xlsx")
            new_value = NOT_MET if session.answers().get(CHANGED_ITEM) == MET else MET
            edited = _change_answer(exported, work / f"edited-{number}.xlsx", new_value)
            start = time.perf_counter()
            preview = preview_import(session, edited)
            changes = apply(preview)
            timings["import"].append(time.perf_counter() - start)
            if (
                preview.errors
                or session.store.answers(session.evaluation_id).get(CHANGED_ITEM) != new_value
            ):
                raise RuntimeError(f"import {number} did not apply: {preview.errors[:3]}")
            changes_applied += len(changes)

        for number in range(runs):
            out = work / f"report-{number}.xlsx"
            timings["report_xlsx"].append(_seconds(lambda out=out: _report(session, out, False)))
            pdf = work / f"report-{number}.pdf"
            timings["report_pdf"].append(_seconds(lambda pdf=pdf: _report(session, pdf, True)))
        sizes = {
            "submission_bytes": (work / "submission-0.xlsx").stat().st_size,
            "report_xlsx_bytes": (work / "report-0.xlsx").stat().st_size,
            "report_pdf_bytes": (work / "report-0.pdf").stat().st_size,
        }
    finally:
        store.close()
    del application  # kept alive until the PDFs are written

    result = {"runs": runs, "changes_applied": changes_applied, **sizes}
    for name, values in timings.items():
        result[f"{name}_s"] = round(median(values), 4)
    result["import_first_s"] = round(timings["import"][0], 4)
    result["samples_s"] = {name: [round(v, 4) for v in values] for name, values in timings.items()}
    return result


def _seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _report(session, out: Path, pdf: bool) -> Path:
    """What 「評価結果を出力」 does once the file name is chosen."""
    from desktop.report.model import build_report
    from desktop.report.official import compare
    from desktop.report.xlsx import save_report_xlsx

    report = build_report(session)
    official_rows = compare(
        session.catalog, session.score(), session.store.official_results(session.evaluation_id)
    )
    if pdf:
        from desktop.ui.report_pdf import render_pdf

        return render_pdf(report, out, official_rows)
    return save_report_xlsx(report, out, official_rows)


def _change_answer(source: Path, out: Path, value: str) -> Path:
    """Change the 回答 cell of CHANGED_ITEM with openpyxl, found through the manifest."""
    import openpyxl

    from desktop.workbook.layout import COL, SHEET_MANIFEST
    from desktop.workbook.manifest import read_manifest

    workbook = openpyxl.load_workbook(source)
    sheet = workbook[SHEET_MANIFEST]
    cells = {
        (cell.row, cell.column): cell.value
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    for row in read_manifest(cells).rows:
        if row.target == CHANGED_ITEM:
            workbook[row.sheet].cell(row=row.row, column=COL["回答"]).value = value
            workbook.save(out)
            return out
    raise KeyError(CHANGED_ITEM)


if __name__ == "__main__":
    child_main(measure)
