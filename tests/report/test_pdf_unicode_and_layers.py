"""Qt-free parts: the PDF text-layer repair, and that report code never imports Qt."""

from __future__ import annotations

import subprocess
import sys

from desktop.report.pdf_unicode import fix_to_unicode, unified_for

CMAP = (
    b"1 0 obj\n<< /Type /Font /ToUnicode 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Length 200 >>\nstream\n"
    b"/CIDInit /ProcSet findresource begin\nbegincmap\n"
    b"2 beginbfrange\n<0000> <0000> <0000>\n<2FA6> <2FA7> [<2FA6> <0041>]\nendbfrange\n"
    b"1 beginbfchar\n<2F47> <2F47>\nendbfchar\nendcmap\n"
    b"endstream\nendobj\n"
)


def test_radicals_become_the_kanji_they_stand_for():
    assert unified_for(0x2FA6) == ord("金")
    assert unified_for(0x2F47) == ord("日")
    assert unified_for(ord("金")) is None
    assert unified_for(0x0041) is None


def test_only_destination_codes_change_and_the_length_stays():
    fixed = fix_to_unicode(CMAP)
    assert len(fixed) == len(CMAP)
    # Source glyph codes (<2FA6> <2FA7>, <2F47> on the left) are untouched.
    assert b"<2FA6> <2FA7> [<91D1> <0041>]" in fixed
    assert b"<2F47> <65E5>" in fixed


def test_a_pdf_without_a_plain_cmap_is_left_alone():
    compressed = CMAP.replace(b"begincmap", b"xx")
    assert fix_to_unicode(compressed) == compressed


def test_report_and_carryover_do_not_import_qt():
    code = (
        "import sys\n"
        "import desktop.report.model, desktop.report.xlsx, desktop.report.html\n"
        "import desktop.report.gaps, desktop.report.official, desktop.report.comparison\n"
        "import desktop.report.pdf_unicode, desktop.evaluation.carryover\n"
        "import desktop.cli.report_commands, desktop.cli.year_commands\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_supplement_radicals_without_decomposition_map_to_their_kanji():
    from desktop.report.pdf_unicode import unified_for

    assert unified_for(0x2ED1) == ord("長")  # 市町村長 must be searchable
    assert unified_for(0x2ED8) == ord("青")
    assert unified_for(0x2E85) is None  # ⺅ is only a component, not a kanji of its own
