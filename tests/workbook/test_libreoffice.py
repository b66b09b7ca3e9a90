"""The exported workbook in a real spreadsheet application (LibreOffice, headless).

Skipped where LibreOffice is not installed. A private profile directory keeps the
test away from any user's LibreOffice settings and running instance.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.workbook.importer import apply, preview_import

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) がありません"),
]
# CSV filter: comma, double quotes, UTF-8 (76), from line 1, values as shown (0.0% …),
# every sheet to its own file (-1, LibreOffice 7.2 or later).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def _convert(source: Path, target_format: str, out_dir: Path, profile: Path) -> None:
    out_dir.mkdir(exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_totals_and_literal_memo_survive_in_libreoffice(filled, exported, tmp_path, wb):
    _convert(exported, CSV_FILTER, tmp_path / "csv", tmp_path / "profile")
    stem = exported.stem
    cover = _rows(tmp_path / "csv" / f"{stem}-表紙.csv")
    tree = filled.score()
    total = next(row for row in cover if row and row[0].startswith("合計（800点満点）"))
    assert total[3:8] == [
        "800",
        str(tree.root.points),
        f"{tree.root.rate * 100:.1f}%",
        str(tree.root.projected_points),
        f"{tree.root.projected_rate * 100:.1f}%",
    ]
    suishin = next(row for row in cover if row and row[0] == "保険者機能強化推進交付金")
    assert suishin[4] == str(tree.node("suishin").points)
    sheet = _rows(tmp_path / "csv" / f"{stem}-推進交付金.csv")
    memo_rows = [row for row in sheet if wb.MEMO_INJECTION in row]
    assert len(memo_rows) == 1  # shown literally, not evaluated to "x"
    assert "x" not in memo_rows[0]


def test_workbook_saved_by_libreoffice_imports(filled, exported, tmp_path, wb):
    edited = wb.edit(
        exported, tmp_path / "edited.xlsx", {("suishin.I.process.features.c", "回答"): "該当"}
    )
    _convert(edited, "xlsx", tmp_path / "lo", tmp_path / "profile")
    resaved = tmp_path / "lo" / "edited.xlsx"
    preview = preview_import(filled, resaved)
    assert preview.ok, [str(p) for p in preview.errors]
    assert [(c.target, c.workbook) for c in preview.changes] == [
        ("suishin.I.process.features.c", "該当")
    ]
    apply(preview, {})
    assert filled.answers()["suishin.I.process.features.c"] == "該当"
