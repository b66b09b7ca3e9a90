"""Fixtures for the workbook tests: a filled-in R8 evaluation and workbook helpers."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

MEMO_INJECTION = '=HYPERLINK("http://example.invalid","x")'
SECTION_CARE = "介護保険課"
SECTION_HEALTH = "健康推進課"

# Indicators assigned to each section in the fixture evaluation.
CARE_INDICATORS = ("suishin.I.process.features", "suishin.II.process.optimization-programs")
HEALTH_INDICATORS = ("shien.I.process.data-issues", "suishin.I.activity.score-rank")


@pytest.fixture
def filled(session_r8):
    """An R8 evaluation with answers of every kind, notes and two sections."""
    session = session_r8
    session.set_answers(
        {
            "suishin.I.process.features.a": "該当",
            "suishin.I.process.features.b": "非該当",
            "suishin.II.process.optimization-programs.a.p1": "該当",
            "suishin.II.process.optimization-programs.b": "イ②",
            "suishin.I.activity.score-rank.tier": "イ",  # state-scored: an estimate
            "shien.I.process.data-issues.a": "該当",
            "common.IV.outcome.long-care-level-1-2.tier": "ウ",
        },
        source="テスト",
    )
    for indicator_id in CARE_INDICATORS:
        session.note(indicator_id, section=SECTION_CARE)
    for indicator_id in HEALTH_INDICATORS:
        session.note(indicator_id, section=SECTION_HEALTH)
    session.note(
        "suishin.I.process.features", memo=MEMO_INJECTION, evidence="介護保険事業計画 p.12"
    )
    return session


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _manifest_of(path: Path):
    from desktop.workbook.layout import SHEET_MANIFEST
    from desktop.workbook.manifest import read_manifest

    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET_MANIFEST]
    cells = {
        (c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value is not None
    }
    return read_manifest(cells)


def _row_of(path: Path, target: str) -> tuple[str, int]:
    """Where the row of ``target`` is (sheet, row), as the manifest says."""
    for row in _manifest_of(path).rows:
        if row.target == target:
            return row.sheet, row.row
    raise KeyError(target)


def _edit(path: Path, out: Path, edits: dict[tuple[str, str], object]) -> Path:
    """Change cells like a colleague in Excel would: {(target id, column name): value}."""
    from desktop.workbook.layout import COL

    workbook = openpyxl.load_workbook(path)
    for (target, column), value in edits.items():
        sheet, row = _row_of(path, target)
        workbook[sheet].cell(row=row, column=COL[column]).value = value
    workbook.save(out)
    return out


@pytest.fixture
def wb():
    """Helpers (digest, manifest, row_of, edit) and the fixture's constants."""
    return SimpleNamespace(
        digest=_digest,
        manifest=_manifest_of,
        row_of=_row_of,
        edit=_edit,
        MEMO_INJECTION=MEMO_INJECTION,
        SECTION_CARE=SECTION_CARE,
        SECTION_HEALTH=SECTION_HEALTH,
        CARE_INDICATORS=CARE_INDICATORS,
        HEALTH_INDICATORS=HEALTH_INDICATORS,
    )


@pytest.fixture
def exported(filled, tmp_path):
    from desktop.workbook.submission import export_submission

    return export_submission(filled, tmp_path / "提出用.xlsx")
