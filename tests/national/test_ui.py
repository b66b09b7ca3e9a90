"""The national results in the window: import from the menu, the view, the official columns."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from desktop.catalog import registry
from desktop.store import EvaluationFile
from tests.national.synthetic import expected_total, make_municipalities, make_workbook
from tests.ui.conftest import ScriptedPrompts, half_answered

SCREENSHOTS = Path(os.environ.get("HYOKA_SCREENSHOT_DIR", "/tmp/hyoka-screenshots"))


@pytest.fixture
def window(qtbot, tmp_path):
    from desktop.ui.main_window import MainWindow

    made = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    made.prompts = ScriptedPrompts()
    qtbot.addWidget(made, before_close_func=None)
    made.resize(1280, 800)
    made.show()
    qtbot.waitExposed(made)
    yield made
    if made.document is not None:
        made.close()
    # Delete the window and its dialogs now: a deferred deletion left for a later test's
    # event loop would take that test's message boxes (parented to the active window) with it.
    made.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QCoreApplication.processEvents()


@pytest.fixture
def workbook_with_town(tmp_path_factory):
    catalog = registry.for_year(2026)
    munis = make_municipalities(catalog, 120, 3)
    town = munis[20]
    town.prefecture_no, town.prefecture, town.name, town.insurer = 7, "福島県", "北塩原村", "073059"
    path = tmp_path_factory.mktemp("nat") / "001732614.xlsx"
    return make_workbook(path, year=2026, count=120, municipalities=munis), town


def test_import_and_view_from_the_menu(window, qtbot, tmp_path, workbook_with_town, monkeypatch):
    info, town = workbook_with_town
    db = tmp_path / "town.sqlite"
    half_answered(db, registry.for_year(2026))
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.findChild(type(window.national.import_action), "import_national") is not None

    shown: list = []
    assert window.national.import_national(
        info.path, confirm=lambda lines: shown.extend(lines) or True
    )
    assert any("120市町村" in line for line in shown)
    assert (tmp_path / "hyoka-desk-national.sqlite").exists()

    dialog = window.national.show_national()
    # The evaluation's own municipality is picked by its 保険者番号.
    assert dialog.municipality.name == "北塩原村"
    totals = [expected_total(m) for m in info.municipalities]
    rank = 1 + sum(1 for t in totals if t > expected_total(town))
    assert dialog.rank_labels["national"].text().startswith(f"{rank}位 / 120")
    assert dialog.peer_model.rowCount() == sum(
        1 for m in info.municipalities if m.band == town.band
    )
    assert dialog.gap_model.rowCount() > 0
    assert "試算" in dialog.amount_label.text()

    # Peers sort by any column and export to xlsx.
    dialog.peerTable.sortByColumn(
        5, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.SortOrder.AscendingOrder
    )
    first = dialog.peerTable.model().index(0, 5).data()
    assert float(first) == min(r[5] for r in dialog.peer_model.table.rows)
    exported = dialog.export(dialog.peer_model, str(tmp_path / "peers.xlsx"))
    assert exported is not None and exported.exists()

    # The own result fills the official-results columns.
    assert dialog.apply_official()
    with EvaluationFile.open(db, user="t", read_only=True) as store:
        official = store.official_results(store.evaluations()[0].id)
    assert official["total"] == expected_total(town)

    dialog.resize(1280, 800)
    dialog.show()
    qtbot.waitExposed(dialog)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.histogram.bins()[int(expected_total(town) // 20)] >= 1  # the marked bar
    dialog.grab().save(str(SCREENSHOTS / "national-rank.png"))
    dialog.tabs.setCurrentIndex(2)
    dialog.grab().save(str(SCREENSHOTS / "national-prefecture.png"))
    dialog.tabs.setCurrentIndex(3)
    dialog.grab().save(str(SCREENSHOTS / "national-gaps.png"))
    dialog.close()


def test_a_broken_workbook_is_refused_and_nothing_is_stored(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    db = tmp_path / "town.sqlite"
    half_answered(db, registry.for_year(2026))
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)

    def bump(rows, info):
        rows[info.first_data_row - 1][info.score_columns["suishin.I.process.features.a"]] = 3

    info = make_workbook(tmp_path / "bad.xlsx", year=2026, count=10, mutate=bump)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    assert not window.national.import_national(info.path, confirm=lambda lines: True)
    assert "19行目" in warned[0] and "何も保存していません" in warned[0]
    assert not (tmp_path / "hyoka-desk-national.sqlite").exists()


def test_start_next_year_from_the_official_result(window, qtbot, tmp_path):
    """A municipality new to the app: R7 results → its R8 evaluation, answers 要確認."""
    catalog = registry.for_year(2025)
    munis = make_municipalities(catalog, 30, 5)
    info = make_workbook(tmp_path / "r7.xlsx", year=2025, count=30, municipalities=munis)
    db = tmp_path / "new-town.sqlite"
    from desktop.evaluation.session import create_evaluation

    with EvaluationFile.open(db, user="t") as store:  # the app's empty default file, R7 only
        create_evaluation(store, catalog)
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.national.import_national(info.path, confirm=lambda lines: True)
    dialog = window.national.show_national()
    dialog.select_municipality(munis[4].serial)
    shown: list = []
    year = dialog.seed_evaluation(confirm=lambda lines: shown.extend(lines) or True)
    assert year == 2026
    assert any("回答にする小項目" in line for line in shown)
    qtbot.waitUntil(
        lambda: window.session is not None and window.session.record.fiscal_year == 2026
    )
    with EvaluationFile.open(db, user="t", read_only=True) as store:
        r8 = next(r for r in store.evaluations() if r.fiscal_year == 2026)
        answers = store.answers(r8.id)
        key = "suishin.I.process.features.a"
        assert answers[key] == ("該当" if munis[4].points[key] else "非該当")
        assert key in store.carried_items(r8.id)
        assert store.municipality().name == munis[4].name
    assert list((tmp_path / "new-town.sqlite.backups").glob("*-before-carry.sqlite"))
    dialog.close()


def test_the_picked_municipality_is_remembered(window, qtbot, tmp_path, workbook_with_town):
    info, _town = workbook_with_town
    db = tmp_path / "town.sqlite"
    half_answered(db, registry.for_year(2026))
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.national.import_national(info.path, confirm=lambda lines: True)
    dialog = window.national.show_national()
    other = info.municipalities[7]
    dialog.select_municipality(other.serial)
    dialog.close()
    again = window.national.show_national()
    assert (again.municipality.serial, again.municipality.name) == (other.serial, other.name)
    again.close()


def test_peers_chosen_by_the_user_are_saved_with_the_evaluation_and_compared(
    window, qtbot, tmp_path, workbook_with_town
):
    from desktop.national.chosen import CHOSEN_KIND
    from desktop.records import PeerChoice

    info, town = workbook_with_town
    db = tmp_path / "town.sqlite"
    half_answered(db, registry.for_year(2026))
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.national.import_national(info.path, confirm=lambda lines: True)
    dialog = window.national.show_national()
    dialog.resize(1280, 800)
    assert dialog.municipality.name == "北塩原村"
    assert "まだ選んでいません" in dialog.rank_labels["chosen"].text()
    dialog.peer_kind.setCurrentIndex(dialog.peer_kind.findData(CHOSEN_KIND))
    assert dialog.peer_model.rowCount() == 1  # only the municipality itself
    assert "まだ選んでいません" in dialog.peer_note.text()

    # Three municipalities picked by hand, whatever their band or prefecture.
    picked = [info.municipalities[i] for i in (3, 40, 77)]
    audit_before = window.session.store.audit_count()

    def pick(picker):
        picker.search.setText(picked[0].name)
        visible = [i for i in picker.items() if not i.isHidden()]
        assert visible and all(picked[0].name in i.text() for i in visible)
        picker.search.setText("")
        picker.set_checked({m.serial for m in picked})
        assert picker.count_label.text() == "選んだ市町村: 3"
        picker.resize(1280, 800)
        picker.show()
        qtbot.waitExposed(picker)
        picker.grab().save("/tmp/h13a-peer-picker.png")
        return True

    assert dialog.choose_peers(pick=pick)
    expected = sorted(
        (PeerChoice(m.serial, m.prefecture, m.name) for m in picked), key=lambda c: c.serial
    )
    assert window.session.peer_choices() == expected
    assert window.session.store.audit_count() == audit_before + 1  # one action

    # The table and the rank tab show that group: the three and the municipality itself.
    rows = dialog.peer_model.table.rows
    assert sorted(r[2] for r in rows) == sorted([*(m.name for m in picked), "北塩原村"])
    totals = [expected_total(m) for m in (*picked, town)]
    mine = expected_total(town)
    rank = 1 + sum(1 for t in totals if t > mine)
    text = dialog.rank_labels["chosen"].text()
    assert text.startswith(f"{rank}位 / 4（選んだ3市町村と自分")
    ordered = sorted(totals)
    assert f"中央値 {(ordered[1] + ordered[2]) / 2:g}" in text
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(1)
    dialog.grab().save("/tmp/h13a-peers-chosen.png")
    dialog.tabs.setCurrentIndex(0)
    dialog.grab().save("/tmp/h13a-rank-chosen.png")
    dialog.close()

    # Saved in the evaluation file itself, and shown again next time.
    with EvaluationFile.open(db, user="t", read_only=True) as store:
        assert store.peer_choices(store.evaluation_for_year(2026).id) == expected
    again = window.national.show_national()
    again.peer_kind.setCurrentIndex(again.peer_kind.findData(CHOSEN_KIND))
    assert again.peer_model.rowCount() == 4
    assert again.rank_labels["chosen"].text().startswith(f"{rank}位 / 4")

    # Cancelling the picker changes nothing; unticking all clears the list.
    assert not again.choose_peers(pick=lambda picker: False)
    assert window.session.peer_choices() == expected
    assert again.choose_peers(pick=lambda picker: picker.clear_all() or True)
    assert window.session.peer_choices() == []
    assert again.peer_model.rowCount() == 1
    again.close()


def test_every_comparison_group_shows_its_median_and_quartiles(
    window, qtbot, tmp_path, workbook_with_town
):
    import statistics

    info, town = workbook_with_town
    db = tmp_path / "town.sqlite"
    half_answered(db, registry.for_year(2026))
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.national.import_national(info.path, confirm=lambda lines: True)
    dialog = window.national.show_national()
    groups = {
        "prefecture": lambda m: m.prefecture_no == town.prefecture_no,
        "band": lambda m: m.band == town.band,
        "kaso": lambda m: m.kaso == town.kaso,
    }
    for key, keep in groups.items():
        totals = sorted(expected_total(m) for m in info.municipalities if keep(m))
        text = dialog.rank_labels[key].text()
        assert f"中央値 {statistics.median(totals):g}" in text, key
        if len(totals) > 1:
            q1, _q2, q3 = statistics.quantiles(totals, n=4, method="inclusive")
            assert f"四分位 {q1:g}〜{q3:g}" in text, key
    dialog.close()
