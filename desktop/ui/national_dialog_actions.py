"""What the national view does on the user's request: fill the official-results columns,
start a year from the official result, and export a table (mixed into
:class:`desktop.ui.national_view.NationalDialog`, which provides the dataset, the
picked municipality, the session and the document).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.national.views import save_table_xlsx
from desktop.ui.national_table import NationalTableModel

SOURCE_NOTE = "厚生労働省 全国集計結果（市町村分）から作成"


class NationalDialogActions:
    # --- actions ------------------------------------------------------------------------------
    def apply_official(self) -> bool:
        from desktop.national.views import official_values
        from desktop.report.official import enter_official_results

        session = self.session
        if session is None or session.record.fiscal_year != self.dataset.fiscal_year:
            QMessageBox.information(
                self,
                "国による評価結果",
                f"{self.dataset.year_label}の評価を開いてから反映してください。",
            )
            return False
        if session.read_only:
            QMessageBox.information(
                self, "国による評価結果", "読み取り専用で開いているため反映できません。"
            )
            return False
        values = official_values(session.catalog, self.dataset, self.municipality)
        enter_official_results(session, values)
        self.official_applied.emit()
        return True

    def seed_target(self):
        """The catalog to start (desktop.national.seed.seed_target), or None."""
        from desktop.national.seed import seed_target

        held = self.document.fiscal_years() if self.document is not None else set()
        return seed_target(self.dataset.fiscal_year, held)

    def seed_evaluation(self, *, confirm=None) -> int | None:
        """Start a year's evaluation from the municipality's official result (preview,
        backup, one action); ``confirm(lines) -> bool`` replaces the question dialog."""
        from desktop.national.seed import apply_seed, plan_seed, seeded_municipality
        from desktop.ui.seed_preview_dialog import ask_seed, preview_lines

        title = "国の評価結果から評価を始める"
        if self.document is None or self.document.read_only:
            QMessageBox.information(
                self, title, "書き込める評価ファイルを開いてから使ってください。"
            )
            return None
        target = self.seed_target()
        if target is None:
            QMessageBox.information(
                self,
                title,
                f"{self.dataset.year_label}とその翌年度の評価は、このファイルにすでにあります。",
            )
            return None
        m = self.municipality
        own = self.document.municipality()
        if own is not None and own.name and own.name != m.name:
            QMessageBox.information(
                self,
                title,
                f"このファイルは{own.name}の評価ファイルです。{m.name}の評価は別のファイルに作ってください。",
            )
            return None
        plan = plan_seed(target, self.dataset, m)
        accepted = (
            confirm(preview_lines(plan)) if confirm is not None else ask_seed(self, title, plan)
        )
        if not accepted:
            return None
        municipality = None if own is not None and own.name else seeded_municipality(m)
        apply_seed(self.document, plan, municipality=municipality)
        self.seeded.emit(target.fiscal_year)
        return target.fiscal_year

    def export(self, model: NationalTableModel, path: str | None = None) -> Path | None:
        from desktop.safe_save import SaveError

        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self, "Excel に出力する", f"{model.table.title}.xlsx", "Excel (*.xlsx)"
            )
            if not path:
                return None
        try:
            save_table_xlsx(model.table, path, note=f"{SOURCE_NOTE}（{self.dataset.year_label}）")
        except SaveError as exc:
            QMessageBox.warning(self, "出力できません", str(exc))
            return None
        return Path(path)
