"""What users read carries no maintainer notes: notes for users, provenance for maintainers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from desktop.catalog import errors as E
from desktop.catalog import registry
from desktop.catalog.loader import load_catalog_text
from desktop.catalog.user_text import NOTE_DOUBT_WORDS, maintainer_text_problems

GOLDEN = (Path(__file__).parent / "data" / "golden.yaml").read_text(encoding="utf-8")
ANCHOR = "              - id: checks\n"


def with_indicator_lines(*lines: str) -> str:
    """The golden catalog with extra keys on its first indicator."""
    assert ANCHOR in GOLDEN
    extra = "".join(f"                {line}\n" for line in lines)
    return GOLDEN.replace(ANCHOR, ANCHOR + extra, 1)


def problems_of(text: str) -> list[E.CatalogProblem]:
    with pytest.raises(E.CatalogError) as caught:
        load_catalog_text(text, "note.yaml")
    return caught.value.problems


@pytest.mark.parametrize(
    ("note", "says"),
    [
        ("詳しくは https://www.mhlw.go.jp/ を参照。", "URL"),
        ("該当率から推定（INFERRED from rates）。", "英語"),
        ("shared/research/indicators-r6-r8.json で確認。", "ファイルの場所"),
        ("内容は二次資料の要約で未確認。", "確かさ"),
    ],
)
def test_a_user_note_with_maintainer_text_is_rejected_with_its_line(note, says):
    text = with_indicator_lines(f"note: {json.dumps(note, ensure_ascii=False)}")
    problems = problems_of(text)
    assert [p.code for p in problems] == [E.MAINTAINER_TEXT]
    line = text.splitlines().index(f"                note: {json.dumps(note, ensure_ascii=False)}")
    assert problems[0].line == line + 1
    assert says in problems[0].message
    assert "provenance" in problems[0].message


def test_the_same_text_is_fine_as_provenance_and_never_becomes_the_note():
    text = with_indicator_lines(
        'note: "ア〜エはそれぞれ独立に加点されます。"',
        'provenance: "INFERRED from rates; shared/research/x.json 二次資料"',
    )
    catalog = load_catalog_text(text, "ok.yaml")
    indicator = next(catalog.all_indicators())
    assert indicator.note == "ア〜エはそれぞれ独立に加点されます。"
    assert indicator.provenance.startswith("INFERRED")


def test_older_files_notes_are_read_as_provenance_not_shown_to_users():
    """Evaluation files keep a copy of the catalog they began with, written with ``notes``."""
    catalog = load_catalog_text(with_indicator_lines('notes: "ラベル対応は不明（二次資料）"'))
    indicator = next(catalog.all_indicators())
    assert indicator.note is None
    assert indicator.provenance == "ラベル対応は不明（二次資料）"


def test_official_abbreviations_and_fractions_are_allowed():
    assert maintainer_text_problems("PFS(成果連動型民間委託契約方式)による委託事業数") == []
    assert maintainer_text_problems("ICT を活用し、1/2以上で該当") == []
    assert maintainer_text_problems("see the notes") != []


def _user_texts(catalog):
    for indicator in catalog.all_indicators():
        yield indicator.id, indicator.title
        if indicator.note:
            yield indicator.id, indicator.note
        for item in indicator.items:
            for text in (item.note, item.hint, item.wording):
                if text:
                    yield item.id, text
            for option in item.options:
                if option.note:
                    yield item.id, option.note
            for part in item.parts:
                for text in (part.hint, part.wording):
                    if text:
                        yield part.id, text


@pytest.mark.parametrize("catalog_id", ["municipal-r6", "municipal-r7", "municipal-r8"])
def test_shipped_catalogs_show_users_no_doubts_urls_english_or_paths(catalog_id):
    catalog = registry.find(catalog_id)
    doubts = re.compile("|".join([*NOTE_DOUBT_WORDS, "別文書", "ラベル対応"]))
    for target, text in _user_texts(catalog):
        assert maintainer_text_problems(text) == [], (target, text)
        assert not doubts.search(text), (target, text)
    # What was in the old mixed notes is kept for maintainers.
    assert sum(1 for i in catalog.all_indicators() if i.provenance) > 30


def test_r8_ships_the_official_wording_found_with_its_source():
    catalog = registry.find("municipal-r8")
    sharing = catalog.indicator("suishin.I.process.results-sharing")
    assert [item.wording for item in sharing.items] == [
        "年に１回以上、評価結果を庁内の関係者間で説明・共有する場がある",
        "アの場には、庁内のみならず、外部の関係者が参画している",
        "アの場における意見を、施策の改善・見直し等に活用している",
        "市町村において全ての評価結果を公表している",
    ]
    official = [item for item in catalog.all_items() if item.wording]
    assert len(official) == 7
    for item in official:
        assert "令和8年度 評価指標（市町村分）" in item.wording_source
        assert "kind=official" in item.provenance


def test_secondary_summaries_are_never_copied_as_hints():
    """Third-party summaries may inform a hint in our own words, never be the hint."""
    found = [
        folder / "shared" / "research" / "wording-r8.json"
        for folder in Path(__file__).resolve().parents
        if (folder / "shared" / "research" / "wording-r8.json").exists()
    ]
    if not found:
        pytest.skip("the research folder is not beside the repository")
    records = json.loads(found[0].read_text(encoding="utf-8"))["records"]
    summaries = {r["text"] for r in records if r["kind"] == "secondary-summary"}
    catalog = registry.find("municipal-r8")
    copied = [t for _target, t in _user_texts(catalog) if t in summaries]
    assert copied == []


def test_users_never_see_the_catalog_id_or_revision():
    catalog = registry.find("municipal-r8")
    name = catalog.display_name()
    assert catalog.id not in name and "版" not in name.replace("暫定版", "").replace("確定版", "")
    assert name.startswith("令和8年度 市町村分")
