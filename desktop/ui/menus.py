"""All menus of the main window, built in one place.

Other features are added later by the lead through named sections, e.g.::

    window.add_menu_action("file", export_action, section="exchange")      # 出力/取り込み
    window.add_menu_action("evaluation", carry_action, section="features")  # 前年度から引き継ぐ …

An action added to a section lands before the section's closing separator, so the
menus keep their grouping however many entries are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

MENU_FILE = "file"
MENU_EDIT = "edit"
MENU_GO = "go"
MENU_EVALUATION = "evaluation"
MENU_VIEW = "view"
MENU_HELP = "help"

SECTION_EXCHANGE = "exchange"  # ファイル: 出力 / 取り込み
SECTION_FEATURES = "features"  # 評価: 前年度から引き継ぐ / 国の評価結果 / 伸びしろ / 公表資料


@dataclass
class Menus:
    """The window's menus and their actions, found by name."""

    menus: dict[str, QMenu] = field(default_factory=dict)
    actions: dict[str, QAction] = field(default_factory=dict)
    # (menu, section) → the separator that closes the section
    sections: dict[tuple[str, str], QAction] = field(default_factory=dict)
    recent: QMenu | None = None
    years: QMenu | None = None

    def add(self, menu: str, action: QAction, section: str | None = None) -> QAction:
        target = self.menus[menu]
        anchor = self.sections.get((menu, section)) if section else None
        if anchor is not None:
            target.insertAction(anchor, action)
            anchor.setVisible(True)
        else:
            target.addAction(action)
        return action


def _action(window: QMainWindow, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        if isinstance(shortcut, (list, tuple)):
            action.setShortcuts([QKeySequence(s) for s in shortcut])
        else:
            action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def _section(menus: Menus, name: str, section: str) -> None:
    separator = menus.menus[name].addSeparator()
    separator.setVisible(False)  # an empty section shows no double separator
    menus.sections[(name, section)] = separator


def build_menus(window) -> Menus:
    """Create the menu bar of ``window`` (a MainWindow) and return its menus and actions."""
    bar = window.menuBar()
    m = Menus()
    a = m.actions

    file = m.menus[MENU_FILE] = bar.addMenu("ファイル(&F)")
    a["new"] = _action(window, "新規評価(&N)…", window.new_evaluation, QKeySequence.StandardKey.New)
    a["open"] = _action(window, "開く(&O)…", window.choose_and_open, QKeySequence.StandardKey.Open)
    file.addAction(a["new"])
    file.addAction(a["open"])
    m.recent = file.addMenu("最近使ったファイル(&R)")
    m.recent.aboutToShow.connect(window.fill_recent_menu)
    file.addSeparator()
    _section(m, MENU_FILE, SECTION_EXCHANGE)
    a["restore"] = _action(window, "バックアップから復元(&B)…", window.restore_from_backup)
    file.addAction(a["restore"])
    file.addSeparator()
    a["quit"] = _action(window, "終了(&X)", window.close, QKeySequence("Ctrl+Q"))
    file.addAction(a["quit"])

    edit = m.menus[MENU_EDIT] = bar.addMenu("編集(&E)")
    a["undo"] = window.undo_group.createUndoAction(window, "元に戻す")
    a["undo"].setShortcut(QKeySequence.StandardKey.Undo)
    a["redo"] = window.undo_group.createRedoAction(window, "やり直す")
    a["redo"].setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
    edit.addAction(a["undo"])
    edit.addAction(a["redo"])
    edit.addSeparator()
    a["find"] = _action(window, "検索(&F)", window.focus_search, QKeySequence.StandardKey.Find)
    edit.addAction(a["find"])
    edit.addSeparator()
    a["history"] = _action(window, "変更履歴(&H)…", window.show_history, "Ctrl+H")
    a["item_history"] = _action(
        window,
        "この小項目の変更履歴…",
        lambda: window.show_history(window._current_target() or window.current_indicator_id()),
        "Ctrl+Shift+H",
    )
    edit.addAction(a["history"])
    edit.addAction(a["item_history"])
    edit.addSeparator()
    a["assign_sections"] = _action(
        window, "担当課・担当者をまとめて設定(&A)…", window.assign_sections
    )
    edit.addAction(a["assign_sections"])

    go = m.menus[MENU_GO] = bar.addMenu("移動(&G)")
    a["next_unanswered"] = _action(window, "次の未回答へ", window.next_unanswered, "F3")
    a["prev_unanswered"] = _action(
        window, "前の未回答へ", lambda: window.next_unanswered(-1), "Shift+F3"
    )
    a["next_indicator"] = _action(window, "次の評価指標", window.next_indicator, "Ctrl+PgDown")
    a["prev_indicator"] = _action(
        window, "前の評価指標", lambda: window.next_indicator(-1), "Ctrl+PgUp"
    )
    a["switch_pane"] = _action(window, "一覧と入力欄を切り替え", window.switch_pane, "F6")
    for key in ("next_unanswered", "prev_unanswered", "next_indicator", "prev_indicator"):
        go.addAction(a[key])
    go.addSeparator()
    go.addAction(a["switch_pane"])

    evaluation = m.menus[MENU_EVALUATION] = bar.addMenu("評価(&V)")
    m.years = evaluation.addMenu("年度の切り替え(&Y)")
    m.years.aboutToShow.connect(window.fill_year_menu)
    a["upgrade"] = _action(window, "評価指標の更新(&U)…", window.offer_upgrade)
    evaluation.addAction(a["upgrade"])
    evaluation.addSeparator()
    _section(m, MENU_EVALUATION, SECTION_FEATURES)

    view = m.menus[MENU_VIEW] = bar.addMenu("表示(&W)")
    a["clear_filters"] = _action(window, "絞り込みを解除", window.clear_filters)
    view.addAction(a["clear_filters"])
    a["focus_dashboard"] = _action(window, "得点の一覧へ", window.focus_dashboard, "Ctrl+T")
    view.addAction(a["focus_dashboard"])

    help_menu = m.menus[MENU_HELP] = bar.addMenu("ヘルプ(&H)")
    a["keys"] = _action(window, "キーボード操作(&K)", window.show_keyboard_help, "F1")
    a["about"] = _action(window, "交付金評価デスクについて(&A)", window.show_about)
    help_menu.addAction(a["keys"])
    help_menu.addAction(a["about"])

    # Every shortcut works wherever the focus is inside the window.
    for action in a.values():
        window.addAction(action)
    return m


EVALUATION_ACTIONS = (
    "next_unanswered",
    "prev_unanswered",
    "next_indicator",
    "prev_indicator",
    "switch_pane",
    "upgrade",
    "find",
    "clear_filters",
    "history",
    "item_history",
    "assign_sections",
)
