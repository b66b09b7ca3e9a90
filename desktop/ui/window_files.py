"""The main window's file handling: open, new evaluation, years, backups, the lock.

A mixin of :class:`desktop.ui.main_window.MainWindow`, kept apart so that each
module has one job. What happens to the file (opening, the lock, the heartbeat,
backups, restoring, a lost lock) is :class:`desktop.evaluation.document.Document`,
held for the window by :class:`desktop.ui.document_controller.DocumentController`
(its timer and background check); this mixin only asks the user and shows the outcome. The document module is imported
inside the methods: it is not needed to paint the first window (start-up speed).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from desktop import start_collector
from desktop.dates import japanese_datetime
from desktop.evaluation import errors
from desktop.ui.document_controller import DocumentController

if TYPE_CHECKING:
    from desktop.evaluation.document import Document

NO_EVALUATION_YET = "このファイルにはまだ評価がありません。新規評価を作成してください。"
# Looking for a newer catalog revision reads every shipped catalog (about 80 ms the first
# time): it waits this long after an evaluation is loaded, so that it is on screen first.
# Work that is not needed for the first look at an evaluation (the upgrade offer, last
# year's and the official figures) waits this long: a zero timer still fires before the
# tree's own delayed layout and first paint, so the evaluation appeared about 45 ms (the
# upgrade check) and 30 ms (the extra figures) later (benchmarks/README.md).
AFTER_SHOWN_DELAY_MS = 200


class FileHandling:
    """Needs: document_controller, path, user, prompts, ui_settings, _use_session …"""

    document_controller: DocumentController

    def _connect_document_controller(self) -> None:
        files = self.document_controller
        files.lock_lost.connect(self._lock_lost)
        files.damaged.connect(self._report)
        files.message.connect(self.statusBar().showMessage)

    @property
    def document(self) -> Document | None:
        """The open evaluation file, or None."""
        return self.document_controller.document

    @property
    def heartbeat_timer(self):
        return self.document_controller.heartbeat_timer

    # --- opening ------------------------------------------------------------------------
    def open_path(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        takeover: bool = False,
        interactive: bool = True,
    ) -> bool:
        """Open an evaluation file; a locked file offers read-only (and takeover when stale).

        Called before the window is first shown (as the application does), the file is
        opened right after the first paint, so that the window appears at once; the
        return value then only says that the opening is under way.
        """
        path = Path(path)
        if interactive and not self.isVisible() and not self._shown_once:
            self._pending_open = (path, read_only, takeover)
            self._show_start(f"{path.name} を開いています…")
            return True
        return self._open_now(path, read_only=read_only, takeover=takeover, interactive=interactive)

    def _open_pending(self) -> None:
        try:
            if self._pending_open is not None:
                path, read_only, takeover = self._pending_open
                self._pending_open = None
                self._open_now(path, read_only=read_only, takeover=takeover, interactive=True)
        finally:  # the start is over, whatever the opening did: collect again after painting
            self.after_shown(start_collector.resume)

    def _open_now(self, path: Path, *, read_only: bool, takeover: bool, interactive: bool) -> bool:
        from desktop.evaluation.document import Document

        self.interactive = interactive
        if not interactive:
            self.remember = False  # a script or a screenshot leaves the user's settings alone
        try:
            # Writable: the quick check now, the full check and the opening backup just
            # after, off the GUI thread (see desktop.ui.verification).
            document = Document.open(
                path, user=self.user, read_only=read_only, takeover=takeover, check_later=True
            )
        except errors.FileLocked as exc:
            from desktop.ui.prompts import READ_ONLY, TAKE_OVER  # Qt dialog module: only here

            # Without a person to ask (a screenshot), reading is the harmless choice.
            choice = self.prompts.locked(exc) if interactive else READ_ONLY
            if choice == READ_ONLY:
                self.read_only_reason = str(exc)
                return self._open_now(path, read_only=True, takeover=False, interactive=interactive)
            if choice == TAKE_OVER:
                return self._open_now(path, read_only=False, takeover=True, interactive=interactive)
            if self.document is None:
                self._show_start("")
            return False
        except errors.NoEvaluation as exc:  # an empty file opened read-only
            self._report(exc)
            if self.document is None:
                self._show_start(str(exc))
            return False
        except errors.StoreError as exc:
            self._report(exc)
            if self.document is None:
                self._show_start(f"{exc.title}\n{exc}")
            return False
        if not read_only:
            self.read_only_reason = ""
        self._adopt(document)
        opened = self._open_session(None)
        if not read_only:
            self.document_controller.start_verification()
            self.after_shown(self._prepare_writes)
        return opened

    def _prepare_writes(self) -> None:
        if self.document is not None:
            self.document.prepare_writes()
            self.document.sweep_leftover_temporaries()

    def wait_for_verification(self, timeout_ms: int = 30_000) -> bool:
        """Block until the background check is done (closing the window; tests)."""
        return self.document_controller.wait_for_verification(timeout_ms)

    def _adopt(self, document: Document) -> None:
        self._close_file()
        self.document_controller.adopt(document)
        self.path = document.path
        if self.remember:
            self.ui_settings.add_recent(document.path)

    def _close_file(self) -> None:
        """Save pending typing, forget the evaluation and close the file (releasing the lock)."""
        self._commit_pending()
        self._use_session(None)
        self.document_controller.close()

    def _open_session(self, fiscal_year: int | None) -> bool:
        try:
            session = self.document.session(fiscal_year)
        except errors.NoEvaluation:
            self._use_session(None)
            self._show_start(NO_EVALUATION_YET)
            return True
        except errors.StoreError as exc:
            self._report(exc)
            self._use_session(None)
            self._show_start(f"{exc.title}\n{exc}")
            return False
        self._use_session(session)
        return True

    def choose_and_open(self) -> bool:
        folder = str(self.path.parent) if self.path else ""
        path = self.prompts.open_file_path(folder)
        return self.open_path(path) if path is not None else False

    def fill_recent_menu(self) -> None:
        menu = self.menus.recent
        menu.clear()
        recent = self.ui_settings.recent_files()
        for number, path in enumerate(recent, start=1):
            action = menu.addAction(f"&{number} {path.name}　—　{path.parent}")
            action.setToolTip(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not recent:
            menu.addAction("（なし）").setEnabled(False)
            return
        menu.addSeparator()
        menu.addAction("一覧を消去").triggered.connect(self.ui_settings.clear_recent)

    # --- new evaluations -----------------------------------------------------------------------
    def new_evaluation(self) -> bool:
        """新規評価: the dialog, then the evaluation in this file or in a new one."""
        from desktop.catalog import registry
        from desktop.ui.new_evaluation_dialog import NewEvaluationDialog

        catalogs = registry.catalogs()
        if not catalogs:
            self.prompts.info("新規評価", "同梱の評価指標を読み込めませんでした。")
            return False
        document = self.document
        writable = document is not None and not document.read_only
        try:
            municipality = document.municipality() if document is not None else None
            years = document.fiscal_years() if writable else set()
        except errors.StoreError as exc:
            self._report(exc)
            return False
        suggested = str(self.path.parent / "新しい評価.sqlite") if self.path else "評価.sqlite"
        dialog = NewEvaluationDialog(
            catalogs,
            municipality=municipality,
            current_path=self.path if writable else None,
            current_years=years,
            choose_path=lambda: self.prompts.save_file_path(suggested),
            parent=self,
        )
        self.new_evaluation_dialog = dialog  # reachable for tests and for the lead's wiring
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        self.new_evaluation_dialog = None
        if not accepted:
            return False
        return self.create_evaluation(dialog.request())

    def create_evaluation(self, request) -> bool:
        """Create what a NewEvaluationRequest asks for, in this file or a new one."""
        from desktop.evaluation.document import Document

        if request.target is not None and (self.path is None or request.target != self.path):
            try:
                document = Document.open(request.target, user=self.user)
                existing = document.municipality()
            except errors.StoreError as exc:
                self._report(exc)
                return False
            if (
                existing is not None
                and existing.name
                and existing.name != request.municipality.name
            ):
                document.close()
                self._report(
                    errors.StoreError(
                        request.target,
                        f"{request.target} は {existing.name} の評価ファイルです。"
                        "別の市町村の評価は別のファイルに作ってください。",
                    ),
                    title="新規評価を作成できません",
                )
                return False
            self._adopt(document)
        try:
            session = self.document.create_evaluation(request.catalog, request.municipality)
        except errors.StoreError as exc:
            self._report(exc)
            self._open_session(None)
            return False
        self._use_session(session)
        self.statusBar().showMessage(
            f"{request.municipality.name}の{request.catalog.year_label}の評価を作成しました"
        )
        return True

    # --- years -------------------------------------------------------------------------------------
    def fill_year_menu(self) -> None:
        menu = self.menus.years
        menu.clear()
        if self.document is None or self.session is None:
            menu.addAction("（評価がありません）").setEnabled(False)
            return
        for record in self.document.evaluations():
            action = menu.addAction(record.year_label)
            action.setCheckable(True)
            action.setChecked(record.fiscal_year == self.session.record.fiscal_year)
            action.triggered.connect(lambda _c=False, y=record.fiscal_year: self.switch_year(y))

    def switch_year(self, fiscal_year: int | None) -> bool:
        if fiscal_year is None or self.document is None:
            return False
        if self.session is not None and self.session.record.fiscal_year == fiscal_year:
            return True
        self._commit_pending()
        return self._open_session(fiscal_year)

    # --- backups ------------------------------------------------------------------------------------
    def restore_from_backup(self) -> bool:
        from desktop.evaluation.document import list_backups, restore

        if self.path is None:
            return False
        backups = list_backups(self.path)
        if not backups:
            self.prompts.info(
                "バックアップから復元", "このファイルのバックアップはまだありません。"
            )
            return False
        chosen = self.prompts.choose_backup(backups)
        if chosen is None:
            return False
        question = (
            f"{japanese_datetime(chosen.created)} のバックアップ（{chosen.reason_label}）に戻します。"
            "いまの内容は復元の前にバックアップされるので、あとから戻すこともできます。"
        )
        if not self.prompts.confirm("バックアップから復元", question, "復元する"):
            return False
        path = self.path
        year = self.session.record.fiscal_year if self.session is not None else None
        self._close_file()  # the restore takes the file's lock itself
        restored = True
        try:
            try:
                restore(path, chosen, user=self.user)
            except errors.OtherMunicipality as exc:
                if not self.prompts.confirm(exc.title, str(exc), "それでも復元する"):
                    raise
                restore(path, chosen, user=self.user, other_municipality=True)
        except errors.OtherMunicipality:
            restored = False  # the user said no: nothing to report
        except errors.StoreError as exc:
            self._report(exc)
            restored = False
        reopened = self._open_now(
            path, read_only=False, takeover=False, interactive=self.interactive
        )
        back_in_year = reopened and restored and year is not None and self.document is not None
        if back_in_year and year in self.document.fiscal_years():
            self._open_session(year)
        if restored:
            self.statusBar().showMessage("バックアップから復元しました")
        return restored

    # --- keeping the file safe: heartbeat, hourly backup, losing the lock --------------------------------
    def heartbeat(self) -> None:
        """Beat now (the timer does it every minute); a lost lock comes back as _lock_lost."""
        self.document_controller.heartbeat()

    def _lock_lost(self, reason: str) -> None:
        """Someone took the file over: switch to read-only and say so."""
        path = self.path
        year = self.session.record.fiscal_year if self.session is not None else None
        indicator = self.current_indicator_id()
        self._drop_pending()  # nothing typed can be saved any more
        self._use_session(None)
        self.document_controller.close()  # the lock is someone else's now: it is left alone
        interactive, remember = self.interactive, self.remember
        self.read_only_reason = reason
        # Reopen quietly (no lock dialog: we know why), then put the user back in place.
        if path is not None and self._open_now(
            path, read_only=True, takeover=False, interactive=False
        ):
            self.interactive, self.remember = interactive, remember
            self.read_only_reason = reason
            if year is not None:
                self._open_session(year)
            if indicator is not None:
                self.jump_to(indicator)
        self.interactive, self.remember = interactive, remember
        self._update_chrome()
        if interactive:
            self.prompts.info("読み取り専用に切り替えました", reason)

    # --- catalog revisions ------------------------------------------------------------------------------
    def _check_upgrade(self) -> None:
        """Offer a newer catalog revision, shortly after the evaluation is on screen."""
        self.after_shown(self._offer_upgrade_banner)

    def after_shown(self, work) -> None:
        """Run ``work`` once the evaluation just loaded has been painted."""
        # A timer owned by the window, so the work goes with the window. (Not singleShot
        # with a context object: PySide's choice among its overloads builds QMetaMethod's
        # type in the first frame; desktop/ui/__init__.py.)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(work)
        timer.timeout.connect(timer.deleteLater)
        timer.start(AFTER_SHOWN_DELAY_MS)

    def _offer_upgrade_banner(self) -> None:
        session = self.session
        if session is None or session.read_only:
            self.upgrade_banner.hide()
            return
        newer = session.available_upgrade()
        if newer is None:
            self.upgrade_banner.hide()
            return
        plan = session.plan_upgrade(newer)
        self.upgrade_banner.show_text(
            f"新しい評価指標（{newer.display_name()}）があります: {plan.summary()}"
        )

    def offer_upgrade(self) -> bool:
        session = self.session
        if session is None or session.read_only:
            return False
        newer = session.available_upgrade()
        if newer is None:
            self.prompts.info("評価指標の更新", "この評価は同梱の最新の評価指標を使っています。")
            return False
        plan = session.plan_upgrade(newer)
        question = (
            f"{plan.summary()}\n\n更新の前にバックアップを作ります。"
            "消える回答は、元の評価指標にしかない小項目の回答です。更新しますか？"
        )
        if not self.prompts.confirm("評価指標の更新", question, "更新する"):
            return False
        try:
            session.upgrade(newer)
        except errors.StoreError as exc:
            self._report(exc)
            return False
        self.upgrade_banner.hide()
        self.controller.reload()
        self.statusBar().showMessage(f"評価指標を更新しました（{plan.summary()}）")
        return True
