"""比較する市町村を選ぶ: a checkable list of every municipality in the year's national
results, narrowed by prefecture and by name, for the chosen peer group.

The dialog only collects the choice; the national view saves it with the evaluation
(``Session.set_peer_choices``, one action) and shows the group's figures.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop.national.chosen import choice_of, find_choice
from desktop.national.dataset import NationalDataset, NationalMunicipality
from desktop.national.text import norm
from desktop.records import PeerChoice
from desktop.ui.dialog_buttons import action_buttons

ChoiceRole = Qt.ItemDataRole.UserRole + 1
ALL_PREFECTURES = "すべての都道府県"


def municipality_line(m: NationalMunicipality) -> str:
    band = f"・規模区分{m.band}" if m.band is not None else ""
    kaso = "・過疎" if m.kaso else ""
    return f"{m.prefecture} {m.name}　合計 {m.total:g}点{band}{kaso}"


class PeerPickerDialog(QDialog):
    def __init__(
        self,
        parent,
        dataset: NationalDataset,
        own: NationalMunicipality,
        chosen: list[PeerChoice],
    ):
        super().__init__(parent)
        self.setObjectName("peerPicker")
        self.setWindowTitle("比較する市町村を選ぶ")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{own.prefecture}{own.name}と比べる市町村にチェックを付けます。選んだ市町村は"
            "この評価ファイルに保存され、「比較する市町村」の「自分で選んだ市町村」と"
            "順位の表に使われます。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        bar = QHBoxLayout()
        self.prefecture = QComboBox(objectName="peerPickerPrefecture")
        self.prefecture.addItem(ALL_PREFECTURES, None)
        seen: set[int] = set()
        for m in sorted(dataset.municipalities, key=lambda m: (m.prefecture_no, m.serial)):
            if m.prefecture_no not in seen:
                seen.add(m.prefecture_no)
                self.prefecture.addItem(m.prefecture, m.prefecture)
        self.search = QLineEdit(objectName="peerPickerSearch")
        self.search.setPlaceholderText("市町村名で絞り込む")
        self.search.setClearButtonEnabled(True)
        only = QPushButton("選んだものだけ表示", objectName="peerPickerOnlyChosen")
        only.setCheckable(True)
        self.only_chosen = only
        clear = QPushButton("選択をすべて外す", objectName="peerPickerClear")
        bar.addWidget(QLabel("都道府県"))
        bar.addWidget(self.prefecture)
        bar.addWidget(self.search, 1)
        bar.addWidget(only)
        bar.addWidget(clear)
        layout.addLayout(bar)

        self.list = QListWidget(objectName="peerPickerList")
        self.list.setUniformItemSizes(True)
        found_serials = set()
        missing = []
        for choice in chosen:
            found = find_choice(dataset, choice)
            if found is None:
                missing.append(choice)
            else:
                found_serials.add(found.serial)
        for choice in missing:  # kept unless unticked: other years may hold them
            self._add(f"{choice.prefecture} {choice.name}（この年度の結果にありません）", choice, True)
        for m in dataset.municipalities:
            if m.serial == own.serial:
                continue
            self._add(municipality_line(m), choice_of(m), m.serial in found_serials)
        layout.addWidget(self.list, 1)
        self.count_label = QLabel(objectName="peerPickerCount")
        layout.addWidget(self.count_label)
        buttons, self.save_button = action_buttons(self, "保存して比べる")
        self.save_button.setObjectName("peerPickerSave")
        layout.addWidget(buttons)

        self.prefecture.currentIndexChanged.connect(lambda _i: self._filter())
        self.search.textChanged.connect(lambda _t: self._filter())
        only.toggled.connect(lambda _c: self._filter())
        clear.clicked.connect(self.clear_all)
        self.list.itemChanged.connect(lambda _item: self._count())
        self._count()
        self.resize(720, 560)

    def _add(self, text: str, choice: PeerChoice, checked: bool) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        item.setData(ChoiceRole, choice)
        self.list.addItem(item)

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def _filter(self) -> None:
        prefecture = self.prefecture.currentData()
        text = norm(self.search.text())
        only = self.only_chosen.isChecked()
        for item in self.items():
            choice: PeerChoice = item.data(ChoiceRole)
            shown = (
                (prefecture is None or choice.prefecture == prefecture)
                and (not text or text in norm(choice.name))
                and (not only or item.checkState() == Qt.CheckState.Checked)
            )
            item.setHidden(not shown)

    def _count(self) -> None:
        chosen = self.choices()
        self.count_label.setText(
            f"選んだ市町村: {len(chosen)}" if chosen else "まだ選んでいません"
        )

    def set_checked(self, serials: set[int], checked: bool = True) -> None:
        for item in self.items():
            if item.data(ChoiceRole).serial in serials:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def clear_all(self) -> None:
        for item in self.items():
            item.setCheckState(Qt.CheckState.Unchecked)

    def choices(self) -> list[PeerChoice]:
        return [
            item.data(ChoiceRole)
            for item in self.items()
            if item.checkState() == Qt.CheckState.Checked
        ]
