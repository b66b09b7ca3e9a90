"""Hostile or broken workbooks: each rejected with its message, the database untouched."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import DefusedXmlException

from desktop.workbook import reader
from desktop.workbook.importer import ImportRejected, apply, preview_import
from desktop.workbook.layout import COL, SHEET_MANIFEST
from desktop.workbook.manifest import ManifestRow, write_manifest


@pytest.fixture
def rejected(filled, wb):
    """Import ``path``; assert it is refused with every fragment and the DB is byte-identical."""

    def check(path: Path, *fragments: str, sheet: str | None = None, row: int | None = None):
        before = wb.digest(filled.store.path)
        preview = preview_import(filled, path)
        assert preview.errors, "expected the workbook to be rejected"
        text = "\n".join(str(problem) for problem in preview.errors)
        for fragment in fragments:
            assert fragment in text, text
        if sheet is not None:
            assert any(
                p.sheet == sheet and (row is None or p.row == row) for p in preview.errors
            ), text
        assert preview.changes == [] and preview.conflicts == []
        with pytest.raises(ImportRejected):
            apply(preview, {})
        assert wb.digest(filled.store.path) == before
        return preview

    return check


def _resave(path: Path, out: Path, change) -> Path:
    workbook = openpyxl.load_workbook(path)
    change(workbook)
    workbook.save(out)
    return out


def _forge_manifest(path: Path, out: Path, wb, **changes) -> Path:
    """Rewrite the manifest with a valid checksum (what a careful forger would do)."""
    manifest = dataclasses.replace(wb.manifest(path), **changes)
    workbook = openpyxl.load_workbook(path)
    del workbook[SHEET_MANIFEST]
    write_manifest(workbook, manifest)
    workbook.save(out)
    return out


def test_renamed_sheet(exported, tmp_path, rejected):
    def rename(workbook):
        workbook["推進交付金"].title = "推進"

    path = _resave(exported, tmp_path / "renamed.xlsx", rename)
    rejected(
        path, "シート「推進交付金」: シートがありません", "ほかのシート: 推進。", sheet="推進交付金"
    )


def test_inserted_row_moves_the_rows_below(exported, tmp_path, rejected, wb):
    sheet_name, row = wb.row_of(exported, "suishin.I.process.features.b")

    def insert(workbook):
        workbook[sheet_name].insert_rows(row)

    path = _resave(exported, tmp_path / "moved.xlsx", insert)
    preview = rejected(path, "行の内容が出力時と違います", sheet=sheet_name, row=row)
    assert "出力時: 目標Ⅰ・体制・取組指標群・1・イ" in str(preview.errors[0])


def test_swapped_rows(exported, tmp_path, rejected, wb):
    sheet_name, row_a = wb.row_of(exported, "suishin.I.process.features.a")
    _, row_b = wb.row_of(exported, "suishin.I.process.features.b")

    def swap(workbook):
        sheet = workbook[sheet_name]
        for column in range(1, len(COL) + 1):
            a, b = sheet.cell(row=row_a, column=column), sheet.cell(row=row_b, column=column)
            a.value, b.value = b.value, a.value

    path = _resave(exported, tmp_path / "swapped.xlsx", swap)
    preview = rejected(path, "行を移動", sheet=sheet_name)
    assert {p.row for p in preview.errors} == {row_a, row_b}


def test_inserted_column(exported, tmp_path, rejected):
    path = _resave(
        exported, tmp_path / "col.xlsx", lambda workbook: workbook["努力支援交付金"].insert_cols(3)
    )
    rejected(path, "3列目の見出しが出力時と違います", sheet="努力支援交付金", row=3)


def test_formula_in_an_answer_cell(exported, tmp_path, rejected, wb):
    sheet_name, row = wb.row_of(exported, "suishin.I.process.features.c")
    path = wb.edit(
        exported,
        tmp_path / "formula.xlsx",
        {("suishin.I.process.features.c", "回答"): '=IF(TRUE,"該当","非該当")'},
    )
    rejected(path, "回答欄に数式があります", sheet=sheet_name, row=row)


def test_formula_in_a_text_cell(exported, tmp_path, rejected, wb):
    sheet_name, row = wb.row_of(exported, "suishin.I.process.features")
    path = wb.edit(
        exported,
        tmp_path / "f2.xlsx",
        {("suishin.I.process.features", "根拠資料"): '=WEBSERVICE("http://x")'},
    )
    rejected(path, "「根拠資料」に数式があります", sheet=sheet_name, row=row)


def test_wrong_value(exported, tmp_path, rejected, wb):
    sheet_name, row = wb.row_of(exported, "suishin.II.process.optimization-programs.b")
    path = wb.edit(
        exported,
        tmp_path / "wrong.xlsx",
        {("suishin.II.process.optimization-programs.b", "回答"): "イ⑨"},
    )
    rejected(
        path, "「イ⑨」は回答として使えません", "なし・イ①・イ②・イ③", sheet=sheet_name, row=row
    )


def test_external_value_out_of_range(exported, tmp_path, rejected, wb):
    path = wb.edit(
        exported, tmp_path / "ext.xlsx", {("suishin.outcome-frame.efforts.points", "回答"): 101}
    )
    rejected(path, "0〜100", sheet="成果指向配分枠（別枠）")


def test_every_problem_is_reported_at_once(exported, tmp_path, wb, filled):
    path = wb.edit(
        exported,
        tmp_path / "many.xlsx",
        {
            ("suishin.I.process.features.c", "回答"): "はい？",
            ("shien.I.process.data-issues.b", "回答"): "=1",
            ("common.IV.outcome.long-care-level-1-2.tier", "回答"): "オ",
        },
    )
    preview = preview_import(filled, path)
    assert {p.sheet for p in preview.errors} == {
        "推進交付金",
        "努力支援交付金",
        "目標Ⅳ（両交付金共通）",
    }


def test_answer_typed_on_rows_that_take_none(exported, tmp_path, rejected, wb):
    path = wb.edit(
        exported,
        tmp_path / "misplaced.xlsx",
        {
            ("suishin.I.process.features", "回答"): "該当",
            ("suishin.I.process.features.a", "備考"): "小項目の行の備考",
            ("suishin.II.process.optimization-programs.a", "回答"): "該当",
        },
    )
    rejected(
        path,
        "評価指標の行には回答を入力できません",
        "小項目の行には入力できません",
        "ア の回答は ①・②… の行で",
    )


def test_input_below_the_last_row(exported, tmp_path, rejected):
    def add(workbook):
        sheet = workbook["推進交付金"]
        sheet.cell(row=sheet.max_row + 2, column=COL["回答"]).value = "該当"

    path = _resave(exported, tmp_path / "added.xlsx", add)
    rejected(path, "出力時になかった行に入力があります", sheet="推進交付金")


def test_another_catalog_year(r7, tmp_path, filled, rejected):
    from desktop.evaluation.session import create_evaluation
    from desktop.records import Municipality
    from desktop.store import EvaluationFile
    from desktop.workbook.submission import export_submission

    with EvaluationFile.open(tmp_path / "r7.sqlite") as other:
        session = create_evaluation(other, r7, municipality=filled.municipality())
        path = export_submission(session, tmp_path / "r7.xlsx")
    rejected(path, "令和7年度の評価です", "令和8年度")
    assert Municipality  # same municipality: only the year and catalog differ


def test_another_catalog_id(exported, tmp_path, rejected, wb):
    path = _forge_manifest(exported, tmp_path / "cat.xlsx", wb, catalog_id="prefectural-r8")
    rejected(path, "別の評価指標の評価から出力されています")


def test_another_revision_with_an_unknown_id(exported, tmp_path, rejected, wb):
    manifest = wb.manifest(exported)
    rows = list(manifest.rows)
    index = next(i for i, r in enumerate(rows) if r.target == "suishin.I.process.features.a")
    rows[index] = dataclasses.replace(rows[index], target="suishin.I.process.features.zz")
    path = _forge_manifest(
        exported,
        tmp_path / "rev.xlsx",
        wb,
        catalog_revision=2,
        catalog_hash="0" * 64,
        rows=tuple(rows),
    )
    rejected(
        path,
        "この行の小項目は、開いている評価の評価指標にありません",
        sheet="推進交付金",
        row=rows[index].row,
    )


def test_another_revision_whose_ids_all_exist_is_accepted_with_a_warning(
    exported, tmp_path, wb, filled
):
    path = _forge_manifest(
        exported, tmp_path / "rev2.xlsx", wb, catalog_revision=2, catalog_hash="f" * 64
    )
    preview = preview_import(filled, path)
    assert preview.ok
    assert "評価指標が更新される前" in preview.warnings[0]


def test_another_municipality(exported, tmp_path, rejected, wb):
    path = _forge_manifest(exported, tmp_path / "muni.xlsx", wb, municipality="会津若松市")
    rejected(path, "会津若松市 の評価から出力されています")


def test_another_evaluation_file(exported, tmp_path, rejected, wb):
    path = _forge_manifest(
        exported, tmp_path / "eval.xlsx", wb, evaluation_created_at="2020-01-01T00:00:00+09:00"
    )
    rejected(path, "別の評価ファイル")


def test_tampered_manifest(exported, tmp_path, rejected):
    def tamper(workbook):
        sheet = workbook[SHEET_MANIFEST]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "suishin.I.process.features.a":
                    cell.value = "suishin.I.process.features.b"
                    return

    path = _resave(exported, tmp_path / "tampered.xlsx", tamper)
    rejected(path, "改変されています", sheet=SHEET_MANIFEST)


def test_missing_manifest(exported, tmp_path, rejected):
    def drop(workbook):
        del workbook[SHEET_MANIFEST]

    path = _resave(exported, tmp_path / "nomanifest.xlsx", drop)
    rejected(path, "「取込用情報」シートがありません")


def test_truncated_zip(exported, tmp_path, rejected):
    data = exported.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    rejected(path, "破損しています")


def test_corrupted_part(exported, tmp_path, rejected):
    data = bytearray(exported.read_bytes())
    with zipfile.ZipFile(exported) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    # Flip bytes inside the compressed data of one part: its CRC no longer matches.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 20
    for offset in range(start, start + 8):
        data[offset] ^= 0xFF
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    rejected(path, "破損")


def test_not_an_xlsx(tmp_path, rejected):
    path = tmp_path / "text.xlsx"
    path.write_text("目標,指標群\n", encoding="utf-8")
    rejected(path, "Excel ブック（.xlsx）ではありません")


def test_encrypted_workbook(tmp_path, rejected):
    # An encrypted xlsx is an OLE compound file holding EncryptionInfo and EncryptedPackage.
    path = tmp_path / "encrypted.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 512
    )
    rejected(path, "パスワードで暗号化されています")


def test_old_xls(tmp_path, rejected):
    path = tmp_path / "old.xls"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024 + "Workbook".encode("utf-16-le")
    )
    rejected(path, "古い形式（.xls）")


def test_over_the_size_limit(exported, monkeypatch, rejected):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", exported.stat().st_size - 1)
    rejected(exported, "取り込める上限")


def test_zip_bomb(tmp_path, rejected):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b"\0" * (1024 * 1024)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            for _ in range(reader.MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
                stream.write(chunk)
    assert path.stat().st_size < reader.MAX_FILE_BYTES  # small on disk, huge unpacked
    rejected(path, "圧縮爆弾")


LAUGHS = (
    '<!DOCTYPE sst [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)


def _with_entity_payload(exported: Path, out: Path) -> Path:
    """The exported workbook with a billion-laughs DTD in the 推進交付金 sheet's XML."""
    part = "xl/worksheets/sheet2.xml"
    with (
        zipfile.ZipFile(exported) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                text = data.decode("utf-8")
                declaration = re.match(r"<\?xml[^>]*\?>", text)
                at = declaration.end() if declaration else 0
                text = text[:at] + LAUGHS.replace("sst", "worksheet") + text[at:]
                text = text.replace("<t>目標Ⅰ</t>", "<t>&lol4;</t>", 1)
                assert "&lol4;" in text
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out


def test_entity_expansion_payload(exported, tmp_path, rejected):
    path = _with_entity_payload(exported, tmp_path / "laughs.xlsx")
    rejected(path, "実体宣言", "xl/worksheets/sheet2.xml")


def test_openpyxl_parses_through_defusedxml(exported, tmp_path, monkeypatch, filled, wb):
    """The second line of defence: without our own scan, defusedxml still refuses it."""
    path = _with_entity_payload(exported, tmp_path / "laughs2.xlsx")
    assert openpyxl.DEFUSEDXML is True
    with pytest.raises(ValueError) as raised:  # openpyxl wraps the parser's refusal
        openpyxl.load_workbook(path)
    assert isinstance(raised.value.__cause__, DefusedXmlException)
    monkeypatch.setattr(reader, "_FORBIDDEN_MARKUP", ())
    before = wb.digest(filled.store.path)
    preview = preview_import(filled, path)
    assert "実体宣言" in str(preview.errors[0])
    assert wb.digest(filled.store.path) == before


def test_manifest_row_identity_is_by_visible_cells(exported, wb):
    """A sanity check of the fixture helpers the hostile tests rely on."""
    manifest = wb.manifest(exported)
    row = next(r for r in manifest.rows if r.target == "suishin.I.process.features.b")
    assert isinstance(row, ManifestRow)
    assert row.key() == ("目標Ⅰ", "体制・取組指標群", "1", "イ")


def _retarget(exported: Path, out: Path, wb, which: str, **changes) -> tuple[Path, ManifestRow]:
    """A forged manifest (fresh checksum) whose row of ``which`` now names another id."""
    manifest = wb.manifest(exported)
    rows = list(manifest.rows)
    index = next(i for i, r in enumerate(rows) if r.target == which)
    rows[index] = dataclasses.replace(rows[index], **changes)
    return _forge_manifest(exported, out, wb, rows=tuple(rows)), rows[index]


@pytest.mark.parametrize(
    ("target", "column", "value", "other"),
    [
        # the row shows 目標Ⅰ 1-イ; the forged manifest sends its answer to 1-ウ
        ("suishin.I.process.features.b", "回答", "該当", "suishin.I.process.features.c"),
        # …or to a sub-item of another indicator on another sheet
        ("suishin.I.process.features.b", "回答", "該当", "shien.I.process.data-issues.b"),
        # an indicator row's notes sent to another indicator
        ("suishin.I.process.features", "備考", "備考", "shien.I.process.data-issues"),
    ],
)
def test_a_forged_manifest_cannot_retarget_a_row(
    exported, tmp_path, rejected, wb, target, column, value, other
):
    edited = wb.edit(exported, tmp_path / "typed.xlsx", {(target, column): value})
    path, row = _retarget(edited, tmp_path / "forged.xlsx", wb, target, target=other)
    preview = rejected(path, "別の項目に結び付けています", sheet=row.sheet, row=row.row)
    assert f"シート「{row.sheet}」{row.row}行目" in str(preview.errors[0])


def test_a_forged_manifest_cannot_point_two_rows_at_one_id(exported, tmp_path, rejected, wb):
    """Both rows claim to be 1-ア, and row 1-イ's cells are forged to say ア as well."""
    sheet, row_b = wb.row_of(exported, "suishin.I.process.features.b")
    manifest = wb.manifest(exported)
    row_a = next(r for r in manifest.rows if r.target == "suishin.I.process.features.a")

    def relabel(workbook):
        workbook[sheet].cell(row=row_b, column=COL["小項目"]).value = row_a.label

    relabelled = _resave(exported, tmp_path / "relabel.xlsx", relabel)
    path, _ = _retarget(
        relabelled,
        tmp_path / "dup.xlsx",
        wb,
        "suishin.I.process.features.b",
        target=row_a.target,
        label=row_a.label,
    )
    rejected(path, "別の項目に結び付けています", sheet=sheet, row=row_b)


def test_a_forged_row_kind_is_refused(exported, tmp_path, rejected, wb):
    path, row = _retarget(
        exported, tmp_path / "kind.xlsx", wb, "suishin.I.process.features.b", kind="part"
    )
    rejected(path, sheet=row.sheet, row=row.row)
