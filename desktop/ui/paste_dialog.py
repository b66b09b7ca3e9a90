"""「公式文言を貼り付け」: paste an indicator's block from the ministry's PDF or Excel.

The text is split as it is typed or pasted (desktop/wording/paste.py does the work);
the preview shows each sub-item with the text it would get — editable, to fix what
the PDF garbled — and anything that could not be placed. Nothing is stored until the
user presses 保存する.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.catalog.model import Catalog, Indicator
from desktop.ui import formatting as fmt
from desktop.ui.dialog_buttons import action_buttons
from desktop.wording.paste import describe_dropped, place_block

COL_LABEL, COL_TEXT, COL_NOTE = 0, 1, 2


class PasteDialog(QDialog):
    def __init__(self, catalog: Catalog, indicator: Indicator, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.indicator = indicator
        self.setWindowTitle("公式文言を貼り付け")
        self.source = QPlainTextEdit()
        self.source.setObjectName("pasteSource")
        self.source.setPlaceholderText(
            "国の評価指標（PDF・Excel）から、この評価指標の部分（ア・イ・ウ…の文）を"
            "コピーして、ここに貼り付けてください。"
        )
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("pastePreview")
        self.table.setHorizontalHeaderLabels(["小項目", "保存する文言（直せます）", ""])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_LABEL, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.unplaced = QLabel()
        self.unplaced.setObjectName("pasteUnplaced")
        self.unplaced.setWordWrap(True)
        self.unplaced.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unplaced.setStyleSheet(f"color: {fmt.BLOCKED.name()};")
        self.definitions = QLabel()  # tier definitions (上位3割 …): not stored, shown
        self.definitions.setObjectName("pasteDefinitions")
        self.definitions.setWordWrap(True)
        self.definitions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.definitions.setStyleSheet(f"color: {fmt.MUTED.name()};")
        self.dropped = QLabel()  # page numbers and headers left out, so the user can check
        self.dropped.setObjectName("pasteDropped")
        self.dropped.setWordWrap(True)
        self.dropped.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dropped.setStyleSheet(f"color: {fmt.MUTED.name()};")

        title = QLabel(f"{indicator.number}. {indicator.title}")
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel("分けた結果（小項目ごとの文言）"))
        preview_layout.addWidget(self.table, 1)
        preview_layout.addWidget(self.unplaced)
        preview_layout.addWidget(self.definitions)
        preview_layout.addWidget(self.dropped)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.source)
        splitter.addWidget(preview)
        splitter.setStretchFactor(1, 2)

        buttons, self.save_button = action_buttons(self, "公式文言（貼り付け）として保存する")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)
        layout.addWidget(
            QLabel(
                "ページ番号や見出しは除き（除いた行は上に表示）、PDF で切れた行はつなげています。"
                "保存した文言は変更履歴に残り、小項目に「公式・貼り付け」と表示されます。"
            )
        )
        layout.addWidget(buttons)
        self.source.textChanged.connect(self.split)
        width = self.fontMetrics().horizontalAdvance("国") * 56
        self.resize(width, int(width * 0.8))
        self.split()

    def split(self) -> None:
        paste = place_block(self.indicator, self.source.toPlainText())
        shipped = {item.id for item in self.indicator.items if item.wording}
        self.table.setRowCount(0)
        for placement in paste.placements:
            row = self.table.rowCount()
            self.table.insertRow(row)
            label = QTableWidgetItem(placement.label)
            label.setFlags(Qt.ItemFlag.ItemIsEnabled)
            label.setData(Qt.ItemDataRole.UserRole, placement.target_id)
            text = QTableWidgetItem(placement.text)
            note = QTableWidgetItem("同梱の公式文言を表示します" if placement.target_id in shipped else "")
            note.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, COL_LABEL, label)
            self.table.setItem(row, COL_TEXT, text)
            self.table.setItem(row, COL_NOTE, note)
        self.table.resizeRowsToContents()
        lines = []
        if paste.missing and paste.placements:
            lines.append(f"文が見つからない小項目: {'・'.join(paste.missing)}")
        for text in paste.unplaced:
            lines.append(f"どの小項目にも入らなかった文: {text}")
        self.unplaced.setText("\n".join(lines))
        self.unplaced.setVisible(bool(lines))
        self.definitions.setText(
            "使わなかった段階の定義（各段階の内容は選択肢に表示）: " + "／".join(paste.definitions)
            if paste.definitions
            else ""
        )
        self.definitions.setVisible(bool(paste.definitions))
        dropped = describe_dropped(paste.dropped)
        self.dropped.setText(f"除いた行（ページ番号・見出しなど）: {dropped}" if dropped else "")
        self.dropped.setVisible(bool(dropped))
        self.save_button.setEnabled(bool(self.texts()))

    def texts(self) -> dict[str, str]:
        """Sub-item id → text as shown (edited or not), shipped official wording left out."""
        shipped = {item.id for item in self.indicator.items if item.wording}
        texts = {}
        for row in range(self.table.rowCount()):
            target = self.table.item(row, COL_LABEL).data(Qt.ItemDataRole.UserRole)
            text = self.table.item(row, COL_TEXT).text().strip()
            if text and target not in shipped:
                texts[target] = text
        return texts
