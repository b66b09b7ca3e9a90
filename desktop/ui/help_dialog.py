"""ヘルプ → キーボード操作: every shortcut the window knows, in one table."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop.ui.row_views import read_only_rows

# Where a key works → (keys, what they do), in the order the table shows them.
KEYS_BY_PLACE: dict[str, list[tuple[str, str]]] = {
    "全体": [
        ("Ctrl+F", "検索欄へ（題名・小項目・自分の文言を検索）"),
        ("F3 / Shift+F3", "次の未回答へ / 前の未回答へ"),
        ("Ctrl+PageDown / Ctrl+PageUp", "次の評価指標 / 前の評価指標（最初の未回答の小項目へ）"),
        ("F6", "評価指標の一覧と入力欄を切り替え"),
        ("Ctrl+T", "得点の一覧へ（クリックした行の場所を一覧で選ぶ）"),
        ("Ctrl+Z / Ctrl+Y", "元に戻す / やり直す（Ctrl+Shift+Z でもやり直し）"),
        ("Ctrl+N / Ctrl+O", "新規評価 / 開く"),
        ("Ctrl+E / Ctrl+I", "提出用ブックを出力する / ブックを取り込む"),
        ("Ctrl+P", "評価結果（公表資料）を出力する"),
        ("Ctrl+G", "伸びしろ（減点項目の一覧）"),
        ("Ctrl+H / Ctrl+Shift+H", "変更履歴 / いまの小項目の変更履歴（小項目の右クリックでも）"),
        ("F1", "この一覧"),
    ],
    "一覧": [
        ("↑ ↓ ← →", "評価指標を選ぶ・開く・閉じる"),
        ("Enter・クリック", "選んだ評価指標の最初の未回答の小項目へ"),
    ],
    "小項目": [
        ("↑ ↓ / Tab", "前後の小項目へ（Enter でも次へ。最後の小項目からは次の評価指標へ）"),
        ("Esc", "評価指標の一覧へ戻る"),
    ],
    "該当・非該当": [
        ("Space", "未回答 → 該当 → 非該当 → 該当 … と切り替え"),
        ("1 / 0", "該当 / 非該当"),
    ],
    "段階・選択肢": [
        ("1〜9 / 0", "その番号の選択肢 / なし（番号は選択肢の前に表示）"),
        ("→ ← / Space", "次・前の選択肢へ"),
    ],
    "すべて該当の小項目": [
        ("1 / 0", "全部の条件を該当 / 非該当に"),
    ],
    "すべての小項目": [
        ("Delete / BackSpace", "回答を消して未回答に戻す"),
    ],
    "数値の小項目": [
        ("↑ ↓・数字", "得点を入力（入力欄を離れるか Enter で保存）"),
    ],
    "記録欄": [
        ("Tab", "次の欄へ。欄を離れたときに保存（1回の操作として元に戻せます）"),
        ("Alt+↓ / F4", "状況の一覧を開く（閉じたままの一覧は ↑ ↓ で変わりません）"),
    ],
}
KEYBOARD_HELP: list[tuple[str, str, str]] = [
    (place, keys, what) for place, keys_here in KEYS_BY_PLACE.items() for keys, what in keys_here
]


class KeyboardHelpDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("キーボード操作")
        table = QTableWidget(len(KEYBOARD_HELP), 3, self)
        table.setObjectName("keyboardHelp")
        table.setHorizontalHeaderLabels(["場所", "キー", "操作"])
        for row, (where, keys, what) in enumerate(KEYBOARD_HELP):
            for column, text in enumerate((where, keys, what)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        table.setWordWrap(False)
        read_only_rows(table)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("マウスを使わずに、キーボードだけで回答できます。回答はその都度保存されます。")
        )
        layout.addWidget(table)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        rows = len(KEYBOARD_HELP) + 5  # the table, its header, the caption and the button
        self.resize(metrics.horizontalAdvance("0") * 100, (metrics.lineSpacing() + 8) * rows)
