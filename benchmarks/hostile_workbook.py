"""Hostile workbooks (issue 11): each is accepted or refused within 5 s and 300 MB.

A workbook within the size limits (20 MB on disk, 200 MB unpacked) can still hold
millions of tiny cells. Three workbooks are made from a fresh export of the
half-answered R8 file (untimed), and each is imported (``preview_import``, which
reads and checks everything an import would apply) in a fresh process of its own:

* ``tiny_cells``: the 推進交付金 sheet padded with empty ``<c/>`` cells up to just
  under 200 MB unpacked (about 52 million cells, half a MB on disk; the review's file
  had 13.6 million and took 185 s and 3.2 GB before the fix);
* ``under_tag_budget``: padded with empty cells to just under the reader's tag budget
  and without the sheet's size record, so that it passes the container check, is
  scanned whole when opened and is stopped by the cell budget while being read: the
  most work any workbook can cause;
* ``export``: the export unchanged (accepted), for comparison.

Per case: seconds, the child's peak RSS (MB), whether it was refused and the first
message. ``max_s`` and ``max_peak_rss_mb`` are the worst of the cases.
"""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from pathlib import Path

from openpyxl.utils import get_column_letter

from benchmarks.common import BENCH_USER, child_main, peak_rss_mb, profile_env, run_module

ANSWER_SHEET_PART = "xl/worksheets/sheet2.xml"  # 推進交付金
CELLS_PER_ROW = 1000
FIRST_PADDED_ROW = 2000


def measure(db: str, workdir: str) -> dict:
    """The parent: build the workbooks, then import each one in a fresh process."""
    from desktop.evaluation.session import Session
    from desktop.store import EvaluationFile
    from desktop.workbook import reader
    from desktop.workbook.submission import export_submission

    work = Path(workdir) / "hostile"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    path = work / "evaluation.sqlite"
    shutil.copyfile(db, path)
    with EvaluationFile.open(path, user=BENCH_USER) as store:
        exported = export_submission(Session.open(store), work / "export.xlsx")
    budget = reader.MAX_UNCOMPRESSED_BYTES - _unpacked(exported) - 64 * 1024
    cases = {
        "tiny_cells": _pad(exported, work / "tiny-cells.xlsx", max_bytes=budget),
        "under_tag_budget": _pad(
            exported,
            work / "under-tag-budget.xlsx",
            max_tags=reader.MAX_MARKUP - _tags(exported) - 1000,
        ),
        "export": (exported, 0),
    }
    env = profile_env(Path(workdir))
    result: dict = {}
    for name, (case, padded_cells) in cases.items():
        figures = run_module("hostile_workbook", {"db": str(path), "workbook": str(case)}, env)
        figures["padded_cells"] = padded_cells
        figures["file_kb"] = round(case.stat().st_size / 1024, 1)
        figures["unpacked_mb"] = round(_unpacked(case) / 1024 / 1024, 1)
        result[name] = figures
    result["max_s"] = max(result[name]["seconds"] for name in cases)
    rss = [result[name]["peak_rss_mb"] for name in cases]
    result["max_peak_rss_mb"] = None if None in rss else max(rss)
    return result


def import_once(db: str, workbook: str) -> dict:
    """The child: one ``preview_import``, timed, and this process's peak memory."""
    from desktop.evaluation.session import Session
    from desktop.store import EvaluationFile
    from desktop.workbook.importer import preview_import

    with EvaluationFile.open(db, read_only=True, user=BENCH_USER) as store:
        session = Session.open(store)
        start = time.perf_counter()
        preview = preview_import(session, workbook)
        seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 3),
        "peak_rss_mb": peak_rss_mb(),
        "refused": not preview.ok,
        "message": str(preview.errors[0])[:120] if preview.errors else "",
    }


def _pad(exported: Path, out: Path, *, max_bytes: int | None = None, max_tags: int | None = None):
    """The export with empty cells appended to the answer sheet, streamed into the zip."""
    with (
        zipfile.ZipFile(exported) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != ANSWER_SHEET_PART:
                target.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>", 1)
            if max_tags is not None:
                # Without its size record openpyxl scans the whole sheet when opening it.
                head = re.sub(rb"<dimension [^>]*/>", b"", head)
            room_bytes = (max_bytes or 1 << 62) - len(data)
            room_tags = max_tags or 1 << 62
            with target.open(ANSWER_SHEET_PART, "w", force_zip64=True) as stream:
                stream.write(head)
                row = FIRST_PADDED_ROW
                cells = 0
                while True:
                    chunk = _row(row, tiny=max_bytes is not None)
                    tags = CELLS_PER_ROW + 2
                    if len(chunk) > room_bytes or tags > room_tags:
                        break
                    stream.write(chunk)
                    cells += CELLS_PER_ROW
                    room_bytes -= len(chunk)
                    room_tags -= tags
                    row += 1
                stream.write(b"</sheetData>" + tail)
    return out, cells


def _row(row: int, *, tiny: bool) -> bytes:
    # Tiny cells carry no reference (each is the next column), so they pack like the
    # review's 450 KB file; the others name their cells, as Excel writes them.
    cells = "<c/>" * CELLS_PER_ROW if tiny else "".join(f'<c r="{x}{row}"/>' for x in _LETTERS)
    return f'<row r="{row}">{cells}</row>'.encode()


_LETTERS = [get_column_letter(column) for column in range(1, CELLS_PER_ROW + 1)]


def _unpacked(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def _tags(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(archive.read(info).count(b"<") for info in archive.infolist())


if __name__ == "__main__":
    child_main(import_once)
