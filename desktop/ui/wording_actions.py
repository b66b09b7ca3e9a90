"""Window actions for wording: the ministry's whole document, and wording packs.

Each shows what would change first and stores everything as one action, or nothing
(the work is in desktop/wording; this module only asks and tells).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.records import TEXT_PASTED
from desktop.ui.dialog_buttons import action_buttons

SOURCE_FILTER = "PDF・テキスト (*.pdf *.txt);;すべてのファイル (*)"
XLSX_FILTER = "Excel ブック (*.xlsx)"


class WordingPreviewDialog(QDialog):
    """What a document or a pack would store, line by line, with 保存 / キャンセル."""

    def __init__(self, title: str, summary: str, lines: list[str], ok_text: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        text = QPlainTextEdit("\n".join(lines))
        text.setObjectName("wordingPreview")
        text.setReadOnly(True)
        buttons, self.ok = action_buttons(self, ok_text)
        layout = QVBoxLayout(self)
        label = QLabel(summary)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        width = self.fontMetrics().horizontalAdvance("国") * 60
        self.resize(width, int(width * 0.7))


def confirm_preview(parent, title: str, summary: str, lines: list[str], ok_text: str) -> bool:
    dialog = WordingPreviewDialog(title, summary, lines, ok_text, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_source_path(parent: QWidget | None) -> Path | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _ = QFileDialog.getOpenFileName(
        parent, "国の評価指標の資料を選ぶ", folder, SOURCE_FILTER
    )
    return Path(chosen) if chosen else None


def ask_pack_path(parent: QWidget | None, *, save: bool, suggested: str = "") -> Path | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if save:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, "文言集の保存先", str(Path(folder) / suggested), XLSX_FILTER
        )
    else:
        chosen, _ = QFileDialog.getOpenFileName(parent, "取り込む文言集を選ぶ", folder, XLSX_FILTER)
    if not chosen:
        return None
    path = Path(chosen)
    return (
        path if not save or path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")
    )


def tell(parent, title: str, text: str, *, problem: bool = False) -> None:
    if problem:
        QMessageBox.warning(parent, title, text)
    else:
        QMessageBox.information(parent, title, text)


# --- the ministry's whole document -------------------------------------------------------------------
PASTED_NAME = "貼り付けた文"


class DocumentTextDialog(QDialog):
    """The whole document (or several indicators of it) pasted instead of a file."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("国の評価指標の文を貼り付けて読み込む")
        self.text = QPlainTextEdit()
        self.text.setObjectName("documentText")
        self.text.setPlaceholderText(
            "国の評価指標（PDF・Excel）の文を、いくつかの評価指標の分でも全部でも、"
            "コピーしてここに貼り付けてください。"
        )
        buttons, self.ok = action_buttons(self, "読み取る")
        self.ok.setEnabled(False)
        self.text.textChanged.connect(lambda: self.ok.setEnabled(bool(self.pasted().strip())))
        layout = QVBoxLayout(self)
        label = QLabel(
            "評価指標の番号と題名（評価の視点）で各評価指標を探し、小項目ごとに分けます。"
            "保存する前に、分けた結果を確かめられます。"
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        width = self.fontMetrics().horizontalAdvance("国") * 56
        self.resize(width, int(width * 0.7))

    def pasted(self) -> str:
        return self.text.toPlainText()


def ask_document_text(parent: QWidget | None) -> str | None:
    dialog = DocumentTextDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.pasted()


def paste_document(parent, session) -> bool:
    """Read the ministry's PDF (or a text file), preview, then store 公式文言（貼り付け）."""
    from desktop.wording.document import SourceError, read_source

    path = ask_source_path(parent)
    if path is None:
        return False
    try:
        text = read_source(path)
    except SourceError as exc:
        tell(parent, "公式文言の読み込み", str(exc), problem=True)
        return False
    return read_document(parent, session, text, path.name)


def paste_document_text(parent, session) -> bool:
    """The same for text pasted from the document: same parser, same preview."""
    text = ask_document_text(parent)
    if text is None or not text.strip():
        return False
    return read_document(parent, session, text, PASTED_NAME)


def read_document(parent, session, text: str, name: str) -> bool:
    """Find each indicator in ``text``, preview, then store the texts as one action."""
    from desktop.evaluation.errors import StoreError
    from desktop.wording.document import (
        SourceError,
        place_document,
        preview_lines,
        shipped_official,
    )

    try:
        result = place_document(session.catalog, text)
    except SourceError as exc:
        tell(parent, "公式文言の読み込み", str(exc), problem=True)
        return False
    texts = {
        target: text
        for target, text in result.texts.items()
        if not shipped_official(session.catalog, target)
    }
    where = name if name == PASTED_NAME else f"{name} "  # a file name stands apart
    if not texts:
        tell(
            parent,
            "公式文言の読み込み",
            f"{where}から、この年度の評価指標の小項目の文が見つかりませんでした。何も保存していません。",
            problem=True,
        )
        return False
    summary = (
        f"{where}から {len(result.found)} の評価指標を見つけ、小項目 {len(texts)} 件の文を"
        "読み取りました。内容を確かめて保存してください（変更履歴に残ります）。"
    )
    lines = preview_lines(session.catalog, result.found, result.not_found, result.dropped)
    if not confirm_preview(
        parent, "公式文言の読み込み", summary, lines, "公式文言（貼り付け）として保存する"
    ):
        return False
    source = "公式文言の貼り付け" if name == PASTED_NAME else f"公式文言の貼り付け: {name}"
    try:
        session.set_item_texts(
            texts, kind=TEXT_PASTED, origin="" if name == PASTED_NAME else name, source=source
        )
    except StoreError as exc:
        tell(parent, "公式文言の読み込み", str(exc), problem=True)
        return False
    return True


# --- wording packs ------------------------------------------------------------------------------------
def export_pack(parent, session) -> Path | None:
    from desktop.wording.packs import PackError, export_pack

    catalog = session.catalog
    path = ask_pack_path(parent, save=True, suggested=f"文言集_{catalog.year_label}.xlsx")
    if path is None:
        return None
    try:
        export_pack(catalog, session.text_layers(), path, evaluation_file=session.path)
    except PackError as exc:
        tell(parent, "文言集の出力", str(exc), problem=True)
        return None
    return path


def import_pack(parent, session) -> bool:
    from desktop.evaluation.errors import StoreError
    from desktop.wording.packs import PackError, apply_pack_import, plan_pack_import, read_pack

    path = ask_pack_path(parent, save=False)
    if path is None:
        return False
    try:
        plan = plan_pack_import(session, read_pack(path))
    except PackError as exc:
        tell(parent, "文言集の取り込み", str(exc), problem=True)
        return False
    if not plan.changes:
        tell(parent, "文言集の取り込み", f"{plan.summary()}\n取り込む変更はありません。")
        return False
    lines = [
        f"{change.label}: " + (f"「{change.old}」→ " if change.old else "") + f"「{change.new}」"
        for change in plan.changes
    ]
    if not confirm_preview(parent, "文言集の取り込み", plan.summary(), lines, "取り込む"):
        return False
    try:
        session.backup("before-import")
        apply_pack_import(session, plan)
    except StoreError as exc:
        tell(parent, "文言集の取り込み", str(exc), problem=True)
        return False
    return True
