"""Evaluation files to measure on, built through the app's own store and session.

* :func:`make_half_answered`: one R8 evaluation with every other self-assessed item
  answered (the same shape as the UI tests' fixture) — the file a coordinator has
  open in the middle of the season.
* :func:`make_large_file`: ten fiscal years of evaluations and 100,000 audit rows —
  a municipality that has used the app for ten years.

Only the R6–R8 catalogs ship, and the loader accepts fiscal years from 2019 (令和元年度)
on, so the ten years are 令和元年度…令和10年度 (2019–2028). R6, R7 and R8 pin the
shipped catalog texts unchanged; R1–R5 pin the R6 text and R9–R10 the R8 text with
only their header (id, title, fiscal year) rewritten, so each snapshot is a catalog
of realistic size that the loader validates like any other. Every evaluation is
created and answered through :class:`desktop.store.EvaluationFile` and
:class:`desktop.evaluation.session.Session`; only the bulk of the audit history (rows that
record earlier answer changes and notes) is inserted with one ``executemany``, in
the audit table's own format, because writing 100,000 single actions would take
minutes. The finished file is then opened read-only and every year scored, as proof
that the app accepts it.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from pathlib import Path

from desktop.catalog import registry
from desktop.catalog.loader import load_catalog_text
from desktop.catalog.model import ALL_OF, CHECK, EXTERNAL, MET, NOT_MET, OPTION_RULES, Catalog
from desktop.evaluation.session import Session, catalog_source_text, create_evaluation
from desktop.hashing import content_hash
from desktop.records import (
    ACTION_ANSWER,
    ACTION_NOTE,
    INDICATOR_STATUSES,
    ChangeSet,
    Municipality,
)
from desktop.store import EvaluationFile

MUNICIPALITY = Municipality(name="北塩原村", code="073059", prefecture="福島県", insured=1000)
BUILDER = "準備"
LARGE_YEARS = 10
LARGE_AUDIT_ROWS = 100_000
FIRST_FISCAL_YEAR = 2019  # 令和元年度: the earliest year the catalog loader accepts
COLLEAGUES = ("介護保険課 佐藤", "介護保険課 鈴木", "健康推進課 高橋", "地域包括 田中")


def shipped(catalog_id: str = "municipal-r8") -> Catalog:
    return registry.find(catalog_id)


# --- answers ------------------------------------------------------------------------------------
def half_answered_answers(catalog: Catalog) -> dict[str, str]:
    """Every other self-assessed item answered: checks alternately 該当/非該当, options the top."""
    answers: dict[str, str] = {}
    items = [item for item in catalog.all_items() if not item.state_scored]
    for number, item in enumerate(items):
        if number % 2:
            continue
        if item.rule in (CHECK, ALL_OF):
            answers[item.id] = MET if number % 4 == 0 else NOT_MET
        elif item.rule in OPTION_RULES:
            answers[item.id] = item.options[-1].label
    return answers


def full_answers(catalog: Catalog, seed: int = 0) -> dict[str, str]:
    """Every item answered (state-scored ones as estimates), as the session accepts them.

    All-of items are answered part by part; the mix of values is random but fixed by
    ``seed``, so that a year's figures are reproducible.
    """
    chooser = random.Random(seed)
    answers: dict[str, str] = {}
    for item in catalog.all_items():
        if item.rule == CHECK:
            answers[item.id] = MET if chooser.random() < 0.7 else NOT_MET
        elif item.rule == ALL_OF:
            for part in item.parts:
                answers[part.id] = MET if chooser.random() < 0.8 else NOT_MET
        elif item.rule in OPTION_RULES:
            answers[item.id] = chooser.choice(item.options).label
        elif item.rule == EXTERNAL:
            answers[item.id] = str(chooser.randint(0, item.points))
    return answers


# --- the half-answered R8 file --------------------------------------------------------------------
def make_half_answered(path: Path, catalog: Catalog | None = None) -> Path:
    """A new file at ``path`` holding a half-answered evaluation of ``catalog`` (R8)."""
    catalog = catalog or shipped()
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    with EvaluationFile.open(path, user=BUILDER) as store:
        session = create_evaluation(store, catalog, municipality=MUNICIPALITY)
        session.set_answers(half_answered_answers(catalog))
    return path


# --- the large file -----------------------------------------------------------------------------------
def derived_catalog_text(base_text: str, fiscal_year: int) -> str:
    """``base_text`` with its header rewritten for ``fiscal_year``; the body is untouched."""
    reiwa = fiscal_year - 2018
    replacements = [
        (r"(?m)^catalog: municipal-r\d+$", f"catalog: municipal-r{reiwa}"),
        (r'(?m)^title: "令和\d+年度', f'title: "令和{reiwa}年度'),
        (r"(?m)^fiscal_year: \d+$", f"fiscal_year: {fiscal_year}"),
        (r"(?m)^# 令和\d+年度", f"# 令和{reiwa}年度"),
    ]
    text = base_text
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, count=1)
        if count != 1:
            raise ValueError(f"catalog header line not found: {pattern}")
    return text


def catalog_texts(years: int = LARGE_YEARS) -> list[tuple[str, Catalog]]:
    """(text, catalog) for 令和元年度 onwards: shipped texts where they exist, derived ones otherwise."""
    by_year = {c.fiscal_year: c for c in registry.catalogs() if c.level == "municipal"}
    first_shipped, last_shipped = min(by_year), max(by_year)
    result = []
    for fiscal_year in range(FIRST_FISCAL_YEAR, FIRST_FISCAL_YEAR + years):
        if fiscal_year in by_year:
            catalog = by_year[fiscal_year]
            text = catalog_source_text(catalog)
        else:
            base = by_year[first_shipped if fiscal_year < first_shipped else last_shipped]
            text = derived_catalog_text(catalog_source_text(base), fiscal_year)
            catalog = load_catalog_text(text, f"municipal-r{fiscal_year - 2018}（ベンチマーク用）")
        result.append((text, catalog))
    return result


def make_large_file(
    path: Path, *, years: int = LARGE_YEARS, audit_rows: int = LARGE_AUDIT_ROWS
) -> dict:
    """A file with ``years`` evaluations and exactly ``audit_rows`` audit rows; returns facts."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    texts = catalog_texts(years)
    with EvaluationFile.open(path, user=BUILDER) as store:
        store.set_municipality(MUNICIPALITY)
        sessions = []
        for number, (text, catalog) in enumerate(texts):
            record = store.create_evaluation(
                catalog_id=catalog.id,
                revision=catalog.revision,
                fiscal_year=catalog.fiscal_year,
                catalog_text=text,
                catalog_hash=content_hash(text),
            )
            session = Session(store, record, catalog)
            newest = number == len(texts) - 1
            # Past years are complete; the newest year is half done, as in the season.
            answers = half_answered_answers(catalog) if newest else full_answers(catalog, number)
            session.set_answers(answers, source=None)
            if not newest:
                status = {
                    indicator.id: {"status": "確定"} for indicator in catalog.all_indicators()
                }
                store.apply(record.id, ChangeSet(notes=status))
            sessions.append(session)
        missing = audit_rows - store.audit_count()
        if missing < 0:
            raise ValueError(f"the real actions alone wrote more than {audit_rows} audit rows")
        _insert_history(store, sessions, missing)
        facts = {
            "evaluations": len(store.evaluations()),
            "audit_rows": store.audit_count(),
        }
    facts["bytes"] = path.stat().st_size
    facts.update(check_opens(path))
    return facts


def _insert_history(store: EvaluationFile, sessions: list[Session], rows: int) -> None:
    """``rows`` earlier changes (answers toggled, notes edited) spread over the years."""
    chooser = random.Random(20260401)
    per_year = [rows // len(sessions)] * len(sessions)
    per_year[-1] += rows - sum(per_year)
    batch = []
    for session, count in zip(sessions, per_year, strict=True):
        catalog = session.catalog
        items = list(catalog.all_items())
        indicators = [indicator.id for indicator in catalog.all_indicators()]
        start = datetime(catalog.fiscal_year, 4, 1, 9, 0).astimezone()
        for number in range(count):
            at = start + timedelta(minutes=number * 365 * 24 * 60 // max(count, 1))
            user = chooser.choice(COLLEAGUES)
            if number % 10 == 9:  # about one change in ten is to an indicator's record
                target, field = chooser.choice(indicators), "status"
                old, new = chooser.sample(INDICATOR_STATUSES, 2)
                action = ACTION_NOTE
            else:
                item = chooser.choice(items)
                values = _values(item)
                target, field, action = item.id, "answer", ACTION_ANSWER
                old, new = chooser.sample(values, 2)
            batch.append(
                (
                    at.isoformat(timespec="seconds"),
                    user,
                    session.evaluation_id,
                    action,
                    target,
                    field,
                    old,
                    new,
                    None,
                )
            )
    with store.transaction():
        store.conn.executemany(
            "INSERT INTO audit (at, user, evaluation_id, action, target, field, old, new, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )


def _values(item) -> list[str | None]:
    if item.rule in OPTION_RULES:
        return [None, "なし", *(option.label for option in item.options)]
    if item.rule == EXTERNAL:
        return [None, *(str(points) for points in range(item.points + 1))]
    return [None, MET, NOT_MET]


def check_opens(path: Path) -> dict:
    """Open the file read-only as the app does and score every year: proof it is valid."""
    scored = {}
    with EvaluationFile.open(path, read_only=True) as store:
        for record in store.evaluations():
            tree = Session.open(store, record.fiscal_year).score()
            scored[record.year_label] = tree.root.points
    return {"years": list(scored), "points_by_year": scored}  # newest first, as listed


# --- sections for the merging benchmark ----------------------------------------------------------
def section_name(number: int) -> str:
    return f"担当課{number + 1:02d}"


def assign_sections(session: Session, sections: int) -> dict[str, list[str]]:
    """Indicators dealt round-robin to ``sections`` 担当課 (one action); returns who has what."""
    indicators = [indicator.id for indicator in session.catalog.all_indicators()]
    owned: dict[str, list[str]] = {section_name(n): [] for n in range(sections)}
    notes = {}
    for number, indicator_id in enumerate(indicators):
        section = section_name(number % sections)
        owned[section].append(indicator_id)
        notes[indicator_id] = {"section": section}
    session.store.apply(session.evaluation_id, ChangeSet(notes=notes))
    return owned


def fill_section_workbook(source: Path, out: Path, catalog: Catalog, seed: int) -> dict[str, str]:
    """Fill a section workbook as a colleague would in Excel (openpyxl), saved as ``out``.

    Every answer cell gets an allowed value (by the manifest's own row kinds) and every
    indicator row a 根拠資料 entry. Returns the answers written, by item or part id.
    """
    import openpyxl

    from desktop.workbook.layout import COL, ROW_INDICATOR, ROW_ITEM, ROW_PART, SHEET_MANIFEST
    from desktop.workbook.manifest import read_manifest
    from desktop.workbook.validation import answer_values

    chooser = random.Random(seed)
    workbook = openpyxl.load_workbook(source)
    sheet = workbook[SHEET_MANIFEST]
    cells = {
        (cell.row, cell.column): cell.value
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    written: dict[str, str] = {}
    for row in read_manifest(cells).rows:
        target_sheet = workbook[row.sheet]
        if row.kind in (ROW_ITEM, ROW_PART):
            if catalog.has_part(row.target):
                item = catalog.part(row.target)[0]
            else:
                item = catalog.item(row.target)
            if item.rule == EXTERNAL and row.kind == ROW_ITEM:
                value = str(chooser.randint(0, item.points))
            else:
                value = chooser.choice(answer_values(item, row.kind))
            target_sheet.cell(row=row.row, column=COL["回答"]).value = value
            written[row.target] = value
        elif row.kind == ROW_INDICATOR:
            target_sheet.cell(row=row.row, column=COL["根拠資料"]).value = "事業実績報告書"
    workbook.save(out)
    return written
