"""The national view (全国の評価結果と比べる): rank and distribution, peers, prefecture,
伸びしろ with real rates, three years and the amount estimate.

Views lay out; the figures come from ``desktop.national.analysis`` and ``.views``, from
the stored dataset (a year loads in milliseconds, so every tab is recomputed on each change).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.formats import year_label
from desktop.national import analysis as A
from desktop.national.chosen import CHOSEN_KIND, CHOSEN_LABEL, chosen_peers
from desktop.national.errors import NationalFileError
from desktop.national.frames import frames_for
from desktop.national.history import item_history
from desktop.national.library import NationalLibrary
from desktop.national.views import Table, gap_table, peer_table, prefecture_table
from desktop.ui.guarded_combo import GuardedComboBox
from desktop.ui.national_dialog_actions import SOURCE_NOTE, NationalDialogActions
from desktop.ui.national_histogram import HistogramWidget
from desktop.ui.national_own_result import TAB_TITLE as OWN_TAB_TITLE
from desktop.ui.national_own_result import refresh_own_result
from desktop.ui.national_table import NationalTableModel, make_table_view

PEER_CHOICES = (
    ("band", "同じ規模区分"),
    ("kaso", "同じ過疎区分"),
    ("band_kaso", "同じ規模区分・過疎区分"),
    ("prefecture", "同じ都道府県"),
    (CHOSEN_KIND, CHOSEN_LABEL),
)


def _spread(figures: dict, prefix: str) -> str:
    """「平均 453.0・中央値 455・四分位 400〜510」 of one comparison group, as for the nation."""
    return (
        f"平均 {figures[f'{prefix}_mean']:.1f}・中央値 {figures[f'{prefix}_median']:g}・"
        f"四分位 {figures[f'{prefix}_q1']:g}〜{figures[f'{prefix}_q3']:g}"
    )


class NationalDialog(NationalDialogActions, QDialog):
    official_applied = Signal()
    seeded = Signal(int)  # the fiscal year of the evaluation just created

    def __init__(self, parent, library_path: Path, session=None, document=None):
        super().__init__(parent)
        self.setObjectName("nationalDialog")
        self.setWindowTitle("全国の評価結果と比べる")
        self.library_path = library_path
        self.session = session
        self.document = document  # the open evaluation file, for starting a year from the result
        self.dataset = None
        self.catalog = None
        self.municipality = None
        self._datasets: dict[int, object] = {}
        with NationalLibrary.open(library_path, create=False) as library:
            self.years = library.years()
            if not self.years:
                library.load()  # raises the 「まだ取り込まれていません」 message
        self._build()
        self._fill_years()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.year_combo = GuardedComboBox(objectName="nationalYear")
        self.muni_combo = QComboBox(objectName="nationalMunicipality")
        self.muni_combo.setEditable(True)
        self.muni_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.muni_combo.setMinimumContentsLength(18)
        self.apply_button = QPushButton("国による評価結果の欄に反映", objectName="applyOfficial")
        self.apply_button.setToolTip(
            "この市町村の得点（評価指標・指標群・目標・交付金・合計）を、国による評価結果として入力します"
        )
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year_combo)
        top.addWidget(QLabel("市町村"))
        top.addWidget(self.muni_combo, 1)
        top.addWidget(self.apply_button)
        self.seed_button = QPushButton("この結果から評価を始める…", objectName="seedFromNational")
        self.seed_button.setToolTip(
            "この市町村の国の評価結果を回答にして、次の年度（なければこの年度）の評価を作ります。"
            "回答は「要確認」として入ります"
        )
        top.addWidget(self.seed_button)
        layout.addLayout(top)
        self.source_label = QLabel(objectName="nationalSource")
        self.source_label.setWordWrap(True)
        layout.addWidget(self.source_label)

        self.tabs = QTabWidget(objectName="nationalTabs")
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._rank_tab(), "順位と分布")
        self.peer_model = NationalTableModel(self)
        self.peer_kind = GuardedComboBox(objectName="peerKind")
        for key, label in PEER_CHOICES:
            self.peer_kind.addItem(label, key)
        self.choose_peers_button = QPushButton(
            "比較する市町村を選ぶ…", objectName="choosePeers"
        )
        self.peer_note = QLabel(objectName="peerNote")
        self.peer_note.setWordWrap(True)
        self.tabs.addTab(
            self._table_tab(
                self.peer_model,
                "peerTable",
                self.peer_kind,
                self.choose_peers_button,
                self.peer_note,
            ),
            "比較する市町村",
        )
        self.pref_model = NationalTableModel(self)
        self.pref_combo = GuardedComboBox(objectName="prefectureChoice")
        self.pref_summary = QLabel(objectName="prefectureSummary")
        self.pref_summary.setWordWrap(True)
        self.tabs.addTab(
            self._table_tab(self.pref_model, "prefectureTable", self.pref_combo, self.pref_summary),
            "都道府県",
        )
        self.gap_model = NationalTableModel(self)
        self.gap_note = QLabel(
            "今の回答で未該当の小項目を、この年度の全国該当率と比較する市町村（「比較する市町村」で選んだもの）の該当率で並べます。列の見出しで並べ替えられます。"
        )
        self.gap_note.setWordWrap(True)
        self.tabs.addTab(
            self._table_tab(self.gap_model, "nationalGapTable", self.gap_note),
            "伸びしろ（実際の該当率）",
        )
        self.own_model = NationalTableModel(self)
        self.own_summary = QLabel(objectName="ownResultSummary")
        self.own_summary.setWordWrap(True)
        self.tabs.addTab(
            self._table_tab(self.own_model, "ownResultTable", self.own_summary), OWN_TAB_TITLE
        )
        self.history_model = NationalTableModel(self)
        self.tabs.addTab(self._table_tab(self.history_model, "historyTable"), "3年間の推移")
        self.tabs.addTab(self._amount_tab(), "交付見込額（試算）")

        buttons = QDialogButtonBox()
        close = buttons.addButton("閉じる", QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("closeNational")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.year_combo.currentIndexChanged.connect(lambda _i: self._load_year())
        self.muni_combo.activated.connect(lambda _i: self._choose_municipality())
        self.peer_kind.currentIndexChanged.connect(lambda _i: self._refresh())
        self.choose_peers_button.clicked.connect(lambda: self.choose_peers())
        writable = self.session is not None and not self.session.read_only
        self.choose_peers_button.setEnabled(writable)
        if not writable:
            self.choose_peers_button.setToolTip("書き込める評価ファイルを開くと選べます")
        self.pref_combo.activated.connect(lambda _i: self._refresh_prefecture())
        self.apply_button.clicked.connect(self.apply_official)
        self.seed_button.clicked.connect(lambda: self.seed_evaluation())
        self.what_if.valueChanged.connect(lambda _v: self._refresh_what_if())

    def _rank_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        grid = QGridLayout()
        self.rank_labels: dict[str, QLabel] = {}
        for row, (key, title) in enumerate(
            (
                ("national", "全国"),
                ("prefecture", "都道府県内"),
                ("band", "同じ規模区分"),
                ("kaso", "同じ過疎区分"),
                ("chosen", CHOSEN_LABEL),
            )
        ):
            grid.addWidget(QLabel(title), row, 0)
            label = self.rank_labels[key] = QLabel(objectName=f"rank_{key}")
            grid.addWidget(label, row, 1)
        grid.setColumnStretch(2, 1)  # labels stay beside their titles
        layout.addLayout(grid)
        what = QHBoxLayout()
        what.addWidget(QLabel("あと"))
        self.what_if = QSpinBox(objectName="whatIfPoints")
        self.what_if.setRange(0, 800)
        self.what_if.setValue(10)
        what.addWidget(self.what_if)
        self.what_if_label = QLabel(objectName="whatIfResult")
        what.addWidget(self.what_if_label)
        what.addStretch(1)
        layout.addLayout(what)
        self.current_label = QLabel(objectName="currentAnswersRank")
        layout.addWidget(self.current_label)
        self.histogram = HistogramWidget()
        layout.addWidget(self.histogram, 1)
        return tab

    def _table_tab(self, model, name: str, *extras) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        for extra in extras:
            if isinstance(extra, QLabel):
                layout.addWidget(extra)
            else:
                bar.addWidget(extra)
        bar.addStretch(1)
        export = QPushButton("Excel に出力する…", objectName=f"{name}Export")
        export.clicked.connect(lambda: self.export(model))
        bar.addWidget(export)
        layout.addLayout(bar)
        view = make_table_view(model, name)
        setattr(self, name, view)
        layout.addWidget(view, 1)
        return tab

    def _amount_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        form = QFormLayout()
        self.frame_inputs: dict[str, QSpinBox] = {}
        for grant, name in (
            ("suishin", "推進交付金の基本配分枠（千円）"),
            ("shien", "支援交付金の基本配分枠（千円）"),
        ):
            spin = QSpinBox(objectName=f"frame_{grant}")
            spin.setRange(0, 2_000_000_000)
            spin.setGroupSeparatorShown(True)
            spin.setSpecialValueText("未入力")
            spin.editingFinished.connect(self._save_frames)
            self.frame_inputs[grant] = spin
            form.addRow(name, spin)
        layout.addLayout(form)
        self.amount_label = QLabel(objectName="amountResult")
        self.amount_label.setWordWrap(True)
        self.amount_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.amount_label)
        layout.addStretch(1)
        return tab

    # --- data -----------------------------------------------------------------------------
    def _fill_years(self) -> None:
        self.year_combo.blockSignals(True)
        for year in self.years:
            self.year_combo.addItem(f"{year.year_label}（{year.count:,}市町村）", year.fiscal_year)
        self.year_combo.blockSignals(False)
        wanted = self.session.record.fiscal_year if self.session is not None else None
        index = self.year_combo.findData(wanted) if wanted else -1
        self.year_combo.setCurrentIndex(max(0, index))
        self._load_year()

    def _load(self, fiscal_year: int):
        if fiscal_year not in self._datasets:
            with NationalLibrary.open(self.library_path, create=False) as library:
                self._datasets[fiscal_year] = library.load(fiscal_year)
        return self._datasets[fiscal_year]

    def _load_year(self) -> None:
        from desktop.catalog import registry

        year = self.year_combo.currentData()
        if year is None:
            return
        self.dataset = self._load(year)
        self.catalog = registry.find(self.dataset.catalog_id)
        self.source_label.setText(
            f"{SOURCE_NOTE}: {self.dataset.source_name}（{(self.dataset.imported_at or '')[:10]} 取込、"
            f"{self.dataset.count:,}市町村）"
        )
        previous = self.municipality
        self.muni_combo.blockSignals(True)
        self.muni_combo.clear()
        for m in self.dataset.municipalities:
            self.muni_combo.addItem(f"{m.prefecture} {m.name}", m.serial)
        self.muni_combo.blockSignals(False)
        self.pref_combo.blockSignals(True)
        self.pref_combo.clear()
        seen = set()
        for m in sorted(self.dataset.municipalities, key=lambda m: m.prefecture_no):
            if m.prefecture_no not in seen:
                seen.add(m.prefecture_no)
                self.pref_combo.addItem(m.prefecture, m.prefecture_no)
        self.pref_combo.blockSignals(False)
        self.municipality = self._default_municipality(previous)
        if self.municipality is not None:
            self.muni_combo.setCurrentIndex(self.muni_combo.findData(self.municipality.serial))
            self.pref_combo.setCurrentIndex(
                self.pref_combo.findData(self.municipality.prefecture_no)
            )
        entered = {}
        with NationalLibrary.open(self.library_path, create=False) as library:
            entered = library.entered_frames(year)
        for grant, value in frames_for(year, entered).items():
            self.frame_inputs[grant].blockSignals(True)
            self.frame_inputs[grant].setValue(int(value or 0))
            self.frame_inputs[grant].blockSignals(False)
        self._refresh()

    def _default_municipality(self, previous):
        """The evaluation's own municipality (by 保険者番号, else prefecture and name)."""
        if previous is not None:
            match = self.dataset.by_serial().get(previous.serial)
            if match is not None:
                return match
        key = self._pick_key()
        if key:
            with NationalLibrary.open(self.library_path, create=False) as library:
                picked = library.picked(key)
            if picked is not None:
                serial, prefecture, name = picked
                match = self.dataset.by_serial().get(serial)
                if match is not None and (match.prefecture, match.name) == (prefecture, name):
                    return match
                try:
                    return A.find_municipality(self.dataset, name=f"{prefecture}/{name}")
                except NationalFileError:
                    pass
        own = self.session.municipality() if self.session is not None else None
        if own is not None:
            for kwargs in ({"insurer": own.code}, {"name": f"{own.prefecture or ''}/{own.name}"}):
                if not any(kwargs.values()) or kwargs.get("insurer") == "":
                    continue
                try:
                    return A.find_municipality(self.dataset, **kwargs)
                except NationalFileError:
                    continue
        return self.dataset.municipalities[0] if self.dataset.municipalities else None

    def _choose_municipality(self) -> None:
        serial = self.muni_combo.currentData()
        found = self.dataset.by_serial().get(serial)
        if found is not None:
            self.municipality = found
            key = self._pick_key()
            if key:  # picked once: the next opening (and other years) start from it
                with NationalLibrary.open(self.library_path, create=False) as library:
                    library.set_picked(key, found.serial, found.prefecture, found.name)
            self.pref_combo.setCurrentIndex(self.pref_combo.findData(found.prefecture_no))
            self._refresh()

    def _pick_key(self) -> str | None:
        source = self.document if self.document is not None else self.session
        path = getattr(source, "path", None)
        return str(Path(path).resolve()) if path else None

    def select_municipality(self, serial: int) -> None:
        self.muni_combo.setCurrentIndex(self.muni_combo.findData(serial))
        self._choose_municipality()

    # --- tabs -------------------------------------------------------------------------------
    def _refresh(self) -> None:
        m = self.municipality
        if self.dataset is None or m is None:
            return
        result = A.standing(self.dataset, m, self.catalog)
        band = f"（規模区分{m.band}{'、第1号被保険者数から算出' if self.dataset.band_derived else ''}）"
        self.rank_labels["national"].setText(
            f"{result['rank']:,}位 / {result['of']:,}　合計 {m.total:g}点（平均 {result['mean']:.1f}・中央値 {result['median']:g}・"
            f"四分位 {result['q1']:g}〜{result['q3']:g}）"
        )
        self.rank_labels["prefecture"].setText(
            f"{result['prefecture_rank']}位 / {result['prefecture_of']}（{m.prefecture}、"
            f"{_spread(result, 'prefecture')}）"
        )
        self.rank_labels["band"].setText(
            f"{result['band_rank']}位 / {result['band_of']}{band}（{_spread(result, 'band')}）"
        )
        kaso = "過疎地域" if m.kaso else "過疎地域以外"
        self.rank_labels["kaso"].setText(
            f"{result['kaso_rank']}位 / {result['kaso_of']}（{kaso}、{_spread(result, 'kaso')}）"
        )
        self.histogram.set_data(
            [x.total for x in self.dataset.municipalities],
            marked=m.total,
            mean=result["mean"],
            maximum=self.catalog.total_max,
            caption=f"{self.dataset.year_label} 全国の合計点の分布（{m.prefecture}{m.name}を赤で表示）",
        )
        self._refresh_what_if()
        chosen = chosen_peers(self.dataset, m, self.peer_choices())
        self._show_chosen_rank(chosen)
        kind = self.peer_kind.currentData()
        members = chosen.members if kind == CHOSEN_KIND else A.peers(self.dataset, m, kind)
        self.peer_note.setText(self._peer_note(kind, chosen))
        self.peer_note.setVisible(bool(self.peer_note.text()))
        self.peer_model.set_table(
            peer_table(
                self.dataset,
                self.catalog,
                members,
                f"{CHOSEN_LABEL}（{m.prefecture}{m.name}と比べる）"
                if kind == CHOSEN_KIND
                else f"{self.peer_kind.currentText()}の市町村（{m.prefecture}{m.name}）",
                mark=m,
            )
        )
        self._refresh_prefecture()
        self._refresh_gaps(members)
        refresh_own_result(self.own_model, self.own_summary, self.session, self.dataset, m)
        self._refresh_history()
        self._refresh_amount()

    def peer_choices(self) -> list:
        """The municipalities chosen to compare with, saved with the open evaluation."""
        return self.session.peer_choices() if self.session is not None else []

    def _show_chosen_rank(self, chosen) -> None:
        label = self.rank_labels["chosen"]
        if not chosen.chosen_count:
            label.setText("まだ選んでいません（「比較する市町村」の「比較する市町村を選ぶ…」で選べます）")
            return
        totals = [m.total for m in chosen.members]
        f = A.group_figures(self.municipality.total, totals, "chosen")
        label.setText(
            f"{f['chosen_rank']}位 / {f['chosen_of']}（選んだ{chosen.chosen_count}市町村と自分、"
            f"{_spread(f, 'chosen')}）"
        )

    def _peer_note(self, kind, chosen) -> str:
        if kind != CHOSEN_KIND:
            return ""
        if not chosen.chosen_count and not chosen.missing:
            return "まだ選んでいません。「比較する市町村を選ぶ…」で比べたい市町村を選ぶと、ここに並びます。"
        return chosen.missing_line()

    def choose_peers(self, *, pick=None) -> bool:
        """Open the picker; the choice is saved with the evaluation as one action and the
        chosen group is shown. ``pick(dialog) -> bool`` replaces running the dialog."""
        from desktop.ui.national_peer_picker import PeerPickerDialog

        if self.session is None or self.session.read_only or self.municipality is None:
            return False
        picker = PeerPickerDialog(self, self.dataset, self.municipality, self.peer_choices())
        accepted = pick(picker) if pick is not None else picker.exec() == QDialog.DialogCode.Accepted
        if not accepted:
            return False
        self.session.set_peer_choices(picker.choices(), source="全国の評価結果と比べる")
        index = self.peer_kind.findData(CHOSEN_KIND)
        if self.peer_kind.currentIndex() != index:
            self.peer_kind.setCurrentIndex(index)  # refreshes
        else:
            self._refresh()
        return True

    def _refresh_what_if(self) -> None:
        m = self.municipality
        if m is None:
            return
        extra = self.what_if.value()
        self.what_if_label.setText(
            f"点多ければ 全国 {A.what_if(self.dataset, m.total, extra):,}位（今は {A.what_if(self.dataset, m.total):,}位）"
        )
        if self.session is not None and self.session.record.fiscal_year == self.dataset.fiscal_year:
            tree = self.session.score()
            projected = tree.root.projected_points
            self.current_label.setText(
                f"今の回答（国が算定する項目の見込みを含む）では {projected}点 → 全国 {A.what_if(self.dataset, projected):,}位相当"
            )
        else:
            self.current_label.setText("")

    def _refresh_prefecture(self) -> None:
        number = self.pref_combo.currentData()
        if self.dataset is None or number is None:
            return
        name = self.pref_combo.currentText()
        table, view = prefecture_table(self.dataset, self.catalog, name, mark=self.municipality)
        self.pref_model.set_table(table)
        far = view["far_below"]
        reached = [t["tier"] for t in view["tiers"] if t["reached"]]
        self.pref_summary.setText(
            f"{name}: {view['count']}市町村、平均 {view['average']:.1f}点（全国平均 {view['national_mean']:.1f}点）。"
            f"都道府県平均の順位 {view['average_rank']}位 / {view['average_of']}"
            f"（{'・'.join(reached) if reached else '上位7割に入らない'}）。"
            f"大きく下回る線（全国平均得点率 − 2×標準偏差）{far['line_points']:.1f}点を下回る市町村: "
            f"{len(far['municipalities'])}（全国 {far['national_count']}）"
        )

    def _refresh_gaps(self, members) -> None:
        if self.session is None or self.session.record.fiscal_year != self.dataset.fiscal_year:
            self.gap_model.set_table(
                Table("伸びしろ", ("この年度の評価を開くと表示します",), [], (False,))
            )
            return
        per_point = {}
        amount = A.amount_estimate(
            self.dataset,
            self.municipality,
            frames_for(self.dataset.fiscal_year, self._entered_frames()),
        )
        for grant in ("suishin", "shien"):
            per_point[grant] = amount[grant]["per_point_thousand_yen"]
        self.gap_model.set_table(gap_table(self.session, self.dataset, members, per_point))

    def _refresh_history(self) -> None:
        if len(self.years) < 2:
            self.history_model.set_table(
                Table(
                    "3年間の推移", ("2年度以上の全国集計結果を取り込むと表示します",), [], (False,)
                )
            )
            return
        datasets = [self._load(y.fiscal_year) for y in self.years]
        history = item_history(datasets, self.municipality.serial)
        years = sorted(y.fiscal_year for y in self.years)
        from desktop.catalog import registry
        from desktop.report.wording import target_reference

        newest = registry.find(max(datasets, key=lambda d: d.fiscal_year).catalog_id)
        rows = [
            (
                target_reference(newest, h.item_id),
                *(h.points.get(y) for y in years),
                h.max_points.get(years[-1]),
                h.trend,
            )
            for h in history
        ]
        headers = ("小項目", *(year_label(y) for y in years), "配点", "推移")
        self.history_model.set_table(
            Table("3年間の推移", headers, rows, (False, *(True for _ in years), True, False))
        )

    def _entered_frames(self) -> dict[str, float]:
        return {g: float(s.value()) for g, s in self.frame_inputs.items() if s.value() > 0}

    def _save_frames(self) -> None:
        if self.dataset is None:
            return
        with NationalLibrary.open(self.library_path, create=False) as library:
            library.set_frames(
                self.dataset.fiscal_year,
                {
                    g: (float(s.value()) if s.value() > 0 else None)
                    for g, s in self.frame_inputs.items()
                },
            )
        self._refresh_amount()

    def _refresh_amount(self) -> None:
        m = self.municipality
        result = A.amount_estimate(
            self.dataset, m, frames_for(self.dataset.fiscal_year, self._entered_frames())
        )
        lines = [
            f"{self.dataset.year_label} {m.prefecture}{m.name} 交付見込額（{result['label']}）"
        ]
        for grant, name in (("suishin", "推進交付金"), ("shien", "支援交付金")):
            entry = result[grant]
            if entry["amount_thousand_yen"] is None:
                lines.append(f"{name}: {entry['points']:g}点（基本配分枠を入力すると試算します）")
            else:
                lines.append(
                    f"{name}: {entry['points']:g}点 → 約 {entry['amount_thousand_yen']:,.0f}千円"
                    f"（1点あたり 約 {entry['per_point_thousand_yen']:,.1f}千円）"
                )
        lines.append(result["note"])
        self.amount_label.setText("\n".join(lines))
