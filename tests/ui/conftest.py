"""Helpers for driving the real main window offscreen.

* ``make_window``: a MainWindow with its own QSettings file and scripted prompts (no
  modal dialog ever waits for a click);
* ``click_box``: clicks a check box or radio button on its indicator, as a user does;
* ``half_answered``: an R8 evaluation with every other self-assessed item answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QStyle, QStyleOptionButton

from desktop.records import Municipality


class ScriptedPrompts:
    """Stands in for desktop.ui.prompts.Prompts: answers from a script, records what was asked."""

    def __init__(self):
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.confirms: list[str] = []
        self.confirm_answer = True
        self.locked_answer: str | None = None
        self.locked_seen = []
        self.open_answer: Path | None = None
        self.save_answer: Path | None = None
        self.attachment_answer: Path | None = None
        self.export_answer: Path | None = None
        self.backup_choice = 0  # index into the offered list, or None
        self.paste_text: str | None = None  # what the user pastes (None: cancels)
        self.paste_dialogs = []
        self.bulk_answer = None  # a function (place, choices, sections) → BulkAssignment
        self.bulk_seen = []

    def error(self, exc, title=None):
        self.errors.append((title or getattr(exc, "title", ""), str(exc)))

    def info(self, title, text):
        self.infos.append((title, text))

    def confirm(self, title, text, ok_text="実行する"):
        self.confirms.append(text)
        return self.confirm_answer

    def locked(self, exc):
        self.locked_seen.append(exc)
        return self.locked_answer

    def open_file_path(self, folder=""):
        return self.open_answer

    def save_file_path(self, suggested=""):
        return self.save_answer

    def attachment_path(self):
        return self.attachment_answer

    def export_path(self, suggested_name):
        return self.export_answer

    def paste_wording(self, catalog, indicator):
        """The real preview dialog, filled with ``paste_text`` and confirmed."""
        from desktop.ui.paste_dialog import PasteDialog

        dialog = PasteDialog(catalog, indicator)
        self.paste_dialogs.append(dialog)
        if self.paste_text is None:
            return None
        dialog.source.setPlainText(self.paste_text)
        return dialog.texts()

    def bulk_assignment(self, place, choices, sections):
        self.bulk_seen.append((place, choices, sections))
        return self.bulk_answer(place, choices, sections) if self.bulk_answer else None

    def choose_backup(self, backups):
        return None if self.backup_choice is None else backups[self.backup_choice]


@pytest.fixture
def settings_file(tmp_path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def make_window(qtbot, settings_file):
    """Build (and later close) main windows that share one settings file."""
    from desktop.ui.main_window import MainWindow

    made = []

    def build(user: str | None = None, show: bool = True):
        window = MainWindow(
            user=user, settings=QSettings(str(settings_file), QSettings.Format.IniFormat)
        )
        window.prompts = ScriptedPrompts()
        qtbot.addWidget(window)
        if show:
            window.resize(1280, 800)
            window.show()
            qtbot.waitExposed(window)
            window.activateWindow()  # focus events (save on leaving a field) need an active window
            qtbot.waitUntil(window.isActiveWindow)
        made.append(window)
        return window

    yield build
    for window in made:
        if window.document is not None:
            window.close()


def click_box(qtbot, box) -> None:
    """Click a check box or radio button on its indicator (not the centre of its label)."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    element = (
        QStyle.SubElement.SE_CheckBoxIndicator
        if isinstance(box, QCheckBox)
        else QStyle.SubElement.SE_RadioButtonIndicator
    )
    rect = box.style().subElementRect(element, option, box)
    assert box.isVisible() and box.isEnabled(), f"{box.objectName()} cannot be clicked"
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=rect.center())


HOKUSHIOBARA = Municipality(name="北塩原村", code="073059", prefecture="福島県", insured=1000)


def half_answered(path: Path, catalog) -> dict[str, str]:
    """An R8 evaluation in ``path`` with every other self-assessed item answered."""
    from desktop.evaluation.session import create_evaluation
    from desktop.store import EvaluationFile

    answers: dict[str, str] = {}
    with EvaluationFile.open(path, user="準備") as store:
        session = create_evaluation(store, catalog, municipality=HOKUSHIOBARA)
        items = [item for item in catalog.all_items() if not item.state_scored]
        for number, item in enumerate(items):
            if number % 2:
                continue
            if item.rule in ("check", "all_of"):
                answers[item.id] = "該当" if number % 4 == 0 else "非該当"
            elif item.rule in ("tiers", "count", "choice"):
                answers[item.id] = item.options[-1].label
        session.set_answers(answers)
    return answers


class Probe:
    """Reads what the user sees (tree, dashboard) and what the file holds."""

    def __init__(self, qtbot):
        self.qtbot = qtbot

    def click(self, box) -> None:
        click_box(self.qtbot, box)

    @staticmethod
    def type_japanese(widget, text: str) -> None:
        """Type Japanese as an input method commits it (QTest key clicks are Latin-1 only)."""
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget.focusProxy() or widget, event)

    @staticmethod
    def new_evaluation_with(window, fill) -> bool:
        """Run 新規評価 with ``fill(dialog)`` acting on the real dialog once it is open.

        Whatever happens in ``fill``, the dialog is closed afterwards so that a failing
        test fails instead of waiting forever on a modal dialog; errors are re-raised.
        """
        failures = []

        def act():
            dialog = window.new_evaluation_dialog
            try:
                assert dialog is not None, "the 新規評価 dialog did not open"
                fill(dialog)
            except BaseException as exc:  # re-raised below, outside Qt's event loop
                failures.append(exc)
            finally:
                if dialog is not None and dialog.isVisible():
                    dialog.reject()

        QTimer.singleShot(0, act)
        result = window.new_evaluation()
        if failures:
            raise failures[0]
        window.activateWindow()  # the offscreen platform does not hand activation back
        return result

    @staticmethod
    def tree_cell(window, node_id: str, column: int, occurrence: int = 0) -> str:
        index = window.tree_model.index_of(node_id, occurrence)
        assert index.isValid(), node_id
        return index.sibling(index.row(), column).data()

    @staticmethod
    def dash_cell(window, node_id: str, key: str) -> str:
        model = window.dashboard_model
        row = model.row_of(node_id)
        assert row >= 0, node_id
        return model.index(row, model.column_of(key)).data()

    @staticmethod
    def stored(db_path: Path) -> StoredState:
        """What the file holds, read through a second, independent read-only connection."""
        from desktop.store import EvaluationFile

        store = EvaluationFile.open(db_path, read_only=True)
        try:
            evaluation = store.evaluations()[0]
            return StoredState(
                answers=store.answers(evaluation.id),
                notes=store.indicator_notes(evaluation.id),
                history=store.history(evaluation.id),
                municipality=store.municipality(),
                evaluation=evaluation,
                wordings=store.wordings(evaluation.id),
            )
        finally:
            store.close()


@dataclass
class StoredState:
    answers: dict
    notes: dict
    history: list
    municipality: object
    evaluation: object
    wordings: dict


@pytest.fixture
def probe(qtbot) -> Probe:
    return Probe(qtbot)


@pytest.fixture
def half_file(db_path, r8) -> Path:
    """A file holding a half-answered R8 evaluation (every other self-assessed item)."""
    half_answered(db_path, r8)
    return db_path


@pytest.fixture
def fresh_r8_window(make_window, db_path, r8):
    """The main window on a new, unanswered R8 evaluation."""
    from desktop.evaluation.session import create_evaluation
    from desktop.store import EvaluationFile

    with EvaluationFile.open(db_path) as store:
        create_evaluation(store, r8)
    window = make_window()
    assert window.open_path(db_path)
    return window
