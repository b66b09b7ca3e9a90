"""新規評価: the municipality, the fiscal year (a shipped catalog) and where to save.

When a file is open that already names a municipality, its details are filled in
and the new year goes into the same file. Otherwise (or on request) a new file is
chosen with a save dialog. The dialog checks everything before it closes and says
in Japanese what is missing or wrong; nothing is written until it is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from desktop.catalog.model import Catalog
from desktop.prefectures import PREFECTURES
from desktop.records import Municipality
from desktop.ui import formatting as fmt
from desktop.ui.dialog_buttons import action_buttons
from desktop.ui.guarded_combo import GuardedComboBox

MAX_INSURED = 5_000_000


@dataclass(frozen=True)
class NewEvaluationRequest:
    municipality: Municipality
    catalog: Catalog
    target: Path | None  # None: the file that is open now


class NewEvaluationDialog(QDialog):
    def __init__(
        self,
        catalogs: list[Catalog],
        *,
        municipality: Municipality | None,
        current_path: Path | None,
        current_years: set[int],
        choose_path: Callable[[], Path | None],
        parent=None,
    ):
        super().__init__(parent)
        self.setWindowTitle("新規評価")
        self.catalogs = catalogs
        self.current_path = current_path
        self.current_years = current_years
        self.existing_name = municipality.name if municipality and municipality.name else ""
        self._choose_path = choose_path
        self.new_path: Path | None = None

        self.name = QLineEdit(municipality.name if municipality else "")
        self.name.setObjectName("name")
        self.name.setPlaceholderText("例: 架空町")
        self.code = QLineEdit((municipality.code or "") if municipality else "")
        self.code.setObjectName("code")
        self.code.setPlaceholderText("保険者番号または市町村コード（数字）")
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self))
        self.prefecture = QComboBox()
        self.prefecture.setObjectName("prefecture")
        self.prefecture.setEditable(True)
        self.prefecture.addItem("")
        self.prefecture.addItems(PREFECTURES)
        if municipality and municipality.prefecture:
            self.prefecture.setCurrentText(municipality.prefecture)
        self.insured = QSpinBox()
        self.insured.setObjectName("insured")
        self.insured.setRange(0, MAX_INSURED)
        self.insured.setGroupSeparatorShown(True)
        self.insured.setSpecialValueText("未入力")
        self.insured.setSuffix(" 人")
        if municipality and municipality.insured:
            self.insured.setValue(municipality.insured)
        self.year = GuardedComboBox()
        self.year.setObjectName("year")

        self.here = QRadioButton()
        self.here.setObjectName("targetCurrent")
        self.elsewhere = QRadioButton("新しい評価ファイルを作る")
        self.elsewhere.setObjectName("targetNew")
        self.target_group = QButtonGroup(self)
        self.target_group.addButton(self.here)
        self.target_group.addButton(self.elsewhere)
        self.browse = QPushButton("保存先を選ぶ…")
        self.browse.clicked.connect(self._browse)
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        if current_path is not None:
            self.here.setText(f"いま開いているファイルに追加（{current_path.name}）")
            self.here.setChecked(True)
        else:
            self.here.hide()
            self.elsewhere.setChecked(True)
        self.here.toggled.connect(self._target_changed)

        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {fmt.BAD.name()};")
        self.problem.hide()

        form = QFormLayout()
        form.addRow("市町村名（必須）", self.name)
        form.addRow("保険者番号・市町村コード", self.code)
        form.addRow("都道府県", self.prefecture)
        form.addRow("第1号被保険者数", self.insured)
        form.addRow("年度（評価指標）", self.year)
        target = QVBoxLayout()
        target.addWidget(self.here)
        row = QHBoxLayout()
        row.addWidget(self.elsewhere)
        row.addWidget(self.browse)
        row.addStretch(1)
        target.addLayout(row)
        target.addWidget(self.path_label)
        form.addRow("保存先", target)

        buttons, self.create_button = action_buttons(self, "作成する")
        self.create_button.setObjectName("create")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._target_changed()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 64)

    # --- the year list depends on where the evaluation goes ------------------------------------
    def _target_changed(self, *_args) -> None:
        into_current = self.here.isChecked()
        if into_current:
            self.path_label.setText("")
        else:
            self.path_label.setText(
                str(self.new_path) if self.new_path else "（まだ選んでいません）"
            )
        chosen = self.year.currentData()
        self.year.clear()
        for catalog in self.catalogs:
            taken = into_current and catalog.fiscal_year in self.current_years
            label = catalog.display_name()
            if taken:
                label += " — 作成済み"
            self.year.addItem(label, catalog.id)
            if taken:
                model_item = self.year.model().item(self.year.count() - 1)
                model_item.setFlags(model_item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        for index in range(self.year.count()):
            if self.year.itemData(index) == chosen and self._year_enabled(index):
                self.year.setCurrentIndex(index)
                break
        else:
            free = [i for i in range(self.year.count()) if self._year_enabled(i)]
            self.year.setCurrentIndex(free[0] if free else -1)

    def _year_enabled(self, index: int) -> bool:
        item = self.year.model().item(index)
        return bool(item and item.flags() & Qt.ItemFlag.ItemIsEnabled)

    def _browse(self) -> None:
        path = self._choose_path()
        if path is not None:
            self.new_path = path
            self.elsewhere.setChecked(True)
            self._target_changed()

    # --- checking and the result ----------------------------------------------------------------
    def problems(self) -> list[str]:
        found = []
        name = self.name.text().strip()
        if not name:
            found.append("市町村名を入力してください。")
        catalog = self.selected_catalog()
        if catalog is None:
            found.append("年度を選んでください（作成済みの年度は選べません）。")
        if self.here.isChecked():
            if self.existing_name and name and name != self.existing_name:
                found.append(
                    f"いま開いているファイルは {self.existing_name} の評価ファイルです。"
                    "別の市町村の評価は「新しい評価ファイルを作る」で別のファイルに作ってください。"
                )
            if catalog is not None and catalog.fiscal_year in self.current_years:
                found.append(f"{catalog.year_label}の評価はこのファイルにすでにあります。")
        elif self.new_path is None:
            found.append("「保存先を選ぶ…」で新しい評価ファイルの保存先を選んでください。")
        return found

    def selected_catalog(self) -> Catalog | None:
        index = self.year.currentIndex()
        if index < 0 or not self._year_enabled(index):
            return None
        catalog_id = self.year.itemData(index)
        return next((c for c in self.catalogs if c.id == catalog_id), None)

    def accept(self) -> None:
        found = self.problems()
        if found:
            self.problem.setText("\n".join(found))
            self.problem.show()
            return
        super().accept()

    def request(self) -> NewEvaluationRequest:
        insured = self.insured.value() or None
        municipality = Municipality(
            name=self.name.text().strip(),
            code=self.code.text().strip() or None,
            prefecture=self.prefecture.currentText().strip() or None,
            insured=insured,
        )
        target = None if self.here.isChecked() else self.new_path
        return NewEvaluationRequest(municipality, self.selected_catalog(), target)
