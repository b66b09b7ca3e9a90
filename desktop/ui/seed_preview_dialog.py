"""国の評価結果から評価を始める: the preview before an evaluation is seeded from the
national results, listing what each sub-item will be set to (desktop.national.seed).

Like the carrying preview (carry_dialog.py): one read-only rich-text page that scrolls,
so a list of 150 sub-items stays readable and nothing is cut off on a small screen.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QLabel, QTextBrowser, QVBoxLayout

from desktop.national.seed import SeedPlan
from desktop.ui.dialog_buttons import action_buttons

BACKUP_LINE = "作成の前に、このファイルのバックアップを作ります。"


def preview_lines(plan: SeedPlan) -> list[str]:
    """The whole preview as plain lines (the dialog shows the same, formatted)."""
    return [*plan.summary_lines(), "", *plan.detail_lines(), "", BACKUP_LINE]


def plan_html(plan: SeedPlan) -> str:
    """Counts first, then per indicator its sub-items (indented lines become a list)."""
    parts = ["<p>" + "<br/>".join(f"<b>{escape(line)}</b>" for line in plan.summary_lines())]
    parts.append(f"<br/>{escape(BACKUP_LINE)}</p>")
    items: list[str] = []

    def close_list() -> None:
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
            items.clear()

    for line in plan.detail_lines():
        if line.startswith("　"):
            items.append(f"<li>{escape(line.strip())}</li>")
            continue
        close_list()
        level = "h3" if line.startswith("回答に") else "h4"
        parts.append(f"<{level}>{escape(line)}</{level}>")
    close_list()
    return "".join(parts)


class SeedPreviewDialog(QDialog):
    def __init__(self, plan: SeedPlan, parent=None, *, title: str = "国の評価結果から評価を始める"):
        super().__init__(parent)
        self.setObjectName("seedPreview")
        self.setWindowTitle(title)
        self.resize(860, 600)
        message = QLabel(
            f"{plan.municipality.prefecture}{plan.municipality.name}の国の評価結果を回答にして、"
            f"{plan.target.year_label}の評価を作ります。回答は「前年度から引継ぎ・要確認」と表示され、"
            "確認するまで残ります。",
            self,
        )
        message.setWordWrap(True)
        self.summary = QTextBrowser(self)
        self.summary.setObjectName("seedPreviewText")
        self.summary.setHtml(plan_html(plan))
        buttons, act = action_buttons(self, "作成する")
        act.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.summary, 1)
        layout.addWidget(buttons)


def ask_seed(parent, title: str, plan: SeedPlan) -> bool:
    """Show the preview; True when the user chose 作成する."""
    dialog = SeedPreviewDialog(plan, parent, title=title)
    return dialog.exec() == QDialog.DialogCode.Accepted
