"""The window's save dialogs can never write over the evaluation file (issue 11, item 1)."""

from __future__ import annotations

import pytest

from .conftest import half_answered

INDICATOR = "suishin.I.process.features"


@pytest.fixture
def shown(monkeypatch):
    import desktop.ui.report_actions as report_actions
    import desktop.ui.workbook_actions as workbook_actions

    messages = []
    for module in (workbook_actions, report_actions):
        monkeypatch.setattr(module, "inform", lambda _p, t, text: messages.append((t, text)))
        monkeypatch.setattr(module, "warn", lambda _p, t, text: messages.append((t, text)))
    # unanswered sub-items: the export asks first; go on
    monkeypatch.setattr(workbook_actions, "confirm", lambda _p, t, text: True)
    return messages


@pytest.fixture
def window(make_window, db_path, r8):
    half_answered(db_path, r8)
    window = make_window()
    window.open_path(db_path, interactive=False)
    return window


def test_menu_exports_refuse_the_open_evaluation(window, db_path, monkeypatch, shown):
    import desktop.ui.report_actions as report_actions
    import desktop.ui.workbook_actions as workbook_actions

    window.controller.set_note_field(INDICATOR, "section", "介護保険課")
    before = db_path.read_bytes()
    monkeypatch.setattr(workbook_actions, "ask_save_path", lambda *_a: db_path)
    monkeypatch.setattr(workbook_actions, "ask_section", lambda *_a: "介護保険課")
    monkeypatch.setattr(report_actions, "ask_save_path", lambda *_a: db_path)
    for key in ("export_submission", "export_section", "export_report"):
        shown.clear()
        window.features.actions[key].trigger()
        assert shown and shown[-1][0] == "出力できません", key
        assert "開いている評価ファイルそのもの" in shown[-1][1]
        assert db_path.read_bytes() == before


def test_attachment_copy_refuses_the_open_evaluation(window, db_path, tmp_path):
    evidence = tmp_path / "会議録.pdf"
    evidence.write_bytes(b"%PDF-1.4 minutes")
    controller = window.controller
    attachment = controller.add_attachment(INDICATOR, evidence)
    before = db_path.read_bytes()
    failures = []
    controller.failed.connect(failures.append)
    assert controller.export_attachment(attachment, db_path) is False
    assert db_path.read_bytes() == before
    assert "開いている評価ファイルそのもの" in str(failures[-1])
    lock = db_path.with_name(db_path.name + ".lock")
    assert controller.export_attachment(attachment, lock) is False
    assert "ロック" in str(failures[-1])
    out = tmp_path / "写し.pdf"
    assert controller.export_attachment(attachment, out) is True
    assert out.read_bytes() == b"%PDF-1.4 minutes"
