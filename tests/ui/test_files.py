"""Files: locks and read-only mode, store errors, recent files and layout, years,
new evaluations, backups, the heartbeat, and catalog upgrades."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from desktop.evaluation.session import create_evaluation
from desktop.store import EvaluationFile
from desktop.store.errors import Busy
from desktop.store.lock import lock_path
from desktop.ui.dashboard_model import POINTS
from desktop.ui.main_window import PAGE_START, PAGE_WORK, READ_ONLY_MARK
from desktop.ui.prompts import READ_ONLY, TAKE_OVER
from desktop.ui.tree_model import COL_SCORE

ISSUES_A = "shien.III.process.issues-and-measures.a"


def make_file(path: Path, catalog, answers=None, municipality=None) -> None:
    from desktop.records import Municipality

    with EvaluationFile.open(path, user="準備") as store:
        session = create_evaluation(
            store,
            catalog,
            municipality=municipality or Municipality("北塩原村", "073059", "福島県", 1000),
        )
        if answers:
            session.set_answers(answers)


# --- locks and read-only mode ---------------------------------------------------------------
def test_file_held_by_someone_else_opens_read_only(make_window, db_path, r8, probe):
    make_file(db_path, r8, {ISSUES_A: "該当"})
    colleague = EvaluationFile.open(db_path, user="同僚の佐藤")
    try:
        window = make_window()
        window.prompts.locked_answer = READ_ONLY
        assert window.open_path(db_path)
        offered = window.prompts.locked_seen[0]
        assert offered.holder.user == "同僚の佐藤" and not offered.stale
        assert window.document.read_only
        assert READ_ONLY_MARK in window.windowTitle()
        assert window.read_only_banner.isVisible()
        assert "同僚の佐藤" in window.read_only_banner.label.text()
        window.jump_to(ISSUES_A)
        row = window.panel.row_for(ISSUES_A)
        assert row.met.isChecked()  # the answers are there to read
        assert not row.met.isEnabled() and not window.panel.notes.status.isEnabled()
        assert not window.controller.set_answer(ISSUES_A, None)
        assert window.prompts.errors[-1][0] == "読み取り専用です"
        assert probe.stored(db_path).answers == {ISSUES_A: "該当"}
    finally:
        colleague.close()


def test_cancelling_a_locked_file_opens_nothing(make_window, db_path, r8):
    make_file(db_path, r8)
    colleague = EvaluationFile.open(db_path, user="同僚")
    try:
        window = make_window()
        window.prompts.locked_answer = None
        assert not window.open_path(db_path)
        assert window.document is None
        assert window.stack.currentIndex() == PAGE_START
    finally:
        colleague.close()


def test_stale_lock_can_be_taken_over(make_window, db_path, r8):
    make_file(db_path, r8)
    lock_path(db_path).write_text(
        json.dumps(
            {
                "user": "昨日の人",
                "host": "another-pc-that-crashed",
                "pid": 4242,
                "since": "2020-01-01T09:00:00+09:00",
                "heartbeat": "2020-01-01T09:05:00+09:00",
                "token": "old",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    window = make_window()
    window.prompts.locked_answer = TAKE_OVER
    assert window.open_path(db_path)
    assert window.prompts.locked_seen[0].stale
    assert not window.document.read_only
    assert window.controller.set_answer(ISSUES_A, "該当")


def test_lock_lost_switches_to_read_only(make_window, db_path, r8, probe):
    make_file(db_path, r8)
    window = make_window()
    assert window.open_path(db_path)
    assert window.heartbeat_timer.isActive()
    assert window.heartbeat_timer.interval() == 60_000
    window.jump_to(ISSUES_A)
    # Someone else takes the file over (their lock replaces ours).
    data = json.loads(lock_path(db_path).read_text(encoding="utf-8"))
    data.update(user="引き継いだ人", token="someone-else")
    lock_path(db_path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    window.heartbeat()
    assert window.document.read_only
    assert READ_ONLY_MARK in window.windowTitle()
    assert window.prompts.infos[-1][0] == "読み取り専用に切り替えました"
    assert window.panel.indicator.id == "shien.III.process.issues-and-measures"
    assert not window.panel.row_for(ISSUES_A).met.isEnabled()
    assert lock_path(db_path).exists()  # their lock is left alone
    assert ISSUES_A not in probe.stored(db_path).answers


def test_heartbeat_refreshes_the_lock_and_asks_for_the_hourly_backup(
    make_window, db_path, r8, monkeypatch
):
    make_file(db_path, r8)
    window = make_window()
    assert window.open_path(db_path)
    calls = []
    monkeypatch.setattr(window.document.store, "heartbeat", lambda: calls.append("heartbeat") or True)
    monkeypatch.setattr(window.document.store, "maybe_backup", lambda: calls.append("backup") or None)
    window.heartbeat()
    assert calls == ["heartbeat", "backup"]


# --- errors from the store ------------------------------------------------------------------------
def test_opening_sweeps_a_killed_exports_leftover_once_the_evaluation_is_shown(
    make_window, db_path, r8, qtbot
):
    """A report killed mid-write leaves .~hyoka-*.pdf beside the file: gone at the next start,
    and sqlite-utils is ready before the first save."""
    import os
    import time

    make_file(db_path, r8)
    leftover = db_path.parent / ".~hyoka-ab12cd34.pdf"
    leftover.write_bytes(b"%PDF- cut")
    an_hour_ago = time.time() - 3600
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    window = make_window()
    assert window.open_path(db_path)
    qtbot.waitUntil(lambda: not leftover.exists(), timeout=3000)
    assert window.document.store._db is not None


def test_not_an_evaluation_file_gets_a_clear_dialog(make_window, tmp_path):
    other = tmp_path / "備考.sqlite"
    other.write_text("これは評価ファイルではありません", encoding="utf-8")
    window = make_window()
    assert not window.open_path(other)
    title, message = window.prompts.errors[-1]
    assert title == "評価ファイルではありません"
    assert "備考.sqlite" in message
    assert window.stack.currentIndex() == PAGE_START
    assert other.read_text(encoding="utf-8") == "これは評価ファイルではありません"


def test_file_from_a_newer_version_is_refused(make_window, tmp_path):
    newer = tmp_path / "新しい版.sqlite"
    conn = sqlite3.connect(newer)
    conn.execute("CREATE TABLE evaluations (id INTEGER)")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    window = make_window()
    assert not window.open_path(newer)
    assert window.prompts.errors[-1][0] == "新しい版で作られたファイルです"


def open_at_issues(make_window, db_path, r8):
    """A window on a new file, at the indicator of ISSUES_A."""
    make_file(db_path, r8)
    window = make_window()
    window.open_path(db_path)
    window.jump_to(ISSUES_A)
    return window


def issues_totals(window, probe) -> tuple[str, str]:
    """The indicator's score in the tree and the total in the dashboard, as shown."""
    indicator = window.controller.catalog.indicator_of(ISSUES_A).id
    return probe.tree_cell(window, indicator, COL_SCORE), probe.dash_cell(window, "total", POINTS)


def test_a_failed_save_is_reported_and_the_screen_shows_the_file(
    make_window, db_path, r8, monkeypatch, probe
):
    window = open_at_issues(make_window, db_path, r8)

    def busy(*_args, **_kwargs):
        raise Busy(db_path)

    before = issues_totals(window, probe)
    monkeypatch.setattr(window.controller.session, "set_answers", busy)
    row = window.panel.row_for(ISSUES_A)
    probe.click(row.met)
    assert window.prompts.errors[-1][0] == "ファイルが使用中です"
    assert not row.met.isChecked()  # the box shows what the file holds
    # The totals shown while saving are taken back.
    assert issues_totals(window, probe) == before
    assert ISSUES_A not in probe.stored(db_path).answers
    assert window.undo_group.activeStack().count() == 0


def test_the_new_totals_are_painted_before_the_answer_is_saved(
    make_window, db_path, r8, monkeypatch, probe
):
    """The save's fsync can take long on a network drive: the user sees the totals first."""
    window = open_at_issues(make_window, db_path, r8)
    session = window.controller.session
    save = session.set_answers
    seen_when_saving = []

    def shown():
        return issues_totals(window, probe)

    class Paints(QObject):
        """What the totals were each time the viewport painted."""

        def __init__(self):
            super().__init__()
            self.showing = []

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                self.showing.append(shown())
            return False

    tree_paints, dash_paints = Paints(), Paints()
    window.navigation.view.viewport().installEventFilter(tree_paints)
    window.dashboard.table.viewport().installEventFilter(dash_paints)
    QApplication.processEvents()
    old = shown()

    def saving(raw, **kwargs):
        seen_when_saving.append((shown(), list(tree_paints.showing), list(dash_paints.showing)))
        return save(raw, **kwargs)

    monkeypatch.setattr(session, "set_answers", saving)
    probe.click(window.panel.row_for(ISSUES_A).met)
    new, tree_painted, dash_painted = seen_when_saving[0]
    assert new == shown() and new[0] != old[0] and new[1] != old[1]
    # Both views had painted the new totals before the save began.
    assert new in tree_painted and new in dash_painted
    assert probe.stored(db_path).answers[ISSUES_A] == "該当"


# --- remembering ------------------------------------------------------------------------------------
def opened_one_after_the_other(make_window, tmp_path, r8):
    """Two evaluation files, 一 then 二, opened in a new window (returned, still open)."""
    first, second = tmp_path / "一.sqlite", tmp_path / "二.sqlite"
    make_file(first, r8)
    make_file(second, r8)
    window = make_window()
    window.open_path(first)
    window.open_path(second)
    return first, second, window


def start_page_listed(window) -> list[str]:
    listed = window.start_page.recent
    return [listed.item(i).text() for i in range(listed.count())]


def test_recent_files_last_file_and_layout_are_remembered(make_window, tmp_path, r8, qtbot):
    first, second, window = opened_one_after_the_other(make_window, tmp_path, r8)
    assert window.ui_settings.recent_files()[:2] == [second.resolve(), first.resolve()]
    assert window.ui_settings.last_file() == second.resolve()
    window.fill_recent_menu()
    texts = [a.text() for a in window.menus.recent.actions()]
    assert texts[0].startswith("&1 二.sqlite") and texts[1].startswith("&2 一.sqlite")
    window.splitter.setSizes([300, 500])
    sizes = window.splitter.sizes()
    window.close()

    again = make_window()
    assert again.ui_settings.recent_files()[0] == second.resolve()
    assert again.stack.currentIndex() == PAGE_START
    assert start_page_listed(again)[0].startswith("二.sqlite")
    again.open_path(again.ui_settings.last_file())
    qtbot.waitUntil(lambda: again.splitter.sizes() == sizes)


def test_while_a_file_opens_the_start_page_does_not_offer_that_file(
    make_window, tmp_path, r8, qtbot
):
    first, _second, window = opened_one_after_the_other(make_window, tmp_path, r8)
    window.close()

    # As the application starts: the file is named before the window is first shown.
    again = make_window(show=False)
    assert again.open_path(first)  # opened right after the first paint
    assert "一.sqlite を開いています" in again.start_page.message.text()
    again.resize(1280, 800)
    again.show()
    qtbot.waitExposed(again)
    start_page_offered = start_page_listed(again)
    qtbot.waitUntil(lambda: again.document is not None)
    assert again.path == first
    assert [text.split("　")[0] for text in start_page_offered] == ["二.sqlite"]


# --- years and new evaluations -------------------------------------------------------------------------
def test_year_selector_switches_between_evaluations(make_window, db_path, r7, r8):
    make_file(db_path, r8, {ISSUES_A: "該当"})
    with EvaluationFile.open(db_path) as store:
        create_evaluation(store, r7)
    window = make_window()
    window.open_path(db_path)
    combo = window.year_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["令和8年度", "令和7年度"]
    assert combo.isEnabled()
    assert window.session.record.fiscal_year == 2026  # the newest first
    combo.activated.emit(combo.findData(2025))
    assert window.session.record.fiscal_year == 2025
    assert "令和7年度" in window.windowTitle()
    assert window.tree_model.index(2, 0).isValid() is False  # R7 has no 成果指向配分枠
    assert window.switch_year(2026)
    assert window.dashboard_model.index(0, 2).data() == "5"


def test_new_year_in_the_same_file_is_prefilled(make_window, db_path, r8, probe):
    make_file(db_path, r8)
    window = make_window()
    window.open_path(db_path)
    seen = {}

    def check_and_fill(dialog):
        seen["name"] = dialog.name.text()
        seen["insured"] = dialog.insured.value()
        r8_index = dialog.year.findData("municipal-r8")
        seen["r8_enabled"] = dialog._year_enabled(r8_index)
        dialog.name.setText("別の町")  # not this file's municipality: refused
        dialog.year.setCurrentIndex(dialog.year.findData("municipal-r7"))
        dialog.create_button.click()
        seen["problem"] = dialog.problem.text()
        seen["still_open"] = dialog.isVisible()
        dialog.name.setText("北塩原村")
        dialog.create_button.click()

    assert probe.new_evaluation_with(window, check_and_fill)
    assert seen["name"] == "北塩原村" and seen["insured"] == 1000
    assert seen["r8_enabled"] is False  # R8 already exists in this file
    assert "北塩原村 の評価ファイル" in seen["problem"] and seen["still_open"]
    assert window.session.record.fiscal_year == 2025
    with EvaluationFile.open(db_path, read_only=True) as store:
        assert sorted(r.fiscal_year for r in store.evaluations()) == [2025, 2026]


def test_new_evaluation_in_a_new_file(make_window, db_path, r8, tmp_path, probe):
    make_file(db_path, r8)
    window = make_window()
    window.open_path(db_path)
    target = tmp_path / "別の町" / "評価.sqlite"
    target.parent.mkdir()
    window.prompts.save_answer = target

    def fill(dialog):
        dialog.browse.click()  # the save dialog (scripted) names the new file
        dialog.name.setText("別の町")
        dialog.prefecture.setCurrentText("北海道")
        dialog.year.setCurrentIndex(dialog.year.findData("municipal-r8"))
        dialog.create_button.click()

    assert probe.new_evaluation_with(window, fill)
    assert window.path == target
    assert window.windowTitle().startswith("別の町 令和8年度 — 評価.sqlite")
    assert not lock_path(db_path).exists()  # the previous file was closed
    with EvaluationFile.open(target, read_only=True) as store:
        assert store.municipality().name == "別の町"


def test_cancelled_dialog_creates_nothing(make_window, db_path, probe):
    window = make_window()
    window.open_path(db_path)
    assert not probe.new_evaluation_with(window, lambda dialog: dialog.reject())
    assert window.stack.currentIndex() == PAGE_START
    with EvaluationFile.open(db_path, read_only=True) as store:
        assert store.evaluations() == []


# --- backups -------------------------------------------------------------------------------------------
def test_restore_from_backup(make_window, db_path, r8, probe):
    make_file(db_path, r8, {ISSUES_A: "該当"})
    window = make_window()
    window.open_path(db_path)  # opening an existing file makes a backup (in the background)
    assert window.wait_for_verification()
    window.controller.set_answer(ISSUES_A, "非該当")
    window.controller.set_answer("suishin.I.process.features.a", "該当")
    window.prompts.backup_choice = 0
    assert window.restore_from_backup()
    assert "に戻します" in window.prompts.confirms[-1]
    assert probe.stored(db_path).answers == {ISSUES_A: "該当"}
    assert window.stack.currentIndex() == PAGE_WORK
    assert window.controller.session.answers() == {ISSUES_A: "該当"}
    assert not window.document.read_only
    assert window.statusBar().currentMessage() == "バックアップから復元しました"


# --- catalog upgrades ------------------------------------------------------------------------------------
@pytest.fixture
def newer_catalogs(tmp_path, monkeypatch) -> Path:
    """The shipped catalogs with R8 as a revision 3 (a wording-only change)."""
    from desktop import paths

    folder = tmp_path / "catalogs"
    shutil.copytree(paths.catalogs_dir(), folder)
    r8_file = folder / "municipal" / "r8.yaml"
    text = r8_file.read_text(encoding="utf-8")
    assert "\nrevision: 2\n" in text
    r8_file.write_text(text.replace("\nrevision: 2\n", "\nrevision: 3\n", 1), encoding="utf-8")
    return folder


def test_newer_catalog_revision_is_offered_in_a_banner(
    make_window, db_path, r8, newer_catalogs, monkeypatch, qtbot
):
    make_file(db_path, r8, {ISSUES_A: "該当"})
    monkeypatch.setenv("HYOKA_CATALOGS_DIR", str(newer_catalogs))
    window = make_window()
    window.open_path(db_path)
    qtbot.waitUntil(window.upgrade_banner.isVisible)
    assert "令和8年度 市町村分の評価指標を更新" in window.upgrade_banner.label.text()
    assert "municipal-r8" not in window.upgrade_banner.label.text()
    window.upgrade_banner.action.click()
    assert "評価指標を更新" in window.prompts.confirms[-1]
    assert window.session.catalog.revision == 3
    assert not window.upgrade_banner.isVisible()
    assert window.controller.session.answers() == {ISSUES_A: "該当"}
    assert window.panel.indicator is not None  # the screen was rebuilt on the new catalog


def test_a_file_named_before_the_window_shows_opens_after_the_first_paint(
    make_window, db_path, r8, qtbot
):
    """As the application starts: open_path, then show; the window paints first."""
    make_file(db_path, r8, {ISSUES_A: "該当"})
    window = make_window(show=False)
    assert window.open_path(db_path)
    assert window.document is None  # not yet: the window has not been painted
    assert window.start_page.message.text().startswith("評価.sqlite を開いています")
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window.controller is not None)
    assert window.stack.currentIndex() == PAGE_WORK
    assert window.controller.session.answers() == {ISSUES_A: "該当"}


# --- the full check after opening -------------------------------------------------------------------
def test_the_full_check_after_opening_makes_the_opening_backup(make_window, db_path, r8):
    from desktop.store.backup import list_backups

    make_file(db_path, r8, {ISSUES_A: "該当"})
    window = make_window()
    window.open_path(db_path)
    assert window.wait_for_verification()
    assert [b.reason for b in list_backups(db_path)] == ["open"]
    assert window.document.last_backup == list_backups(db_path)[0].path
    assert not window.document.read_only


def test_damage_found_after_opening_switches_to_read_only(make_window, db_path, r8):
    import sqlite3

    make_file(db_path, r8, {ISSUES_A: "該当"})
    conn = sqlite3.connect(str(db_path))  # an index that no longer matches its table
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX audit_by_target ON audit (evaluation_id, user, id)' "
        "WHERE name = 'audit_by_target'"
    )
    conn.commit()
    conn.close()
    window = make_window()
    window.open_path(db_path)
    assert window.wait_for_verification()
    assert any("破損" in text for _title, text in window.prompts.errors)
    assert window.document is None or window.document.read_only
    assert window.controller is None or window.controller.read_only


def test_restoring_another_municipalitys_backup_asks_first(make_window, db_path, r8, probe):
    from desktop.records import Municipality
    from desktop.store.backup import backup_file, list_backups

    make_file(db_path, r8, {ISSUES_A: "該当"})
    other = db_path.with_name("会津若松市.sqlite")
    make_file(other, r8, municipality=Municipality("会津若松市", "072028"))
    planted = backup_file(db_path, "manual")
    shutil.copyfile(other, planted)  # a colleague's file copied into our backups by mistake
    window = make_window()
    window.open_path(db_path)
    assert window.wait_for_verification()
    # By path: opening again after each restore adds backups and shifts the list.
    window.prompts.choose_backup = lambda offered: next(b for b in offered if b.path == planted)
    assert any(info.path == planted for info in list_backups(db_path))
    answers = iter([True, False, True, True])
    asked = []
    window.prompts.confirm = lambda title, text, ok_text="": asked.append(text) or next(answers)

    assert not window.restore_from_backup()  # "restore?" yes, "another municipality!" no
    assert "会津若松市（072028）" in asked[-1] and "北塩原村（073059）" in asked[-1]
    assert window.prompts.errors == []
    with EvaluationFile.open(db_path, read_only=True) as store:
        assert store.municipality().name == "北塩原村"
    assert window.stack.currentIndex() == PAGE_WORK

    assert window.wait_for_verification()
    assert window.restore_from_backup()  # yes and yes
    with EvaluationFile.open(db_path, read_only=True) as store:
        assert store.municipality().name == "会津若松市"


def test_opening_the_most_recent_file_again_leaves_the_settings_file_unwritten(tmp_path):
    import os

    from PySide6.QtCore import QSettings

    from desktop.ui.settings import UiSettings

    ini = tmp_path / "settings.ini"
    first, second = tmp_path / "a.hyoka", tmp_path / "b.hyoka"
    settings = UiSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    settings.add_recent(first)
    settings.add_recent(second)
    settings.qsettings.sync()
    long_ago = 1_000_000_000_000_000_000  # ns: a write would give the file today's time
    os.utime(ini, ns=(long_ago, long_ago))
    settings.add_recent(second)  # already first and last: nothing changes
    settings.qsettings.sync()
    assert ini.stat().st_mtime_ns == long_ago
    settings.add_recent(first)  # a change is written as before
    settings.qsettings.sync()
    assert ini.stat().st_mtime_ns != long_ago
    again = UiSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert again.recent_files()[:2] == [first.resolve(), second.resolve()]
