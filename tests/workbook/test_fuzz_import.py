"""Fuzzing the import: a mutated workbook is applied exactly as previewed, or refused untouched.

Hypothesis mutates an exported workbook at every level a hostile or broken file can
differ — cell values of every type (text, numbers, booleans, errors, formulas, array
formulas), shared strings (added, referenced in and out of range), the sheet XML as
bytes, and the zip entries — and imports it into a fresh copy of the evaluation file.
Either the preview has problems and ``apply`` refuses with the file's bytes unchanged,
or ``apply`` writes exactly the previewed values and nothing else (an indicator that
receives an answer may also become 入力中, as on screen).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from desktop.evaluation.session import Session, create_evaluation
from desktop.records import STATUS_IN_PROGRESS, STATUS_NOT_STARTED, Municipality
from desktop.scoring.answers import AnswerError
from desktop.store import EvaluationFile
from desktop.workbook.importer import FIELD_ANSWER, ImportRejected, apply, preview_import
from desktop.workbook.layout import COL, ROW_INDICATOR, ROW_ITEM, ROW_PART, SHEET_MANIFEST
from desktop.workbook.manifest import read_manifest
from desktop.workbook.submission import export_submission
from desktop.workbook.validation import answer_values

ANSWER_PARTS = ("xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml")
MANIFEST_PART = "xl/worksheets/sheet7.xml"  # 取込用情報, the last sheet (checked below)
SHARED_STRINGS = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)
ANSWER_COLUMN = get_column_letter(COL["回答"])
TEXT_COLUMNS = "".join(get_column_letter(COL[name]) for name in ("根拠資料", "担当課", "備考"))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """An answered evaluation file and its export, made once; each example works on copies."""
    from desktop.catalog import registry

    folder = tmp_path_factory.mktemp("fuzz")
    r8 = {c.year_code: c for c in registry.catalogs()}["R8"]
    with EvaluationFile.open(folder / "評価.sqlite") as store:
        session = create_evaluation(store, r8, municipality=Municipality(name="北塩原村"))
        session.set_answers(
            {
                "suishin.I.process.features.a": "該当",
                "suishin.II.process.optimization-programs.b": "イ②",
                "suishin.outcome-frame.efforts.points": "40",
            }
        )
        session.note("suishin.I.process.features", memo="備考", evidence="計画書 p.3")
        workbook = export_submission(session, folder / "提出用.xlsx")
    with zipfile.ZipFile(workbook) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    assert "<t>目標Ⅰ</t>" in parts[ANSWER_PARTS[0]].decode("utf-8")
    names = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    assert f"sheet{names.index(SHEET_MANIFEST) + 1}.xml" in MANIFEST_PART
    # Rows a colleague really fills in: (part, row, the values its cells accept).
    targets = []
    for row in read_manifest_of(workbook).rows:
        part = f"xl/worksheets/sheet{names.index(row.sheet) + 1}.xml"
        if row.kind in (ROW_ITEM, ROW_PART):
            item = r8.part(row.target)[0] if r8.has_part(row.target) else r8.item(row.target)
            values = (
                [str(item.points)] if item.rule == "external" else answer_values(item, row.kind)
            )
            targets.append((part, f"{ANSWER_COLUMN}{row.row}", tuple(values)))
        elif row.kind == ROW_INDICATOR:
            for column in TEXT_COLUMNS:
                targets.append((part, f"{column}{row.row}", ("根拠", "担当課", "")))
    return Pristine(folder / "評価.sqlite", parts, targets)


def read_manifest_of(path: Path):
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET_MANIFEST]
    return read_manifest(
        {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value}
    )


class Pristine:
    def __init__(self, db: Path, parts: dict[str, bytes], targets: list):
        self.db, self.parts, self.targets = db, parts, targets

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"Pristine({self.db.name}, {len(self.parts)} parts)"


# --- mutations -----------------------------------------------------------------------------------
texts = st.one_of(
    st.sampled_from(
        ["該当", "非該当", "未回答", "", "イ②", "なし", "=1+1", "@SUM(1)", "٥", "５", "10", "101"]
    ),
    st.text(max_size=30),
    st.builds(lambda n: "長" * n, st.sampled_from([2000, 2001, 40000])),
)


@st.composite
def cell_xml(draw, ref: str) -> str:
    kind = draw(st.sampled_from(["text", "number", "bool", "error", "formula", "array", "shared"]))
    if kind == "text":
        value = "".join(ch for ch in draw(texts) if ch.isprintable() or ch in "\n\t")
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    if kind == "number":
        number = draw(st.one_of(st.integers(-5, 120), st.floats(-1e6, 1e6, allow_nan=False)))
        return f'<c r="{ref}" t="n"><v>{number}</v></c>'
    if kind == "bool":
        return f'<c r="{ref}" t="b"><v>{draw(st.sampled_from(["0", "1"]))}</v></c>'
    if kind == "error":
        return f'<c r="{ref}" t="e"><v>#N/A</v></c>'
    if kind == "formula":
        return f'<c r="{ref}"><f>IF(TRUE,"該当")</f><v>該当</v></c>'
    if kind == "array":
        return f'<c r="{ref}"><f t="array" ref="{ref}">SUM(1)</f><v>1</v></c>'
    return f'<c r="{ref}" t="s"><v>{draw(st.integers(0, 6))}</v></c>'


def set_cell(xml: str, ref: str, cell: str) -> str:
    """Replace the cell ``ref`` (or add it to its row, or add its row)."""
    existing = re.search(rf'<c r="{ref}"(?:[^>]*?/>|[^>]*?>.*?</c>)', xml, re.S)
    if existing:
        return xml[: existing.start()] + cell + xml[existing.end() :]
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    opened = re.search(rf'<row r="{row}"[^>]*?(/?)>', xml)
    if opened and not opened.group(1):
        return xml[: opened.end()] + cell + xml[opened.end() :]
    return xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>', 1)


@st.composite
def cell_edit(draw):
    part = draw(st.sampled_from([*ANSWER_PARTS, MANIFEST_PART]))
    if part == MANIFEST_PART:
        column = draw(st.sampled_from("ABDEFGHIJKLMNO"))
    else:
        column = draw(st.sampled_from(ANSWER_COLUMN * 3 + TEXT_COLUMNS + "ABCEN"))
    row = draw(st.integers(1, 140))
    cell = draw(cell_xml(f"{column}{row}"))
    return ("cell", part, f"{column}{row}", cell)


@st.composite
def shared_strings(draw):
    strings = draw(st.lists(texts, min_size=0, max_size=6))
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    xml = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    return ("shared", xml)


@st.composite
def byte_edit(draw):
    part = draw(st.sampled_from([*ANSWER_PARTS, MANIFEST_PART, "xl/workbook.xml"]))
    how = draw(st.sampled_from(["delete", "duplicate", "insert"]))
    position = draw(st.floats(0, 1))
    length = draw(st.integers(1, 200))
    junk = draw(st.binary(max_size=20))
    return ("bytes", part, how, position, length, junk)


@st.composite
def zip_edit(draw):
    how = draw(st.sampled_from(["drop", "duplicate", "truncate", "flip"]))
    part = draw(st.sampled_from([*ANSWER_PARTS, MANIFEST_PART, "xl/workbook.xml", "xl/styles.xml"]))
    return ("zip", how, part, draw(st.floats(0, 1)))


def mutations(targets: list):
    """One to three edits; often a colleague's ordinary edit among them."""

    @st.composite
    def ordinary_edit(draw):
        part, ref, values = draw(st.sampled_from(targets))
        value = draw(st.sampled_from(values))
        return ("cell", part, ref, f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')

    return st.lists(
        st.one_of(
            ordinary_edit(), ordinary_edit(), cell_edit(), shared_strings(), byte_edit(), zip_edit()
        ),
        min_size=1,
        max_size=3,
    )


def build(parts: dict[str, bytes], edits: list, out: Path) -> Path:
    parts = dict(parts)
    duplicate: list[tuple[str, bytes]] = []
    dropped: set[str] = set()
    truncate: float | None = None
    flip: float | None = None
    for edit in edits:
        if edit[0] == "cell":
            _, part, ref, cell = edit
            # An earlier byte edit may have cut a character in two: keep such bytes as they are.
            xml = parts[part].decode("utf-8", "surrogateescape")
            parts[part] = set_cell(xml, ref, cell).encode("utf-8", "surrogateescape")
        elif edit[0] == "shared":
            parts[SHARED_STRINGS] = edit[1].encode("utf-8")
            rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
            if SHARED_STRINGS_TYPE not in rels:
                rels = rels.replace(
                    "</Relationships>",
                    f'<Relationship Type="{SHARED_STRINGS_TYPE}" Target="sharedStrings.xml" '
                    'Id="rId99" /></Relationships>',
                )
                parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
        elif edit[0] == "bytes":
            _, part, how, position, length, junk = edit
            data = parts[part]
            at = int(position * len(data))
            if how == "delete":
                data = data[:at] + data[at + length :]
            elif how == "duplicate":
                data = data[:at] + data[at : at + length] + data[at:]
            else:
                data = data[:at] + junk + data[at:]
            parts[part] = data
        else:
            _, how, part, position = edit
            if how == "drop":
                dropped.add(part)
            elif how == "duplicate":
                duplicate.append((part, parts[part]))
            elif how == "truncate":
                truncate = position
            else:
                flip = position
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name not in dropped:
                archive.writestr(name, data)
        for name, data in duplicate:
            if name in dropped:  # its first copy was left out: this one is not a duplicate
                archive.writestr(name, data)
                continue
            with pytest.warns(UserWarning):  # zipfile warns of a second entry of one name
                archive.writestr(name, data)
    raw = out.read_bytes()
    if truncate is not None:
        raw = raw[: int(truncate * len(raw))]
    if flip is not None and raw:
        at = min(int(flip * len(raw)), len(raw) - 1)
        raw = raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :]
    out.write_bytes(raw)
    return out


# --- the property --------------------------------------------------------------------------------
def _state(session: Session):
    notes = session.store.indicator_notes(session.evaluation_id)
    return session.answers(), {key: dict(vars(note)) for key, note in notes.items()}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_mutated_workbook_is_applied_as_previewed_or_refused_untouched(
    pristine, tmp_path_factory, data
):
    db_source, parts = pristine.db, pristine.parts
    edits = data.draw(mutations(pristine.targets), label="edits")
    folder = tmp_path_factory.mktemp("example")
    db = folder / "評価.sqlite"
    shutil.copyfile(db_source, db)
    workbook = build(parts, edits, folder / "変更.xlsx")
    with EvaluationFile.open(db) as store:
        session = Session.open(store)
        answers_before, notes_before = _state(session)
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        preview = preview_import(session, workbook)
        decisions = {conflict.key: "workbook" for conflict in preview.conflicts}
        try:
            apply(preview, decisions, backup=False)
        except (ImportRejected, AnswerError, KeyError):
            event("refused")
            assert hashlib.sha256(db.read_bytes()).hexdigest() == before
            return
        event("applied" if preview.changes else "nothing to apply")
        assert preview.ok
        answers_after, notes_after = _state(session)
    applied = preview.changes + preview.conflicts
    expected_answers = dict(answers_before)
    for change in applied:
        if change.field == FIELD_ANSWER:
            expected_answers.pop(change.target, None)
            if change.workbook is not None:
                expected_answers[change.target] = change.workbook
    assert answers_after == expected_answers
    noted = {(c.target, c.field): c.workbook or "" for c in applied if c.field != FIELD_ANSWER}
    for indicator in set(notes_before) | set(notes_after):
        old = notes_before.get(indicator, {})
        new = notes_after.get(indicator, {})
        for name in ("memo", "evidence", "section", "assignee"):
            wanted = noted.get((indicator, name), old.get(name, ""))
            assert new.get(name, "") == wanted, (indicator, name)
        old_status = old.get("status", STATUS_NOT_STARTED)
        if new.get("status", STATUS_NOT_STARTED) != old_status:
            assert (old_status, new["status"]) == (STATUS_NOT_STARTED, STATUS_IN_PROGRESS)
