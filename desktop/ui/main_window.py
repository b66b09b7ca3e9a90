"""The main window: navigation tree, indicator panel and the always-visible totals.

The window lays things out and routes user actions; the
:class:`~desktop.ui.controller.EvaluationController` performs them (one saved,
audited action each) and the views update from the new score tree. File handling
lives in :mod:`desktop.ui.window_files`, keyboard navigation in
:mod:`desktop.ui.window_keys`.

Start-up: only a light shell (menus, start page) is built and painted first; the
store, the catalog and the work area (tree, panel, dashboard) are loaded when an
evaluation is opened, right after the first paint.

Entry points for features added later:

* :meth:`MainWindow.add_menu_action` (menus ファイル → 出力/取り込み, 評価 → …);
* :meth:`MainWindow.reload` after an external change (an import);
* :meth:`MainWindow.jump_to` to show an indicator or a sub-item;
* :attr:`MainWindow.session`, :attr:`MainWindow.controller`,
  :attr:`MainWindow.dashboard_model` (``set_extra_columns(previous=…, official=…)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME_JA, __version__
from desktop.evaluation import errors
from desktop.ui import colors
from desktop.ui.banners import Banner
from desktop.ui.document_controller import DocumentController
from desktop.ui.feature_actions import FeatureActions
from desktop.ui.guarded_combo import GuardedComboBox
from desktop.ui.menus import EVALUATION_ACTIONS, Menus, build_menus
from desktop.ui.national_actions import NationalActions
from desktop.ui.settings import UiSettings
from desktop.ui.start_page import StartPage
from desktop.ui.window_actions import IndicatorActions
from desktop.ui.window_files import FileHandling
from desktop.ui.window_keys import KeyboardNavigation

if TYPE_CHECKING:
    from desktop.evaluation.session import Session
    from desktop.ui.controller import EvaluationController

READ_ONLY_MARK = "〔読み取り専用〕"
PAGE_START, PAGE_WORK = 0, 1


class MainWindow(FileHandling, IndicatorActions, KeyboardNavigation, QMainWindow):
    def __init__(self, user: str | None = None, settings: QSettings | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.user = user
        self.path: Path | None = None
        self.document_controller = DocumentController(self)
        self.controller: EvaluationController | None = None
        self.interactive = True
        self.remember = True  # False for scripts and screenshots: the user's settings stay
        self.read_only_reason = ""
        self.new_evaluation_dialog = None
        self.history_dialog = None
        self._prompts = None
        self._pending_open = None
        self._shown_once = False
        # Folders of shared wording packs besides the shipped one, registered with
        # desktop.wording.packs before the first evaluation is used (after the first paint).
        self.pack_folders: list[Path] = []
        self.ui_settings = UiSettings(settings)
        self.undo_group = QUndoGroup(self)
        # The work area is built on first use (start-up speed); None until then.
        self.tree_model = self.dashboard_model = None
        self.navigation = self.panel = self.dashboard = self.splitter = None

        self._build_shell()
        self.menus: Menus = build_menus(self)
        self.features = FeatureActions(self)
        self.national = NationalActions(self)
        self._connect_document_controller()
        self._restore_layout()
        self._show_start("")

    # ------------------------------------------------------------------------------------
    # layout: the shell at once, the work area when an evaluation is opened
    # ------------------------------------------------------------------------------------
    def _build_shell(self) -> None:
        metrics = self.fontMetrics()
        self.read_only_banner = Banner("readOnlyBanner", colors.WARN)
        self.upgrade_banner = Banner("upgradeBanner", colors.NEUTRAL, "評価指標の更新…")
        self.upgrade_banner.action_clicked.connect(self.offer_upgrade)
        self.work = QWidget()
        self.work_layout = QVBoxLayout(self.work)
        self.work_layout.setContentsMargins(0, 0, 0, 0)
        self.work_layout.setSpacing(2)
        self.work_layout.addWidget(self.read_only_banner)
        self.work_layout.addWidget(self.upgrade_banner)

        self.start_page = StartPage()
        self.start_page.new_requested.connect(self.new_evaluation)
        self.start_page.open_requested.connect(self.choose_and_open)
        self.start_page.recent_chosen.connect(lambda path: self.open_path(Path(path)))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.work)
        self.setCentralWidget(self.stack)

        # The dock exists from the start so that the saved window state can place it.
        self.dashboard_dock = QDockWidget("得点の一覧（自己評価・見込み・全国平均）", self)
        self.dashboard_dock.setObjectName("dashboardDock")
        # Always visible: it can move (right or bottom) but not be closed.
        self.dashboard_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.dashboard_dock.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dashboard_dock)

        self.toolbar = QToolBar("評価")
        self.toolbar.setObjectName("evaluationToolbar")
        self.toolbar.setMovable(False)
        self.year_combo = GuardedComboBox()
        self.year_combo.setObjectName("yearSelector")
        self.year_combo.setToolTip("このファイルにある評価の年度")
        self.year_combo.activated.connect(lambda i: self.switch_year(self.year_combo.itemData(i)))
        self.municipality_label = QLabel()
        self.municipality_label.setObjectName("municipality")
        self.toolbar.addWidget(QLabel(" 年度 "))
        self.toolbar.addWidget(self.year_combo)
        self.toolbar.addWidget(QLabel("　"))
        self.toolbar.addWidget(self.municipality_label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        self.total_label = QLabel()
        self.total_label.setObjectName("totalLabel")
        self.statusBar().addPermanentWidget(self.total_label)
        char = metrics.horizontalAdvance("あ")
        self.resize(char * 100, metrics.lineSpacing() * 40)

    def _ensure_work_area(self) -> None:
        """Build the tree, the panel and the dashboard (once, when first needed)."""
        if self.panel is not None:
            return
        from desktop.ui.dashboard_model import NODE_ID_ROLE, DashboardModel
        from desktop.ui.dashboard_view import DashboardView
        from desktop.ui.indicator_panel import IndicatorPanel
        from desktop.ui.navigation import NavigationPane
        from desktop.ui.tree_model import ScoreTreeModel

        self.tree_model = ScoreTreeModel(self)
        self.dashboard_model = DashboardModel(self)
        self.navigation = NavigationPane(self.tree_model)
        self.panel = IndicatorPanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        splitter_state = self.ui_settings.splitter_state()
        if splitter_state is not None:
            self.splitter.restoreState(splitter_state)
        else:  # first start: split by the real width once it is known
            QTimer.singleShot(0, self._first_split)
        self.work_layout.addWidget(self.splitter, 1)
        self.dashboard = DashboardView(self.dashboard_model)
        self.dashboard_dock.setWidget(self.dashboard)
        if self.ui_settings.window_state() is None:  # first start: just wide enough
            self.resizeDocks(
                [self.dashboard_dock],
                [self.dashboard.sizeHint().width()],
                Qt.Orientation.Horizontal,
            )

        self.navigation.indicator_chosen.connect(self.show_indicator)
        self.navigation.enter_requested.connect(lambda _id: self.panel.focus_first_open_row())
        self.panel.answer_requested.connect(self._answer)
        self.panel.note_edited.connect(self._note)
        self.panel.wording_edited.connect(self._wording)
        self.panel.attachment_action.connect(self._attachment_action)
        self.panel.paste_requested.connect(self._paste_wording)
        self.panel.waiver_requested.connect(self._waive_prerequisite)
        self.panel.leave_requested.connect(lambda: self.navigation.view.setFocus())
        self.panel.end_reached.connect(self.past_last_item)
        self.panel.history_requested.connect(self.show_history)
        self.navigation.assign_requested.connect(self.assign_sections)
        self.dashboard.table.clicked.connect(
            lambda index: self.navigation.select(index.data(NODE_ID_ROLE))
        )

    def _first_split(self) -> None:
        """Tree and panel share the width about evenly (the tree's titles need room)."""
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        tree = max(self.navigation.minimumSizeHint().width(), int(total * 0.47))
        self.splitter.setSizes([tree, max(total - tree, 1)])

    @property
    def prompts(self):
        """Every modal question goes through here (tests put a scripted stand-in)."""
        if self._prompts is None:
            from desktop.ui.prompts import Prompts

            self._prompts = Prompts(self)
        return self._prompts

    @prompts.setter
    def prompts(self, value) -> None:
        self._prompts = value

    # ------------------------------------------------------------------------------------
    # entry points for other features
    # ------------------------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self.controller.session if self.controller is not None else None

    def add_menu_action(self, menu: str, action: QAction, section: str | None = None) -> QAction:
        """Add an entry to a menu (``file``, ``evaluation`` …), optionally in a named section."""
        self.menus.add(menu, action, section)
        self.addAction(action)  # its shortcut works anywhere in the window
        return action

    def reload(self) -> None:
        """Re-read everything from the file (after an import or another external change)."""
        if self.document is None:
            return
        year = self.session.record.fiscal_year if self.session is not None else None
        self._open_session(year)

    def jump_to(self, target_id: str) -> bool:
        """Show an indicator, or the indicator of a sub-item (or all-of part) and focus it."""
        if self.controller is None:
            return False
        catalog = self.controller.catalog
        target = None
        if catalog.has_indicator(target_id):
            indicator_id = target_id
        elif catalog.has_target(target_id):
            indicator_id, target = catalog.indicator_of_target(target_id).id, target_id
        else:
            return False
        self.navigation.select(indicator_id)
        if self.current_indicator_id() != indicator_id:
            self.show_indicator(indicator_id)
        # A jump from a list in its own window (伸びしろ, 変更履歴) brings the main window
        # forward, so that the next key answers the sub-item rather than going to the list.
        self.activateWindow()
        if target is not None:
            return self.panel.focus_target(target)
        self.panel.focus_first_open_row()
        return True

    def current_indicator_id(self) -> str | None:
        if self.panel is None or self.panel.indicator is None:
            return None
        return self.panel.indicator.id

    # ------------------------------------------------------------------------------------
    # the evaluation on screen
    # ------------------------------------------------------------------------------------
    def _use_session(self, session: Session | None) -> None:
        self._commit_pending()  # typing not yet saved belongs to the old evaluation
        shown = self.current_indicator_id()  # after a reload (an import, a carry): stay there
        if self.controller is not None:
            self.undo_group.removeStack(self.controller.undo_stack)
            self.controller.deleteLater()
            self.controller = None
        if session is None:
            if self.panel is not None:
                self.panel.clear()
                self.tree_model.reset(None)
                self.dashboard_model.reset(None)
            self._update_chrome()
            return
        from desktop.ui.controller import EvaluationController
        from desktop.wording.packs import add_pack_folder

        for folder in self.pack_folders:  # the controller reads the shared packs' texts
            add_pack_folder(folder)
        self._ensure_work_area()
        self.panel.clear()
        controller = EvaluationController(session, self)
        controller.scored.connect(self._on_scored)
        controller.paint_now.connect(self._paint_totals)
        controller.notes_changed.connect(self._on_notes_changed)
        controller.wordings_changed.connect(self._on_wordings_changed)
        controller.attachments_changed.connect(self._on_attachments_changed)
        controller.saved.connect(lambda text: self.statusBar().showMessage(text))
        controller.failed.connect(self._on_failure)
        controller.reloaded.connect(self._load_views)
        self.undo_group.addStack(controller.undo_stack)
        self.undo_group.setActiveStack(controller.undo_stack)
        self.controller = controller
        self._load_views(shown)
        QTimer.singleShot(0, self._check_upgrade)  # reads the shipped catalogs: after painting

    def _load_views(self, previous: str | None = None) -> None:
        controller = self.controller
        if controller is None:
            return
        previous = previous or self.current_indicator_id()
        self.panel.clear()
        self.tree_model.reset(
            controller.tree, controller.notes, controller.searchable_texts(), controller.carried
        )
        self.dashboard_model.reset(controller.tree)
        # Last year's and the official figures are extras: after the evaluation is shown.
        self.after_shown(self.features.refresh_extra_columns)
        self.navigation.set_sections(self._sections())
        self.panel.set_editable(not controller.read_only)
        self._update_chrome()
        self.stack.setCurrentIndex(PAGE_WORK)
        self.dashboard_dock.show()
        ids = self.tree_model.indicator_ids()
        if ids:
            self.navigation.select(previous if previous in ids else ids[0])
            # After opening, an import or a carry: ready to answer where the user was.
            self.panel.focus_first_open_row()

    def show_indicator(self, indicator_id: str) -> None:
        controller = self.controller
        if controller is None or self.current_indicator_id() == indicator_id:
            return
        try:
            attachments = controller.attachments(indicator_id)
        except errors.StoreError as exc:
            self._report(exc)
            attachments = []
        self.panel.show_indicator(
            controller.catalog,
            indicator_id,
            controller.tree,
            controller.note(indicator_id),
            controller.layers,
            attachments,
            self._sections(),
        )

    def _sections(self) -> list[str]:
        if self.controller is None:
            return []
        return sorted({n.section for n in self.controller.notes.values() if n.section})

    def _commit_pending(self) -> None:
        if self.panel is not None:
            self.panel.notes.commit_pending()

    def _drop_pending(self) -> None:
        """Forget typing that can no longer be saved (the lock was lost)."""
        if self.panel is not None:
            self.panel.notes.blockSignals(True)
            self.panel.clear()
            self.panel.notes.blockSignals(False)

    def _show_start(self, message: str) -> None:
        text = message or "評価ファイルを開くか、新規評価を作成してください。"
        if self.path is not None and self.document is not None:
            text += f"\n開いているファイル: {self.path}"
        # Not the file open (or being opened): the list offers the others.
        current = self.path if self._pending_open is None else self._pending_open[0]
        here = current.resolve() if current is not None else None
        recent = [p for p in self.ui_settings.recent_files() if p != here]
        self.start_page.show_state(text, recent)
        self.stack.setCurrentIndex(PAGE_START)
        self.dashboard_dock.hide()
        self._update_chrome()

    def _update_chrome(self) -> None:
        """Title, year selector, municipality, banners, totals and which actions apply."""
        session = self.session
        read_only = self.document is not None and self.document.read_only
        municipality = self._municipality()
        parts = []
        if session is not None:
            name = municipality.name if municipality and municipality.name else ""
            parts.append(f"{name} {session.record.year_label}".strip())
        if self.path is not None:
            parts.append(self.path.name + (READ_ONLY_MARK if read_only else ""))
        parts.append(APP_NAME_JA)
        self.setWindowTitle(" — ".join(parts))

        self._fill_year_combo()
        self.municipality_label.setText(self._municipality_text(municipality))
        self.toolbar.setVisible(session is not None)
        if read_only and session is not None:
            reason = self.read_only_reason or "読み取り専用で開いています。"
            self.read_only_banner.show_text(
                f"{READ_ONLY_MARK} {reason} 変更は保存できません。", closable=False
            )
        else:
            self.read_only_banner.hide()
        if session is None:
            self.upgrade_banner.hide()
        self._update_total()
        for key in EVALUATION_ACTIONS:
            self.menus.actions[key].setEnabled(session is not None)
        self.menus.actions["restore"].setEnabled(self.path is not None)
        self.menus.actions["upgrade"].setEnabled(session is not None and not read_only)
        if getattr(self, "features", None) is not None:
            self.features.update_enabled()

    def _municipality(self):
        if self.document is None:
            return None
        try:
            return self.document.municipality()
        except errors.StoreError:
            return None

    def _municipality_text(self, municipality) -> str:
        if municipality is None or not municipality.name:
            return ""
        details = [municipality.name]
        if municipality.prefecture:
            details.append(f"（{municipality.prefecture}）")
        if municipality.insured:
            details.append(f"　第1号被保険者 {municipality.insured:,}人")
        if self.session is not None:
            details.append(f"　評価指標: {self.session.catalog.display_name()}")
        return "".join(details)

    def _fill_year_combo(self) -> None:
        self.year_combo.clear()
        if self.document is None or self.session is None:
            return
        try:
            records = self.document.evaluations()
        except errors.StoreError:
            records = []
        for record in records:
            self.year_combo.addItem(record.year_label, record.fiscal_year)
        self.year_combo.setCurrentIndex(self.year_combo.findData(self.session.record.fiscal_year))
        self.year_combo.setEnabled(len(records) > 1)

    def _update_total(self) -> None:
        if self.controller is None:
            self.total_label.setText("")
            return
        root = self.controller.tree.root
        self.total_label.setText(
            f"合計 自己評価 {root.points}点・見込み {root.projected_points}点／{root.max_points}点"
        )

    # --- what the controller reports -----------------------------------------------------------
    def _on_scored(self, tree) -> None:
        controller = self.controller
        self.tree_model.update(tree=tree, carried=controller.carried)
        self.dashboard_model.update(tree)
        self.panel.update_tree(tree, controller.layers, controller.waived)
        self._update_total()

    def _paint_totals(self) -> None:
        """Paint what the new totals changed now (the controller is about to save).

        Only the pending update request is delivered: Qt paints the dirty regions, as it
        would on the next turn of the event loop, without a full repaint of any view.
        """
        QApplication.sendPostedEvents(self, QEvent.Type.UpdateRequest)

    def _on_notes_changed(self, indicator_ids: set[str]) -> None:
        controller = self.controller
        self.tree_model.update(notes=controller.notes)
        self.navigation.set_sections(self._sections())
        indicator = self.current_indicator_id()
        if indicator is not None and indicator in indicator_ids:
            self.panel.update_note(controller.note(indicator))

    def _on_wordings_changed(self, _item_ids: set[str]) -> None:
        controller = self.controller
        self.tree_model.update(wordings=controller.searchable_texts())
        self.panel.update_wordings(controller.tree, controller.layers)

    def _on_attachments_changed(self, indicator_id: str) -> None:
        if self.current_indicator_id() == indicator_id:
            try:
                self.panel.update_attachments(self.controller.attachments(indicator_id))
            except errors.StoreError as exc:
                self._report(exc)

    def _on_failure(self, exc) -> None:
        if isinstance(exc, errors.LockLost):
            self._lock_lost(str(exc))
            return
        self.statusBar().showMessage(f"保存できませんでした: {getattr(exc, 'title', '')}")
        self._report(exc)

    def _report(self, exc: Exception, title: str | None = None) -> None:
        if self.interactive:
            self.prompts.error(exc, title)
        else:
            self.statusBar().showMessage(f"{title or getattr(exc, 'title', 'エラー')}: {exc}")

    # ------------------------------------------------------------------------------------
    # help
    # ------------------------------------------------------------------------------------
    def show_keyboard_help(self) -> None:
        from desktop.ui.help_dialog import KeyboardHelpDialog

        KeyboardHelpDialog(self).exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # named where used (desktop/ui/__init__.py)

        QMessageBox.about(
            self,
            f"{APP_NAME_JA}について",
            f"{APP_NAME_JA} {__version__}\n\n"
            "保険者機能強化推進交付金・介護保険保険者努力支援交付金の自己評価を、"
            "インターネットに接続せずに入力・集計するためのアプリです。",
        )

    # ------------------------------------------------------------------------------------
    # first paint, remembering the layout, closing
    # ------------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Should no paint event reach the window itself (covered by opaque children on
        # some platform), open the file shortly anyway; opening twice is not possible.
        if self._pending_open is not None:
            QTimer.singleShot(250, self._open_pending)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # The file the application asked for is opened once the window is on screen.
            QTimer.singleShot(0, self._open_pending)

    def _restore_layout(self) -> None:
        geometry = self.ui_settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.ui_settings.window_state()
        if state is not None:
            self.restoreState(state)

    def save_layout(self) -> None:
        splitter = self.splitter.saveState() if self.splitter is not None else None
        if splitter is None:
            splitter = self.ui_settings.splitter_state()
        self.ui_settings.save_layout(self.saveGeometry(), self.saveState(), splitter)

    def closeEvent(self, event) -> None:
        if self.remember:
            self.save_layout()
        self.wait_for_verification(10_000)  # never cut the opening backup off half-way
        self._close_file()
        self.heartbeat_timer.stop()
        super().closeEvent(event)
