"""Menu entries for the workbooks, the report and the year features, wired into the main window.

The features themselves live in ``workbook_actions`` and ``report_actions`` (each a
plain function taking the window as parent); this module only decides where they
appear, when they are enabled, and what the window refreshes afterwards. Their
modules are imported on first use so that openpyxl and the report stay out of
start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from desktop.evaluation import errors
from desktop.ui.menus import (
    MENU_EDIT,
    MENU_EVALUATION,
    MENU_FILE,
    SECTION_EXCHANGE,
    SECTION_FEATURES,
)

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

# (key, menu, section, text, status tip, shortcut, writes to the file)
ENTRIES = [
    ("export_submission", MENU_FILE, SECTION_EXCHANGE, "提出用ブックを出力する(&E)…",
     "都道府県に提出する該当状況調査票（Excel）を出力します", "Ctrl+E", False),
    ("export_section", MENU_FILE, SECTION_EXCHANGE, "担当課用ブックを出力する(&S)…",
     "担当課に配る Excel（その課の評価指標だけ）を出力します", None, False),
    ("import_workbook", MENU_FILE, SECTION_EXCHANGE, "ブックを取り込む(&I)…",
     "記入された Excel を取り込みます（変更内容を確認してから反映）", "Ctrl+I", True),
    ("export_report", MENU_FILE, SECTION_EXCHANGE, "評価結果（公表資料）を出力する(&P)…",
     "評価結果の公表資料を Excel または PDF で出力します", "Ctrl+P", False),
    ("export_wording_pack", MENU_FILE, SECTION_EXCHANGE, "文言集を出力する(&W)…",
     "この年度のすべての小項目の文言を Excel の文言集に出力します（ほかの市町村に渡せます）", None, False),
    ("import_wording_pack", MENU_FILE, SECTION_EXCHANGE, "文言集を取り込む(&L)…",
     "文言集（Excel）の公式文言を取り込みます（変更内容を確認してから）", None, True),
    ("paste_wording_document", MENU_EVALUATION, SECTION_FEATURES, "国の評価指標から公式文言を読み込む(&R)…",
     "国の評価指標（PDF・テキスト）から各評価指標を探し、小項目ごとの公式文言として保存します", None, True),
    ("paste_wording_text", MENU_EVALUATION, SECTION_FEATURES, "国の評価指標の文を貼り付けて読み込む(&P)…",
     "国の評価指標からコピーした文から各評価指標を探し、小項目ごとの公式文言として保存します", None, True),
    ("show_gaps", MENU_EVALUATION, SECTION_FEATURES, "伸びしろ（減点項目の一覧）(&G)…",
     "未該当の小項目を、加点と全国該当率の順に一覧します", "Ctrl+G", False),
    ("edit_planned_responses", MENU_EVALUATION, SECTION_FEATURES, "今後の対応を入力(&T)…",
     "指標群ごとの今後の対応（公表資料に載ります）を入力します", None, True),
    ("enter_official_results", MENU_EVALUATION, SECTION_FEATURES, "国による評価結果を入力(&K)…",
     "国から通知された得点を入力し、自己評価と比べます", None, True),
    ("carry_forward", MENU_EVALUATION, SECTION_FEATURES, "前年度から引き継ぐ(&C)…",
     "この年度の回答・備考・根拠資料・担当を次の年度の評価に引き継ぎます", None, True),
]  # fmt: skip


class FeatureActions:
    def __init__(self, window: MainWindow):
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.writes: set[str] = set()
        self._gap_dialog = None
        for key, menu, section, text, tip, shortcut, writes in ENTRIES:
            action = QAction(text, window)
            action.setObjectName(key)
            action.setStatusTip(tip)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, k=key: self.run(k))
            window.add_menu_action(menu, action, section)
            self.actions[key] = action
            if writes:
                self.writes.add(key)
        self.name_action = QAction("変更履歴に記録する名前(&U)…", window)
        self.name_action.setObjectName("recorded_name")
        self.name_action.setStatusTip("回答や記録を変更した人として履歴に残す名前を設定します")
        self.name_action.triggered.connect(lambda _checked=False: self.ask_recorded_name())
        window.add_menu_action(MENU_EDIT, self.name_action)
        self.update_enabled()

    # --- who is recorded -----------------------------------------------------------------
    def ask_recorded_name(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        window = self.window
        current = window.ui_settings.recorded_name() or ""
        name, accepted = QInputDialog.getText(
            window,
            "変更履歴に記録する名前",
            "回答や記録を変更したときに、変更履歴（監査ログ）に残す名前です。\n"
            f"空欄にすると、パソコンのユーザー名（{_os_user_name()}）を記録します。",
            text=current,
        )
        if accepted:
            self.set_recorded_name(name)

    def set_recorded_name(self, name: str | None) -> None:
        """Remember the name and record every later change in this session under it."""
        window = self.window
        name = (name or "").strip() or None
        window.ui_settings.set_recorded_name(name)
        window.user = name
        if window.document is not None:
            window.document.record_changes_as(name)
        shown = name or f"パソコンのユーザー名（{_os_user_name()}）"
        window.statusBar().showMessage(f"変更履歴には「{shown}」と記録します")

    # --- state --------------------------------------------------------------------------
    def update_enabled(self) -> None:
        window = self.window
        session = window.session
        read_only = window.document is not None and window.document.read_only
        for key, action in self.actions.items():
            action.setEnabled(session is not None and not (read_only and key in self.writes))

    def refresh_extra_columns(self) -> None:
        """Last year's and the official figures beside this year's, where there are any."""
        window = self.window
        session = window.session
        if session is None or window.dashboard_model is None:
            return
        from desktop.report.comparison import previous_points
        from desktop.report.official import session_official_figures

        try:
            previous = previous_points(session) or None
            official = session_official_figures(session) or None
        except errors.StoreError:  # the figures are extras: never block the window for them
            previous = official = None
        window.dashboard_model.set_extra_columns(previous=previous, official=official)
        self.refresh_per_point()

    def refresh_per_point(self) -> None:
        """「1点あたり 約N千円（試算）」 per grant beside the totals (empty without the data)."""
        from desktop.national.standing import per_point_line, session_per_point

        window = self.window
        session = window.session
        if window.dashboard is None:
            return
        line = per_point_line(session_per_point(session)) if session is not None else ""
        window.dashboard.set_per_point(
            line,
            "全国集計結果と基本配分枠による試算。実際の交付額は追加配分枠・激変緩和措置があり、"
            "所要見込額との低い方になるため異なります。",
        )

    # --- running ----------------------------------------------------------------------------
    def run(self, key: str) -> None:
        window = self.window
        session = window.session
        if session is None:
            return
        window._commit_pending()  # typing in the panel belongs in what is exported
        getattr(self, f"_{key}")(session)

    def _export_submission(self, session) -> None:
        from desktop.ui.workbook_actions import export_submission

        self._saved(export_submission(self.window, session))

    def _export_section(self, session) -> None:
        from desktop.ui.workbook_actions import export_section

        self._saved(export_section(self.window, session))

    def _import_workbook(self, session) -> None:
        from desktop.ui.workbook_actions import import_workbook

        if import_workbook(self.window, session):
            self.window.reload()
            self.window.statusBar().showMessage("取り込みました（変更履歴に「取込」として記録）")

    def _export_wording_pack(self, session) -> None:
        from desktop.ui.wording_actions import export_pack

        self._saved(export_pack(self.window, session))

    def _import_wording_pack(self, session) -> None:
        from desktop.ui.wording_actions import import_pack

        if import_pack(self.window, session):
            self.window.reload()
            self.window.statusBar().showMessage("文言集を取り込みました（変更履歴に記録）")

    def _paste_wording_document(self, session) -> None:
        from desktop.ui.wording_actions import paste_document

        if paste_document(self.window, session):
            self.window.reload()
            self.window.statusBar().showMessage("公式文言（貼り付け）を保存しました（変更履歴に記録）")

    def _paste_wording_text(self, session) -> None:
        from desktop.ui.wording_actions import paste_document_text

        if paste_document_text(self.window, session):
            self.window.reload()
            self.window.statusBar().showMessage("公式文言（貼り付け）を保存しました（変更履歴に記録）")

    def _export_report(self, session) -> None:
        from desktop.ui.report_actions import export_report

        self._saved(export_report(self.window, session))

    def _show_gaps(self, session) -> None:
        from desktop.ui.report_actions import show_gaps

        if self._gap_dialog is not None:
            self._gap_dialog.close()
        self._gap_dialog = show_gaps(self.window, session, self.window.jump_to)

    def _edit_planned_responses(self, session) -> None:
        from desktop.ui.report_actions import edit_planned_responses

        group_id = None
        indicator_id = self.window.current_indicator_id()
        if indicator_id is not None:
            group_id = session.catalog.group_of(indicator_id).id
        edit_planned_responses(self.window, session, group_id)

    def _enter_official_results(self, session) -> None:
        from desktop.ui.report_actions import enter_official_results

        if enter_official_results(self.window, session):
            self.refresh_extra_columns()
            self.window.statusBar().showMessage("国による評価結果を保存しました")

    def _carry_forward(self, session) -> None:
        from desktop.ui.report_actions import carry_forward

        carried = carry_forward(self.window, self.window.document, session)
        if carried is not None:
            self.window.switch_year(carried.record.fiscal_year)

    def _saved(self, path) -> None:
        if path is not None:
            self.window.statusBar().showMessage(f"{path} に出力しました")


def _os_user_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (service accounts)
        return "不明"
