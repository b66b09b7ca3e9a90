"""hyoka-desk wording export / import / paste, and the wording in show --json."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

from desktop.cli import main
from desktop.wording.packs import HEADER_ROW, PACK_SHEET, TEXT_COLUMN

PROGRESS = "suishin.I.process.plan-progress"
SHARING = "suishin.I.process.results-sharing"


@pytest.fixture
def cli_db(session_r8):
    path = session_r8.store.path
    session_r8.store.close()
    return path


@pytest.fixture(autouse=True)
def no_shared_packs(tmp_path, monkeypatch):
    """Shared pack folders of the machine running the tests must not leak in."""
    from desktop.wording import packs

    monkeypatch.setattr(packs, "pack_folders", lambda: [tmp_path / "shared-wording"])


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def show_items(capsys, db) -> dict[str, dict]:
    code, out, _ = run(capsys, "show", "--db", db, "--json")
    assert code == 0
    items = {}

    def walk(node):
        if node["level"] == "item":
            items[node["id"]] = node
        for child in node.get("children", []):
            walk(child)

    walk(json.loads(out))
    return items


def pack_rows(path) -> dict[str, int]:
    sheet = openpyxl.load_workbook(path)[PACK_SHEET]
    return {
        sheet.cell(row=row, column=1).value: row
        for row in range(HEADER_ROW + 1, sheet.max_row + 1)
        if sheet.cell(row=row, column=1).value
    }


def test_export_lists_every_sub_item_with_where_it_sits_and_its_text(cli_db, tmp_path, capsys, r8):
    out = tmp_path / "文言集.xlsx"
    code, stdout, _ = run(capsys, "wording", "export", "--db", cli_db, "--year", "R8", "--out", out)
    assert code == 0 and "文言集" in stdout
    sheet = openpyxl.load_workbook(out)[PACK_SHEET]
    rows = pack_rows(out)
    expected = {i.id for i in r8.all_items()} | {p.id for i in r8.all_items() for p in i.parts}
    assert set(rows) == expected
    row = rows[f"{SHARING}.a"]
    values = [sheet.cell(row=row, column=c).value for c in range(1, 12)]
    assert values[1:8] == ["推進交付金", "目標Ⅰ", "体制・取組指標群", "4", r8.indicator(SHARING).title, "ア", 4]
    assert values[8] == r8.item(f"{SHARING}.a").wording and values[9] == "公式"
    hint_row = rows[f"{PROGRESS}.b"]
    assert sheet.cell(row=hint_row, column=TEXT_COLUMN).value is None  # a hint is never official
    assert sheet.cell(row=hint_row, column=TEXT_COLUMN + 2).value.startswith("〔参考〕")
    assert all(
        sheet.cell(row=r, column=c).data_type == "s"
        for r in rows.values()
        for c in (1, 6, TEXT_COLUMN)
        if sheet.cell(row=r, column=c).value
    )


def test_a_filled_pack_is_previewed_then_imported_all_at_once(cli_db, tmp_path, capsys):
    out = tmp_path / "文言集.xlsx"
    run(capsys, "wording", "export", "--db", cli_db, "--out", out)
    book = openpyxl.load_workbook(out)
    sheet = book[PACK_SHEET]
    rows = pack_rows(out)
    sheet.cell(row=rows[f"{PROGRESS}.a"], column=TEXT_COLUMN, value="県が配った公式文言ア")
    sheet.cell(row=rows[f"{PROGRESS}.b"], column=TEXT_COLUMN, value="県が配った公式文言イ")
    book.save(out)

    code, stdout, _ = run(capsys, "wording", "import", "--db", cli_db, out, "--dry-run")
    assert code == 0 and "追加・変更 2件" in stdout and "県が配った公式文言ア" in stdout
    assert "suishin." not in stdout  # sub-items are named, not given by id
    assert show_items(capsys, cli_db)[f"{PROGRESS}.a"]["wording"]["source"] is None

    code, stdout, _ = run(capsys, "wording", "import", "--db", cli_db, out, "--yes")
    assert code == 0 and "2件を取り込みました" in stdout
    items = show_items(capsys, cli_db)
    assert items[f"{PROGRESS}.a"]["wording"] == {"text": "県が配った公式文言ア", "source": "pack"}
    assert items[f"{SHARING}.a"]["wording"]["source"] == "official"
    code, stdout, _ = run(capsys, "wording", "import", "--db", cli_db, out, "--yes")
    assert "取り込む変更はありません" in stdout


def test_a_pack_of_another_year_or_with_a_formula_changes_nothing(cli_db, tmp_path, capsys):
    out = tmp_path / "文言集.xlsx"
    run(capsys, "wording", "export", "--db", cli_db, "--out", out)
    book = openpyxl.load_workbook(out)
    rows = pack_rows(out)
    book[PACK_SHEET].cell(row=rows[f"{PROGRESS}.a"], column=TEXT_COLUMN, value="=1+1")
    book.save(out)
    code, _, err = run(capsys, "wording", "import", "--db", cli_db, out, "--yes")
    assert code != 0 and "数式" in err and "何も変更していません" in err

    book = openpyxl.load_workbook(out)
    book[PACK_SHEET].cell(row=rows[f"{PROGRESS}.a"], column=TEXT_COLUMN, value="文")
    info = book["文言集の情報"]
    for row in range(1, 5):
        if info.cell(row=row, column=1).value == "fiscal_year":
            info.cell(row=row, column=2, value="2025")
    book.save(out)
    code, _, err = run(capsys, "wording", "import", "--db", cli_db, out, "--yes")
    assert code != 0 and "令和7年度の文言集" in err
    assert show_items(capsys, cli_db)[f"{PROGRESS}.a"]["wording"]["source"] is None


def test_paste_one_indicator_from_a_text_file(cli_db, tmp_path, capsys, r8):
    source = tmp_path / "指標2.txt"
    source.write_text(
        f"2 {r8.indicator(PROGRESS).title}\nア　計画値と実績値を把握し\nている\n- 3 -\nイ．乖離を外部と検証\n",
        encoding="cp932",
    )
    args = ("wording", "paste", "--db", cli_db, "--indicator", PROGRESS, source)
    code, stdout, _ = run(capsys, *args, "--dry-run")
    assert code == 0 and "ア: 計画値と実績値を把握している" in stdout and "文のない小項目: ウ・エ" in stdout
    assert "除いた行（ページ番号・見出しなど）: ページ番号 1件" in stdout
    code, stdout, _ = run(capsys, *args, "--yes")
    assert code == 0 and "2件を保存しました" in stdout
    items = show_items(capsys, cli_db)
    assert items[f"{PROGRESS}.a"]["wording"] == {"text": "計画値と実績値を把握している", "source": "pasted"}
    assert items[f"{PROGRESS}.c"]["wording"]["source"] is None


def test_paste_the_whole_document_and_unknown_indicator(cli_db, tmp_path, capsys, r8):
    source = tmp_path / "全体.txt"
    source.write_text(
        f"1 {r8.indicator('suishin.I.process.features').title}\nア 特徴を把握\n"
        "令和８年度 評価指標（市町村分）\n"
        f"2 {r8.indicator(PROGRESS).title}\nエ 公表している\n",
        encoding="utf-8",
    )
    code, stdout, _ = run(capsys, "wording", "paste", "--db", cli_db, source, "--yes")
    assert code == 0 and "2件を保存しました" in stdout
    assert "資料に見つからなかった評価指標" in stdout
    assert "除いた行（ページ番号・見出しなど）: 「令和８年度 評価指標（市町村分）」" in stdout
    assert "特徴を把握令和" not in stdout
    code, _, err = run(capsys, "wording", "paste", "--db", cli_db, "--indicator", "x.y", source)
    assert code != 0 and "x.y" in err


def test_show_json_wording_never_carries_provenance(cli_db, capsys, r8):
    items = show_items(capsys, cli_db)
    provenance = {i.id: i.provenance for i in r8.all_items() if i.provenance}
    provenance.update({i.id: i.provenance for i in r8.all_indicators() if i.provenance})
    assert provenance
    for node in items.values():
        assert set(node["wording"]) == {"text", "source"}
        assert node["wording"]["source"] in {"official", "pasted", "pack", "own", "hint", None}
        for field in (node["title"], node["wording"]["text"] or ""):
            assert not re.search(r"https?://|INFERRED|二次資料|shared/", field)
            assert all(p not in field for p in provenance.values())
    assert items[f"{PROGRESS}.b"]["wording"]["source"] == "hint"


def test_a_pack_in_the_shared_folder_shows_in_every_evaluation_of_its_year(
    cli_db, tmp_path, capsys
):
    folder = tmp_path / "shared-wording"
    folder.mkdir()
    out = folder / "県の文言集.xlsx"
    run(capsys, "wording", "export", "--db", cli_db, "--out", out)
    book = openpyxl.load_workbook(out)
    book[PACK_SHEET].cell(row=pack_rows(out)[f"{PROGRESS}.c"], column=TEXT_COLUMN, value="共有の文")
    book.save(out)
    (folder / "壊れた.xlsx").write_bytes(b"not a workbook")  # skipped, never stops anyone
    items = show_items(capsys, cli_db)
    assert items[f"{PROGRESS}.c"]["wording"] == {"text": "共有の文", "source": "pack"}
