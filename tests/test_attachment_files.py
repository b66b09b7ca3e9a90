"""Attachment names from an evaluation file are untrusted (issue 11, item 2)."""

from __future__ import annotations

import os
import stat

import pytest

from desktop.attachment_files import is_program_file, private_folder, safe_file_name


@pytest.mark.parametrize(
    ("stored", "safe"),
    [
        ("会議録.pdf", "会議録.pdf"),
        ("../../スタートアップ/x.pdf", "x.pdf"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\Public\\evil.pdf", "evil.pdf"),
        ("C:evil.pdf", "C_evil.pdf"),
        ("..", "添付資料"),
        (".", "添付資料"),
        ("", "添付資料"),
        (None, "添付資料"),
        ("  . . ", "添付資料"),
        ("a\x00b\x1fc\x7f.pdf", "abc.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),  # a right-to-left mark hides ".exe"
        ("x.pdf. . ", "x.pdf"),
        ('a<b>c:d"e|f?g*.txt', "a_b_c_d_e_f_g_.txt"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Com1.docx", "_Com1.docx"),
        ("LPT9", "_LPT9"),
        ("console.txt", "console.txt"),
    ],
)
def test_only_a_safe_base_name_is_kept(stored, safe):
    assert safe_file_name(stored) == safe


def test_a_very_long_name_keeps_its_extension():
    name = safe_file_name("あ" * 500 + ".xlsx")
    assert len(name) <= 120 and name.endswith(".xlsx")


@pytest.mark.parametrize(
    "name",
    [
        "x.exe",
        "X.EXE",
        "x.Bat",
        "x.cmd",
        "x.com",
        "x.ps1",
        "x.vbs",
        "x.js",
        "x.jse",
        "x.wsf",
        "x.wsh",
        "x.hta",
        "x.msi",
        "x.msp",
        "x.scr",
        "x.lnk",
        "x.jar",
        "x.reg",
        "x.cpl",
        "x.pif",
        "x.vbe",
        "x.psm1",
        "資料.pdf.exe",
        "x.exe.",
        "x.exe  ",
        "../x.bat",
        "x\u202efdp.exe",
        "集計.xlsm",  # macros run when Excel opens it
        "アドイン.xll",  # an Excel add-in is a DLL
        "文書.DOCM",
    ],
)
def test_programs_and_scripts_are_recognised(name):
    assert is_program_file(name)


@pytest.mark.parametrize("name", ["x.pdf", "x.xlsx", "x.docx", "x.exe.pdf", "x", "exe", "x.txt"])
def test_documents_are_not_programs(name):
    assert not is_program_file(name)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_folder_for_opening_is_new_and_private():
    first, second = private_folder(), private_folder()
    try:
        assert first != second
        assert stat.S_IMODE(first.stat().st_mode) == 0o700
        assert list(first.iterdir()) == []
    finally:
        first.rmdir()
        second.rmdir()
