"""前年度から引き継ぐ: confirm what will be carried, then show what was.

The same dialog serves both steps: before carrying it shows the plan with
引き継ぐ/キャンセル; afterwards it shows the result with 閉じる. The summary says
which items are new, split, merged or removed, so the user knows what to answer
again. It is one read-only rich-text page (easy to read, select and copy).
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QLabel, QTextBrowser, QVBoxLayout

from desktop.evaluation.carryover import CARRIED_MARK, CarryPlan
from desktop.ui.dialog_buttons import action_buttons

SECTIONS = (
    ("new", "新設（回答が必要）"),
    ("split", "分割・再編（回答し直しが必要）"),
    ("merged", "統合（回答し直しが必要）"),
    ("removed", "廃止"),
    ("changed", "引き継いだが変更あり（要確認）"),
)


def plan_html(plan: CarryPlan) -> str:
    """The plan (or result) as HTML: counts first, then the lists."""
    parts = [
        f"<p><b>引き継ぐ回答: {len(plan.answers)}件</b>（「{escape(CARRIED_MARK)}」と表示）<br/>"
        f"引き継ぐ指標の記録（備考・根拠資料・担当）: {plan.note_count}指標<br/>"
        f"引き継ぐ添付資料: {len(plan.attachments)}件、小項目の文言: {len(plan.wordings)}件</p>"
    ]
    for key, title in SECTIONS:
        changes = getattr(plan, key)
        parts.append(f"<h4>{escape(title)}: {len(changes)}件</h4>")
        if changes:
            items = "".join(
                f"<li>{escape(change.names)}"
                + (f"<br/><small>{escape(change.note)}</small>" if change.note else "")
                + "</li>"
                for change in changes
            )
            parts.append(f"<ul>{items}</ul>")
    if plan.not_carried:
        parts.append(f"<h4>引き継がない回答: {len(plan.not_carried)}件</h4>")
        items = "".join(
            f"<li>{escape(item.name)}「{escape(item.value)}」<br/><small>{escape(item.reason)}</small></li>"
            for item in plan.not_carried
        )
        parts.append(f"<ul>{items}</ul>")
    if plan.answers:
        items = "".join(
            f"<li>{escape(answer.name)}: {escape(answer.value)}</li>" for answer in plan.answers
        )
        parts.append(f"<h4>引き継ぐ回答の一覧</h4><ul>{items}</ul>")
    return "".join(parts)


class CarryDialog(QDialog):
    def __init__(self, plan: CarryPlan, parent=None, *, done: bool = False):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("前年度から引き継ぐ")
        self.resize(860, 600)
        if done:
            text = (
                f"{plan.to_label}の評価を作成し、{plan.from_label}から引き継ぎました。"
                f"引き継いだ回答は「{CARRIED_MARK}」と表示されます。内容を確認してください。"
            )
        else:
            text = (
                f"{plan.from_label}の評価から{plan.to_label}の評価を作ります"
                f"（{plan.from_label}の評価は変わりません）。"
                f"引き継いだ回答は「{CARRIED_MARK}」と表示され、確認するまで残ります。"
            )
        message = QLabel(text, self)
        message.setWordWrap(True)
        self.summary = QTextBrowser(self)
        self.summary.setHtml(plan_html(plan))

        buttons, act = action_buttons(self, "閉じる" if done else "引き継ぐ", cancel=not done)
        act.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.summary, 1)
        layout.addWidget(buttons)
