"""Open a workbook someone sent back, defensively, before reading a single cell.

Checks, in order, each with a Japanese message and without touching anything else:
the file's size; that it is an xlsx (a zip) and not an encrypted or old-format
Office file (both are OLE compound files); the zip's entry count and total
uncompressed size (zip bombs); every XML part readable (CRC) and free of DTDs and
entity declarations, which OOXML never uses (entity-expansion "billion laughs").
openpyxl then parses through defusedxml, which refuses entities as a second line.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from defusedxml import DefusedXmlException

from desktop.windows_files import error_is_held_open, held_open_message, name_problem

MAX_FILE_BYTES = 20 * 1024 * 1024  # a filled-in workbook is ~100 KB
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
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
    """The non-empty cells of every sheet (hidden ones too), read once."""

    path: Path
    sheet_names: list[str]
    cells: dict[str, dict[tuple[int, int], CellValue]] = field(default_factory=dict)

    def sheet(self, name: str) -> dict[tuple[int, int], CellValue]:
        return self.cells.get(name, {})


def load(path: str | Path) -> LoadedWorkbook:
    path = Path(path)
    check_container(path)
    if not openpyxl.DEFUSEDXML:
        # Without defusedxml openpyxl would parse with the standard library alone.
        raise WorkbookReadError(
            "安全に読み込むための部品（defusedxml）が見つかりません。アプリを入れ直してください。"
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for broken parts
        raise _parse_error(path.name, exc) from None
    try:
        loaded = LoadedWorkbook(path, list(workbook.sheetnames))
        for sheet in workbook.worksheets:
            loaded.cells[sheet.title] = _read_cells(sheet)
        return loaded
    except Exception as exc:
        raise _parse_error(path.name, exc) from None
    finally:
        workbook.close()


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


def _read_cells(sheet) -> dict[tuple[int, int], CellValue]:
    # LibreOffice and others may write a wrong <dimension>: read every row present.
    sheet.reset_dimensions()
    cells = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None or not hasattr(cell, "row"):
                continue
            cells[(cell.row, cell.column)] = CellValue(cell.value, cell.data_type)
    return cells


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
    for entry in entries:
        if entry.filename.lower().endswith(_XML_SUFFIXES):
            _check_xml_part(name, archive, entry)


def _check_xml_part(name: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Read the part through (its CRC is checked at the end) looking for DTD markup."""
    tail = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _FORBIDDEN_MARKUP):
                raise WorkbookReadError(_entity_message(name, entry.filename))
            tail = window[-16:]


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
