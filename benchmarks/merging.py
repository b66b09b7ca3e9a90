"""Merging: import 40 section workbooks one after another into one evaluation.

On a copy of the half-answered R8 file, the indicators are dealt round-robin to 40
担当課 (one action); a section workbook is exported for each (timed too, as
``export``), filled in with openpyxl as a colleague would in Excel (every answer cell
and 根拠資料; untimed), and then imported one after another as the 取り込み menu does:
``preview_import`` + ``apply`` (conflicts, if any, decided for the workbook) and a
rescore for the views. The first import also makes the 「取込の前」 backup.

Reported: the total and per-workbook seconds of the imports, and a check that every
answer written in the workbooks is in the file afterwards.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks.common import BENCH_USER, child_main, summary
from benchmarks.fixtures import assign_sections, fill_section_workbook

SECTIONS = 40


def measure(db: str, workdir: str, sections: int = SECTIONS) -> dict:
    from desktop.evaluation.session import Session
    from desktop.store import EvaluationFile
    from desktop.workbook.importer import PREFER_WORKBOOK, apply, preview_import
    from desktop.workbook.section import export_section

    work = Path(workdir) / "merging"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    path = work / "evaluation.sqlite"
    shutil.copyfile(db, path)

    store = EvaluationFile.open(path, user=BENCH_USER)
    try:
        session = Session.open(store)
        owned = assign_sections(session, sections)
        exports, filled, expected = [], [], {}
        for number, section in enumerate(owned):
            blank = work / f"section-{number:02d}.xlsx"
            start = time.perf_counter()
            export_section(session, section, blank)
            exports.append(time.perf_counter() - start)
            done = work / f"section-{number:02d}-filled.xlsx"
            expected.update(fill_section_workbook(blank, done, session.catalog, seed=number))
            filled.append(done)

        imports, changes = [], 0
        for workbook in filled:
            start = time.perf_counter()
            preview = preview_import(session, workbook)
            if preview.errors:
                raise RuntimeError(f"{workbook.name}: {[str(e) for e in preview.errors[:3]]}")
            decisions = {conflict.key: PREFER_WORKBOOK for conflict in preview.conflicts}
            changes += len(apply(preview, decisions))
            session.score()  # the window rescores and redraws after an import
            imports.append(time.perf_counter() - start)

        stored = store.answers(session.evaluation_id)
        missing = {t: v for t, v in expected.items() if stored.get(t) != v}
        if missing:
            raise RuntimeError(f"{len(missing)} answers not in the file, e.g. {list(missing)[:3]}")
        indicators = sum(len(ids) for ids in owned.values())
    finally:
        store.close()
    return {
        "workbooks": len(filled),
        "indicators": indicators,
        "answers_in_workbooks": len(expected),
        "changes_applied": changes,
        "import_total_s": round(sum(imports), 3),
        "import_per_workbook_s": summary(imports, digits=4),
        "export_total_s": round(sum(exports), 3),
        "export_per_workbook_s": summary(exports, digits=4),
    }


if __name__ == "__main__":
    child_main(measure)
