"""The window's preview before seeding an evaluation from the national results: it lists
each sub-item's answer, scrolls, and fits a 1280×800 screen."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from desktop.catalog import registry
from desktop.national.reader import read_national
from desktop.national.seed import plan_seed
from desktop.ui.seed_preview_dialog import SeedPreviewDialog, ask_seed, preview_lines
from tests.national.test_ui import window  # noqa: F401 (the main window fixture)


def _plan(national_r7):
    dataset = read_national(national_r7.path)
    return plan_seed(registry.for_year(2026), dataset, dataset.municipalities[3]), national_r7


def test_the_preview_lists_each_sub_item_and_scrolls(qtbot, national_r7):
    plan, info = _plan(national_r7)
    dialog = SeedPreviewDialog(plan)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    text = dialog.summary.toPlainText()
    key = "suishin.I.process.features.a"
    answer = "該当" if info.municipalities[3].points[key] else "非該当"
    assert f"ア: {answer}（国の得点 " in text
    assert f"回答にする小項目（{len(plan.seeded)}件）" in text
    # The summary counts sub-items as the list does (an all-of item's parts count once).
    assert f"回答にする小項目: {len(plan.seeded)}件" in text
    assert len(plan.answers) > len(plan.seeded)
    assert "バックアップ" in text
    # Long: the page scrolls inside a dialog that fits the screen, with its buttons showing.
    assert dialog.summary.verticalScrollBar().maximum() > 0
    assert dialog.width() <= 1280 and dialog.height() <= 800
    dialog.grab().save("/tmp/h13a-seed-preview.png")
    assert preview_lines(plan)[-1] == "作成の前に、このファイルのバックアップを作ります。"


def test_cancel_means_no(qtbot, national_r7, monkeypatch):
    plan, _info = _plan(national_r7)
    shown: list[str] = []

    def answer(dialog):
        shown.append(dialog.summary.toPlainText())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(SeedPreviewDialog, "exec", answer)
    assert ask_seed(None, "国の評価結果から評価を始める", plan) is False
    assert "回答にする小項目" in shown[0]
    monkeypatch.setattr(SeedPreviewDialog, "exec", lambda d: QDialog.DialogCode.Accepted)
    assert ask_seed(None, "国の評価結果から評価を始める", plan) is True


def test_the_national_view_asks_with_the_preview(window, qtbot, tmp_path, monkeypatch):  # noqa: F811
    """「この結果から評価を始める…」 shows the sub-item list; キャンセル writes nothing."""
    from desktop.evaluation.session import create_evaluation
    from desktop.store import EvaluationFile
    from tests.national.synthetic import make_municipalities, make_workbook

    catalog = registry.for_year(2025)
    munis = make_municipalities(catalog, 30, 5)
    info = make_workbook(tmp_path / "r7.xlsx", year=2025, count=30, municipalities=munis)
    db = tmp_path / "new-town.sqlite"
    with EvaluationFile.open(db, user="t") as store:
        create_evaluation(store, catalog)
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.national.import_national(info.path, confirm=lambda lines: True)
    dialog = window.national.show_national()
    dialog.select_municipality(munis[4].serial)
    shown: list[str] = []

    def cancel(preview):
        shown.append(preview.summary.toPlainText())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(SeedPreviewDialog, "exec", cancel)
    assert dialog.seed_evaluation() is None
    key = "suishin.I.process.features.a"
    assert f"ア: {'該当' if munis[4].points[key] else '非該当'}（国の得点 " in shown[0]
    assert window.document.fiscal_years() == {2025}
    dialog.close()
