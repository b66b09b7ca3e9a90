"""Loading a catalog reports every problem at once, each with file, line and a stable code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.catalog import errors as E
from desktop.catalog.loader import load_catalog, load_catalog_text

DATA = Path(__file__).parent / "data"
EXPECT = re.compile(r"#\s*expect (C\d{3})")


def planted(path: Path) -> list[tuple[int, str]]:
    marks = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            marks.append((number, match.group(1)))
    return marks


def load_problems(path: Path) -> list[E.CatalogProblem]:
    with pytest.raises(E.CatalogError) as caught:
        load_catalog(path)
    return caught.value.problems


def test_every_planted_error_is_reported_with_its_line():
    path = DATA / "broken.yaml"
    problems = load_problems(path)
    found = {(p.line, p.code) for p in problems}
    for line, code in planted(path):
        assert (line, code) in found, f"{code} at line {line} not reported; got {sorted(found)}"
    assert all(p.file == "broken.yaml" for p in problems)
    assert all(p.message for p in problems)


def test_a_prerequisite_cycle_names_both_ends(tmp_path):
    problems = load_problems(DATA / "broken.yaml")
    cycles = [p for p in problems if p.code == E.REQUIRES_CYCLE]
    assert len(cycles) == 1
    assert "two.b" in cycles[0].message and "two.c" in cycles[0].message
    text = (DATA / "broken.yaml").read_text(encoding="utf-8").splitlines()
    assert "two.b" in text[cycles[0].line - 1] or "two.c" in text[cycles[0].line - 1]


def test_the_error_message_lists_every_problem_in_japanese():
    with pytest.raises(E.CatalogError) as caught:
        load_catalog(DATA / "broken.yaml")
    message = str(caught.value)
    assert "件の問題があります" in message
    for problem in caught.value.problems:
        assert f"broken.yaml:{problem.line}: [{problem.code}]" in message


def test_golden_catalog_is_valid():
    catalog = load_catalog(DATA / "golden.yaml")
    assert catalog.id == "test-golden"
    assert catalog.total_max == 200


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("catalog: x\nfiscal_year: [1\n", E.SYNTAX, 3),
        ("- just a list\n", E.BAD_HEADER, 1),
        (
            "catalog: x\nfiscal_year: 26\nlevel: municipal\nrevision: 1\nstatus: draft\nsources: [a]\ntotal_max: 0\ngrants: []\n",
            E.BAD_HEADER,
            2,
        ),
        (
            "catalog: x\nfiscal_year: 2026\nlevel: city\nrevision: 1\nstatus: draft\nsources: [a]\ntotal_max: 0\ngrants: []\n",
            E.BAD_HEADER,
            3,
        ),
        (
            "catalog: x\nfiscal_year: 2026\nlevel: municipal\nrevision: 1\nstatus: done\nsources: [a]\ntotal_max: 0\ngrants: []\n",
            E.BAD_HEADER,
            5,
        ),
        (
            "catalog: x\nfiscal_year: 2026\nlevel: municipal\nrevision: 1\nstatus: draft\nsources: [a]\ntotal_max: 0\ngrants: []\nextra: 1\n",
            E.UNKNOWN_KEY,
            9,
        ),
    ],
)
def test_header_problems(text, code, line):
    with pytest.raises(E.CatalogError) as caught:
        load_catalog_text(text, "header.yaml")
    assert (line, code) in {(p.line, p.code) for p in caught.value.problems}


def test_a_syntax_error_says_where_the_unclosed_part_starts():
    with pytest.raises(E.CatalogError) as caught:
        load_catalog_text("catalog: x\nfiscal_year: [1\n", "unclosed.yaml")
    assert "2 行目から始まる部分" in caught.value.problems[0].message


def test_an_unreadable_file_is_reported_not_raised_raw(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("catalog: 評価".encode("cp932"))
    problems = load_problems(path)
    assert [p.code for p in problems] == [E.UNREADABLE]
    assert "UTF-8" in problems[0].message
    missing = load_problems(tmp_path / "nothing.yaml")
    assert [p.code for p in missing] == [E.UNREADABLE]


def test_a_repeated_key_is_reported(tmp_path):
    path = tmp_path / "twice.yaml"
    text = (
        (DATA / "golden.yaml")
        .read_text(encoding="utf-8")
        .replace("revision: 1\n", "revision: 1\nrevision: 2\n", 1)
    )
    path.write_text(text, encoding="utf-8")
    problems = load_problems(path)
    assert any(p.code == E.DUPLICATE_ID and "revision" in p.message for p in problems)


def test_a_broken_shipped_catalog_does_not_hide_the_others(tmp_path):
    from desktop.catalog import registry

    folder = tmp_path / "catalogs" / "municipal"
    folder.mkdir(parents=True)
    (folder / "r8.yaml").write_text(
        (DATA / "golden.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "r9.yaml").write_text("catalog: [broken\n", encoding="utf-8")
    entries = registry.entries(tmp_path / "catalogs")
    assert [e.path.name for e in entries] == ["r8.yaml", "r9.yaml"]
    assert entries[0].catalog is not None and entries[0].error is None
    assert entries[1].catalog is None and entries[1].error.problems[0].code == E.SYNTAX
    assert [c.id for c in registry.catalogs(tmp_path / "catalogs")] == ["test-golden"]
