"""A crafted evaluation file cannot place or run files through an attachment (issue 11, item 2).

Opening an attachment used to write it to the temporary folder joined with the stored
name (``../`` or an absolute name escaped it) and hand it to the OS, even a ``.bat``.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices

INDICATOR = "suishin.I.process.features"


def plant(db_path: Path, file_name: str, content: bytes = b"payload") -> None:
    """What a hostile evaluation file holds: an attachment row with a chosen stored name."""
    conn = sqlite3.connect(db_path)
    with conn:
        evaluation_id = conn.execute("SELECT id FROM evaluations").fetchone()[0]
        conn.execute(
            "INSERT INTO attachments (evaluation_id, indicator_id, name, location, file_name,"
            " size, sha256, content, added_at, added_by) VALUES (?, ?, ?, '', ?, ?, '', ?, "
            "'2026-01-01T00:00:00', '誰か')",
            [evaluation_id, INDICATOR, file_name, file_name, len(content), content],
        )
    conn.close()


@pytest.fixture
def crafted(db_path, r8):
    from desktop.evaluation.session import create_evaluation
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path) as store:
        create_evaluation(store, r8)
    return db_path


@pytest.fixture
def opened(monkeypatch):
    """Files handed to the OS to open, instead of opening them."""
    handed = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: handed.append(url) or True)
    return handed


def open_window(make_window, db_path, *, read_only=False):
    window = make_window()
    assert window.open_path(db_path, read_only=read_only, interactive=False)
    window.jump_to(INDICATOR)
    return window


@pytest.mark.parametrize("read_only", [False, True])
def test_a_path_in_the_stored_name_stays_inside_a_private_folder(
    make_window, crafted, tmp_path, opened, read_only
):
    escape_to = Path(tempfile.gettempdir()).parent / "hyoka-escaped.pdf"
    plant(crafted, f"../../../../../../../{escape_to.relative_to(escape_to.anchor)}")
    plant(crafted, str(tmp_path / "absolute.pdf"))
    window = open_window(make_window, crafted, read_only=read_only)
    controller = window.controller
    for attachment in controller.attachments(INDICATOR):
        target = controller.copy_for_opening(attachment)
        assert target is not None
        assert target.parent.parent == Path(tempfile.gettempdir())
        assert target.name in ("hyoka-escaped.pdf", "absolute.pdf")
        assert target.read_bytes() == b"payload"
    assert not escape_to.exists()
    assert not (tmp_path / "absolute.pdf").exists()


def test_a_program_is_never_handed_to_the_os_but_offered_for_saving(
    make_window, crafted, tmp_path, opened
):
    plant(crafted, "議事録.pdf.BAT", b"@echo off\r\nformat c:\r\n")
    window = open_window(make_window, crafted)
    notes = window.panel.notes
    notes.attachments.setCurrentRow(0)
    saved = tmp_path / "保存した写し.bat"
    window.prompts.export_answer = saved
    notes.open_button.click()
    assert opened == []
    assert window.prompts.confirms and "プログラムやスクリプト" in window.prompts.confirms[-1]
    assert saved.read_bytes() == b"@echo off\r\nformat c:\r\n"  # 出力する: a copy, not run
    # The controller refuses on its own too, without writing anything.
    failures = []
    window.controller.failed.connect(failures.append)
    assert window.controller.copy_for_opening(window.controller.attachments(INDICATOR)[0]) is None
    assert "ここからは開きません" in str(failures[-1])


def test_declining_the_offer_writes_nothing(make_window, crafted, tmp_path, opened):
    plant(crafted, "x.exe")
    window = open_window(make_window, crafted)
    window.prompts.confirm_answer = False
    window.prompts.export_answer = tmp_path / "x.exe"
    window.panel.notes.attachments.setCurrentRow(0)
    window.panel.notes.open_button.click()
    assert opened == [] and not (tmp_path / "x.exe").exists()


def test_a_document_opens_from_a_private_copy(make_window, crafted, opened):
    plant(crafted, "会議録.pdf", b"%PDF-1.4")
    window = open_window(make_window, crafted)
    window.panel.notes.attachments.setCurrentRow(0)
    window.panel.notes.open_button.click()
    assert len(opened) == 1
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "会議録.pdf" and copy.read_bytes() == b"%PDF-1.4"


def test_the_save_dialog_is_offered_only_a_safe_name(make_window, crafted, monkeypatch):
    plant(crafted, "..\\..\\Windows\\System32\\CON")
    window = open_window(make_window, crafted)
    asked = []
    monkeypatch.setattr(window.prompts, "export_path", lambda name: asked.append(name))
    window.panel.notes.attachments.setCurrentRow(0)
    window.panel.notes.export_button.click()
    assert asked == ["_CON"]


def test_an_added_file_is_stored_under_a_safe_name(make_window, crafted, tmp_path):
    odd = tmp_path / "報告\x07書.pdf. "
    odd.write_bytes(b"%PDF")
    window = open_window(make_window, crafted)
    attachment = window.controller.add_attachment(INDICATOR, odd)
    assert attachment.file_name == "報告書.pdf"
    assert attachment.name == "報告書.pdf"


def test_the_list_shows_names_without_hidden_characters(make_window, crafted):
    plant(crafted, "請求書\u202efdp.exe")
    window = open_window(make_window, crafted)
    shown = window.panel.notes.attachments.item(0).text()
    assert shown.startswith("請求書fdp.exe") and "\u202e" not in shown
