"""The main window's actions on indicators: answers, records, wording, attachments,
assigning sections, and the change history.

A mixin of :class:`desktop.ui.main_window.MainWindow`, kept apart so that each module
has one job: here the window asks the user (``self.prompts``) and hands the decision to
the evaluation controller, which writes through the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from desktop.evaluation import errors

if TYPE_CHECKING:
    from desktop.records import Attachment


class IndicatorActions:
    """Needs: controller, prompts, panel, navigation, session, _sections, _report, jump_to …"""

    def _answer(self, target_id: str, value) -> None:
        if self.controller is not None:
            self.controller.set_answer(target_id, value)

    def _note(self, indicator_id: str, field: str, value: str) -> None:
        from desktop.records import STATUS_FINAL

        if self.controller is None:
            return
        if field == "status" and value == STATUS_FINAL and not self._confirm_final(indicator_id):
            self.panel.update_note(self.controller.note(indicator_id))  # back to what is stored
            return
        self.controller.set_note_field(indicator_id, field, value)

    def _confirm_final(self, indicator_id: str) -> bool:
        """確定 with sub-items still unanswered: ask first, saying how many."""
        open_count = sum(
            1
            for indicator, _target, unanswered in self.answer_targets()
            if indicator == indicator_id and unanswered
        )
        if not open_count:
            return True
        return self.prompts.confirm(
            "確定の確認",
            f"この評価指標には未回答の小項目が {open_count} 件あります。確定にしますか？",
            "確定にする",
        )

    def _wording(self, item_id: str, text: str) -> None:
        if self.controller is not None:
            self.controller.set_wording(item_id, text)

    def _attachment_action(self, action: str, indicator_id: str, attachment: Attachment | None):
        if self.controller is None:
            return
        if action == "add":
            self._add_attachment(indicator_id)
        elif attachment is not None:
            handler = {
                "export": self._export_attachment,
                "open": self._open_attachment,
                "remove": self._remove_attachment,
            }[action]
            handler(indicator_id, attachment)

    def _add_attachment(self, indicator_id: str) -> None:
        path = self.prompts.attachment_path()
        if path is not None:
            self.controller.add_attachment(indicator_id, path)

    def _export_attachment(self, _indicator_id: str, attachment: Attachment) -> None:
        from desktop.ui.controller import attachment_file_name

        target = self.prompts.export_path(attachment_file_name(attachment))
        if target is not None and self.controller.export_attachment(attachment, target):
            self.statusBar().showMessage(f"{target.name} に出力しました")

    def _open_attachment(self, indicator_id: str, attachment: Attachment) -> None:
        from desktop.attachment_files import is_program_file
        from desktop.ui.controller import attachment_file_name, program_refused_message

        if is_program_file(attachment_file_name(attachment)):
            # Never run what someone else put into the file: offer a saved copy instead.
            if self.prompts.confirm(
                "添付ファイルを開けません", program_refused_message(attachment), "出力する…"
            ):
                self._export_attachment(indicator_id, attachment)
            return
        # A copy in a private temporary folder: the file kept in the evaluation file stays untouched.
        target = self.controller.copy_for_opening(attachment)
        if target is not None:
            from PySide6.QtCore import QUrl  # named where used (desktop/ui/__init__.py)
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def _paste_wording(self, indicator_id: str) -> None:
        """「公式文言を貼り付け」: the preview dialog, then one stored action."""
        controller = self.controller
        if controller is None:
            return
        texts = self.prompts.paste_wording(controller.catalog, controller.catalog.indicator(indicator_id))
        if texts:
            controller.store_pasted(texts, origin="貼り付け")

    def _waive_prerequisite(self, item_id: str, waived: bool) -> None:
        if self.controller is not None:
            self.controller.set_prerequisite_waived(item_id, waived)

    def _remove_attachment(self, indicator_id: str, attachment: Attachment) -> None:
        from desktop.attachment_files import visible_text

        question = (
            f"「{visible_text(attachment.name)}」を評価ファイルから削除します。元に戻せません。"
        )
        if self.prompts.confirm("添付ファイルの削除", question, "削除する"):
            self.controller.remove_attachment(indicator_id, attachment.id)

    def assign_sections(self, node_id: str | None = None) -> bool:
        """担当課・担当者 for every indicator of a goal, group or grant (or one), in one step."""
        from desktop.report.wording import node_title
        from desktop.scoring import tree as T
        from desktop.ui.bulk_assign_dialog import IndicatorChoice

        controller = self.controller
        node_id = node_id or self.navigation.current_node_id()
        if controller is None or node_id is None:
            return False
        node = controller.tree.node(node_id)
        indicators = [n for n in node.walk() if n.level == T.INDICATOR]
        if not indicators:
            return False
        choices = [
            IndicatorChoice(
                n.id,
                f"{n.label} {n.title}" if n.label else n.title,
                controller.note(n.id).section,
                controller.note(n.id).assignee,
            )
            for n in indicators
        ]
        place = node_title(controller.catalog, node)
        assignment = self.prompts.bulk_assignment(place, choices, self._sections())
        if assignment is None:
            return False
        count = len(assignment.indicator_ids)
        return controller.set_notes(
            assignment.indicator_ids, assignment.fields, f"{count}件の評価指標の担当を設定"
        )

    # ------------------------------------------------------------------------------------
    # change history
    # ------------------------------------------------------------------------------------
    def show_history(self, target: str | None = None) -> None:
        """編集 → 変更履歴: everything, or one sub-item's (or indicator's) changes."""
        from desktop.history import history_rows
        from desktop.report.wording import indicator_reference, target_reference
        from desktop.ui.history_dialog import HistoryDialog

        if self.controller is None:
            return
        catalog = self.controller.catalog
        try:
            rows = history_rows(catalog, self.session.history())
        except errors.StoreError as exc:
            self._report(exc)
            return
        names = {
            indicator.id: f"{indicator_reference(catalog, indicator.id)} {indicator.title}"
            for indicator in catalog.all_indicators()
        }
        dialog = HistoryDialog(
            rows,
            names,
            target=target,
            target_name=target_reference(catalog, target) if target else "",
            parent=self,
        )
        dialog.place_chosen.connect(self.jump_to)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.history_dialog = dialog
        dialog.show()
