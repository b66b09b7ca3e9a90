"""Open a workbook someone sent back, defensively, before reading a single cell.

Checks, in order, each with a Japanese message and without touching anything else:
the file's size; that it is an xlsx (a zip) and not an encrypted or old-format
Office file (both are OLE compound files); the zip's entry count and total
uncompressed size (zip bombs); every XML part readable (CRC) and free of DTDs and
entity declarations, which OOXML never uses (entity-expansion "billion laughs");
the number of XML tags in all parts together (a small file of millions of tiny
cells). openpyxl then parses through defusedxml, which refuses entities as a second
line, in read-only mode, and only the sheets asked for are read, within a cell budget.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import TreeBuilder
from xml.parsers.expat import ParserCreate

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.xml.constants import SHEET_MAIN_NS

from desktop.windows_files import error_is_held_open, held_open_message, name_problem

MAX_FILE_BYTES = 20 * 1024 * 1024  # a filled-in workbook is ~100 KB
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
# Tags in all XML parts together. An exported workbook has about 25,000. openpyxl
# parses some parts whole (shared strings, styles) and scans each sheet up to its
# size record (all of it when the record is missing), so this bounds the time and
# memory of everything before the cells (benchmarks: hostile_workbook).
MAX_MARKUP = 200_000
# Cells read from the sheets an import names (an export's answer sheets and manifest
# have about 15,000 together).
MAX_CELLS = 100_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_FORBIDDEN_MARKUP = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 64 * 1024


class WorkbookReadError(Exception):
    """The file cannot be read as a workbook; the message says why (Japanese)."""


@dataclass(frozen=True)
class CellValue:
    value: object
    data_type: str  # openpyxl's: "s" text, "n" number, "f" formula, "b" bool, "e" error, "d" date

    @property
    def is_formula(self) -> bool:
        # Read with data_only=False a formula keeps its "=…" text and type "f". Text that
        # merely starts with "=" (a literal memo we exported) is type "s" and is not one.
        return self.data_type == "f"


@dataclass
class LoadedWorkbook:
    """The non-empty cells of the sheets an import reads, read once."""

    path: Path
    sheet_names: list[str]
    cells: dict[str, dict[tuple[int, int], CellValue]] = field(default_factory=dict)

    def sheet(self, name: str) -> dict[tuple[int, int], CellValue]:
        return self.cells.get(name, {})


class OpenWorkbook:
    """A checked workbook whose sheets are read one at a time, on demand, within a budget.

    Only the sheets asked for are parsed, streamed row by row; every cell counts
    against :data:`MAX_CELLS` for the whole workbook, so a sheet padded with millions
    of tiny cells is refused after the budget, not read to its end.
    """

    def __init__(self, path: Path, workbook):
        self.path = path
        self._workbook = workbook
        self.sheet_names: list[str] = list(workbook.sheetnames)
        self._cells_left = MAX_CELLS

    def read(self, name: str, *, max_column: int) -> dict[tuple[int, int], CellValue]:
        """The non-empty cells of sheet ``name`` in columns 1…``max_column``."""
        try:
            return self._read(name, max_column)
        except WorkbookReadError:
            raise
        except Exception as exc:  # openpyxl raises many kinds for broken parts
            raise _parse_error(self.path.name, exc) from None

    def _read(self, name: str, max_column: int) -> dict[tuple[int, int], CellValue]:
        sheet = self._workbook[name]
        workbook = self._workbook
        # openpyxl converts each cell (shared strings, dates, formulas) as it always does;
        # the sheet itself is streamed here through expat, because openpyxl's own
        # iteration keeps one of two writes of a cell silently and parses in Python.
        cells_parser = WorkSheetParser(
            None,
            sheet._shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        cells: dict[tuple[int, int], CellValue | None] = {}
        cell_builder: TreeBuilder | None = None

        def start(tag: str, attributes: dict[str, str]) -> None:
            nonlocal cell_builder
            tag = "{" + tag if "}" in tag else tag
            if cell_builder is not None:
                cell_builder.start(tag, attributes)
            elif tag == _CELL_TAG:
                self._spend(name)
                cell_builder = TreeBuilder()
                cell_builder.start(tag, attributes)
            elif tag == _ROW_TAG:
                self._spend(name)
                number = attributes.get("r")
                cells_parser.row_counter = (
                    int(number) if number is not None else cells_parser.row_counter + 1
                )
                cells_parser.col_counter = 0

        def end(tag: str) -> None:
            nonlocal cell_builder
            if cell_builder is None:
                return
            tag = "{" + tag if "}" in tag else tag
            cell_builder.end(tag)
            if tag != _CELL_TAG:
                return
            raw = cells_parser.parse_cell(cell_builder.close())
            cell_builder = None
            key = (raw["row"], raw["column"])
            if key in cells:
                raise WorkbookReadError(_written_twice(self.path.name, name, key))
            keep = raw["column"] <= max_column and raw["value"] is not None
            cells[key] = _cell_value(raw["value"], raw["data_type"]) if keep else None

        def text(data: str) -> None:
            if cell_builder is not None:
                cell_builder.data(data)

        def refuse_dtd(*_args) -> None:  # a second line behind check_container's scan
            raise WorkbookReadError(_entity_message(self.path.name, sheet._worksheet_path))

        expat = ParserCreate(namespace_separator="}")
        expat.buffer_text = True
        expat.StartElementHandler = start
        expat.EndElementHandler = end
        expat.CharacterDataHandler = text
        expat.StartDoctypeDeclHandler = refuse_dtd
        expat.EntityDeclHandler = refuse_dtd
        with sheet._get_source() as source:
            expat.ParseFile(source)
        return {key: cell for key, cell in cells.items() if cell is not None}

    def _spend(self, sheet: str) -> None:
        self._cells_left -= 1
        if self._cells_left < 0:
            raise WorkbookReadError(_too_many_cells(self.path.name, sheet))

    def close(self) -> None:
        self._workbook.close()


_CELL_TAG = f"{{{SHEET_MAIN_NS}}}c"
_ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"


@contextmanager
def open_workbook(path: str | Path) -> Iterator[OpenWorkbook]:
    """Check the file (:func:`check_container`) and open it for :meth:`OpenWorkbook.read`."""
    path = Path(path)
    check_container(path)
    if not openpyxl.DEFUSEDXML:
        # Without defusedxml openpyxl would parse with the standard library alone.
        raise WorkbookReadError(
            "安全に読み込むための部品（defusedxml）が見つかりません。アプリを入れ直してください。"
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:
        raise _parse_error(path.name, exc) from None
    book = OpenWorkbook(path, workbook)
    try:
        yield book
    finally:
        book.close()


def _cell_value(value: object, data_type: str) -> CellValue:
    if isinstance(value, ArrayFormula | DataTableFormula):
        # An array formula ({=…}, Ctrl+Shift+Enter) or a what-if table: a formula all the same.
        return CellValue(getattr(value, "text", None) or ARRAY_FORMULA_TEXT, "f")
    return CellValue(value, data_type)


ARRAY_FORMULA_TEXT = "配列数式"


def _too_many_cells(name: str, sheet: str) -> str:
    return (
        f"{name} のシート「{sheet}」まででセルが {MAX_CELLS:,} 個を超えました。"
        "このアプリで出力したブックにしては多すぎるため、取り込みません。"
        "大きな表を貼り付けていないか確かめてください。"
    )


def _written_twice(name: str, sheet: str, key: tuple[int, int]) -> str:
    where = f"{get_column_letter(key[1])}{key[0]}"
    return (
        f"{name} のシート「{sheet}」のセル {where} が二重に書かれています。"
        "どちらの値が正しいか分からないため取り込みません（Excel 以外のソフトで作られたか、改変されたファイルです）。"
    )


def _parse_error(name: str, exc: BaseException) -> WorkbookReadError:
    # openpyxl wraps parser errors in ValueError("Unable to read workbook…") from the cause.
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return WorkbookReadError(_entity_message(name))
        cause = cause.__cause__ or cause.__context__
    return WorkbookReadError(
        f"{name} は破損しているため読めません（{type(exc).__name__}）。"
        "Excel で開けるか確かめ、保存し直してから取り込んでください。"
    )


def check_container(path: Path) -> None:
    """Everything that can be checked about the file before parsing any XML."""
    name = path.name
    if problem := name_problem(path):  # Windows: opening AUX.xlsx would wait on a device
        raise WorkbookReadError(problem)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise WorkbookReadError(f"{path} がありません。") from None
    except OSError as exc:
        if error_is_held_open(exc, path):  # Windows: a program that shares nothing has it
            raise WorkbookReadError(held_open_message(path)) from None
        raise WorkbookReadError(f"{path} を読めません（{exc.strerror}）。") from None
    if size > MAX_FILE_BYTES:
        raise WorkbookReadError(
            f"{name} は {size / 1024 / 1024:.1f} MB あり、取り込める上限"
            f"（{MAX_FILE_BYTES // 1024 // 1024} MB）を超えています。このアプリで出力したブックか確かめてください。"
        )
    if head.startswith(_OLE_MAGIC):
        if _is_encrypted(path):
            raise WorkbookReadError(
                f"{name} はパスワードで暗号化されています。Excel でパスワードを解除して保存し直してから取り込んでください。"
            )
        raise WorkbookReadError(
            f"{name} は古い形式（.xls）のファイルです。Excel で「Excel ブック（*.xlsx）」として保存し直してから取り込んでください。"
        )
    if not head.startswith(_ZIP_MAGIC):
        raise WorkbookReadError(f"{name} は Excel ブック（.xlsx）ではありません。")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(name, archive)
    except (zipfile.BadZipFile, zlib.error):
        raise WorkbookReadError(
            f"{name} は破損しています（途中で切れているか、圧縮データが壊れています）。送り直してもらってください。"
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, ValueError):
        raise WorkbookReadError(f"{name} は破損しているか、読めない圧縮形式です。") from None


def _check_archive(name: str, archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise WorkbookReadError(
            f"{name} は部品の数が多すぎます（{len(entries)} 個）。取り込めません。"
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookReadError(
            f"{name} は展開すると {total // 1024 // 1024} MB になり、上限"
            f"（{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB）を超えます（圧縮爆弾の疑い）。取り込めません。"
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookReadError(f"{name} は Excel ブック（.xlsx）の構成になっていません。")
    markup_left = MAX_MARKUP
    for entry in entries:
        if entry.filename.lower().endswith(_XML_SUFFIXES):
            markup_left = _check_xml_part(name, archive, entry, markup_left)


def _check_xml_part(
    name: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, markup_left: int
) -> int:
    """Read the part through (its CRC is checked at the end) looking for DTD markup.

    Counts its tags against what is left of :data:`MAX_MARKUP` and stops as soon as
    the budget is spent (a small file can unpack to millions of tiny cells).
    """
    tail = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _FORBIDDEN_MARKUP):
                raise WorkbookReadError(_entity_message(name, entry.filename))
            markup_left -= chunk.count(b"<")
            if markup_left < 0:
                raise WorkbookReadError(
                    f"{name} は中身（セルや書式など）が多すぎます"
                    f"（{entry.filename} までで XML の要素が {MAX_MARKUP:,} 個を超えました）。"
                    "このアプリで出力したブックにしては多すぎるため、取り込みません。"
                    "大きな表を貼り付けていないか確かめてください。"
                )
            tail = window[-16:]
    return markup_left


def _entity_message(name: str, part: str | None = None) -> str:
    where = f"（{part}）" if part else ""
    return (
        f"{name} の中に XML の実体宣言（DOCTYPE/ENTITY）があります{where}。"
        "Excel が作るブックには含まれないもので、XML 爆弾の可能性があるため取り込みません。"
    )


def _is_encrypted(path: Path) -> bool:
    """An encrypted OOXML file is an OLE container with an EncryptionInfo stream."""
    marker = "EncryptionInfo".encode("utf-16-le")
    try:
        with path.open("rb") as handle:
            return marker in handle.read(MAX_FILE_BYTES)
    except OSError:
        return False
