"""Synthetic national results workbooks (全国集計結果, 市町村分) in the documented layout.

Built from a shipped catalog with every trap the research note lists: a title row naming
both grants, merged header cells, full-width spaces and line breaks in labels, the
statistics rows in a year-specific order, the R6 left block with two fewer columns,
about 12 % of rows without 保険者番号, 目標Ⅳ repeated under both grants, and many
trailing columns that are not scores (some with a 配点 and a letter, to tempt a reader).

The subtotals and statistics are computed here by plain sums, independently of the
reader's own code, so the reader's checks are tested against an outside figure.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from desktop.catalog import registry
from desktop.catalog.model import COMBINE_BEST_OF, Catalog
from desktop.prefectures import PREFECTURES
from tests.national.xlsx_writer import column_letters, write_xlsx

ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ"}
SMALL = ("ⅰ", "ⅱ", "ⅲ")
GRANT_HEAD = {"suishin": "保険者機能強化推進交付金", "shien": "介護保険保険者努力支援交付金"}
GRANT_TOTAL = {"suishin": "推進合計", "shien": "支援合計"}
FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
HEADER_TOP = 1  # 0-based row of the grant row (row 2)

# Statistics rows per year (order differs; R6 lacks 項目平均).
STAT_ORDER = {
    2024: [
        "配点",
        "全国合計",
        "平均点",
        "平均得点率",
        "中央値",
        "標準偏差",
        "該当市町村数",
        "該当率",
    ],
    2025: [
        "配点",
        "全国合計",
        "平均点",
        "項目平均",
        "平均得点率",
        "中央値",
        "標準偏差",
        "該当市町村数",
        "該当率",
    ],
    2026: [
        "配点",
        "該当市町村数",
        "該当率",
        "全国合計",
        "平均点",
        "中央値",
        "標準偏差",
        "項目平均",
        "平均得点率",
    ],
}


@dataclass
class Muni:
    serial: int
    prefecture_no: int
    prefecture: str
    name: str
    insurer: str | None
    population: int
    first_insured: int
    kaso: bool
    points: dict[str, int] = field(default_factory=dict)  # column key → points

    @property
    def band(self) -> int:
        for band, limit in ((1, 3000), (2, 10000), (3, 50000), (4, 100000)):
            if self.first_insured < limit:
                return band
        return 5


@dataclass
class Synthetic:
    path: Path
    catalog: Catalog
    municipalities: list[Muni]
    score_columns: dict[str, int]  # column key → 0-based column index (first occurrence)
    total_column: int
    first_data_row: int  # 1-based

    def totals(self) -> dict[int, int]:
        return {
            m.serial: sum(m.points.values())
            + sum(v for k, v in m.points.items() if k.startswith("common."))
            for m in self.municipalities
        }


def _columns_of(indicator) -> list[tuple[str, str, int]]:
    """(key, label, points) per column, as desktop.national.columns names them."""
    out = []
    for item in indicator.items:
        if item.options:
            out += [(f"{item.id}:{o.label}", o.label, o.points) for o in item.options]
        else:
            out.append((item.id, item.label, item.points))
    return out


def _score_indicator(indicator, rng: random.Random, skill: float) -> dict[str, int]:
    """Plausible points for one municipality: checks by rate, tiers cumulative,
    alternative series exclusive, caps respected (so that plain sums are the totals)."""
    got: dict[str, int] = {}
    chosen_series = (
        rng.randrange(len(indicator.items)) if indicator.combine == COMBINE_BEST_OF else None
    )
    for n, item in enumerate(indicator.items):
        active = chosen_series is None or n == chosen_series
        if item.options:
            reached = 0
            if active:
                for _ in item.options:
                    if rng.random() < skill:
                        reached += 1
                    else:
                        break
            for k, option in enumerate(item.options):
                got[f"{item.id}:{option.label}"] = option.points if k < reached else 0
        else:
            rate = (item.national_rate_pct or 50) / 100
            met = active and rng.random() < min(0.98, rate * (0.5 + skill))
            got[item.id] = item.points if met else 0
    # Caps: drop columns from the end until the indicator fits its maximum.
    keys = [key for key, _label, _points in _columns_of(indicator)]
    while sum(got.values()) > indicator.max_points:
        for key in reversed(keys):
            if got[key]:
                got[key] = 0
                break
    return got


def make_municipalities(catalog: Catalog, count: int, seed: int) -> list[Muni]:
    rng = random.Random(seed)
    result = []
    for serial in range(1, count + 1):
        prefecture_no = min(47, 1 + (serial - 1) * 47 // count)
        prefecture = PREFECTURES[prefecture_no - 1]
        first = int(rng.lognormvariate(9.0, 1.2)) + 300
        name = f"第{serial}市" if first >= 50000 else f"第{serial}町"
        if serial == 2:
            name = "府中市"  # the same name in two prefectures
        if serial == count - 1:
            name = "府中市"
        insurer = None if rng.random() < 0.118 else f"{prefecture_no:02d}{serial:04d}"
        muni = Muni(
            serial, prefecture_no, prefecture, name, insurer, first * 3, first, rng.random() < 0.5
        )
        skill = rng.random() * 0.6 + 0.3
        for indicator in catalog.all_indicators(with_frames=False):
            muni.points.update(_score_indicator(indicator, rng, skill))
        result.append(muni)
    return result


def make_workbook(
    path: Path,
    *,
    year: int = 2026,
    count: int = 60,
    trailing: int = 40,
    seed: int = 1,
    stat_order: list[str] | None = None,
    municipalities: list[Muni] | None = None,
    mutate=None,
    trailing_every: int = 1,
) -> Synthetic:
    """Write a workbook for ``year`` (2024–2026) with ``count`` municipalities.

    ``mutate(rows, info)`` may change the grid before it is written (to plant faults).
    ``trailing_every``: fill every n-th trailing column per row (the real file, ~2 MB for
    1,780 × 1,563, is sparse beyond the scores).
    """
    catalog = registry.for_year(year)
    munis = municipalities or make_municipalities(catalog, count, seed)
    r6 = year == 2024
    left = [
        ("通し\n番号", lambda m: m.serial),
        ("都道府県\n番号", lambda m: m.prefecture_no),
        ("保険者\n種別", lambda m: "単独" if m.insurer else "広域"),
        ("保険者　番号", lambda m: m.insurer),
        ("広域連合名", lambda m: None if m.insurer else "○○広域連合"),
        ("市町村\nコード", lambda m: f"{m.prefecture_no:02d}{m.serial:04d}"),
        ("都道府県名", lambda m: m.prefecture),
        ("市町村名", lambda m: m.name),
        ("人口", lambda m: m.population),
        ("第１号\n被保険者数", lambda m: m.first_insured),
        ("区分", lambda m: m.band),
        ("過疎地域\n該当", lambda m: "○" if m.kaso else None),
        ("前年度\n合計", lambda m: 400),
        ("前年度\n順位", lambda m: 1),
    ]
    if r6:  # R6 lacks 区分 and 市町村コード
        left = [entry for entry in left if entry[0] not in ("区分", "市町村\nコード")]
    order = stat_order or STAT_ORDER[year]
    stat_top = HEADER_TOP + 7  # row 9 (0-based 8)
    data_top = 18  # 0-based row 18 = row 19
    n_left = len(left)

    # --- plan the score region -----------------------------------------------------------
    # Each entry: ("score", key, points, header levels) or ("sub", label, max, members, level_row)
    plan: list[tuple] = []
    for grant in catalog.grants:
        for goal in catalog.goals_of(grant):
            goal_keys: list[str] = []
            goal_text = f"目標{ROMAN[goal.code]}　{goal.name}"
            for g_index, group in enumerate(goal.groups):
                group_keys: list[str] = []
                kind_text = {
                    "process": "体制・取組\n指標群",
                    "activity": "活動指標群",
                    "outcome": "成果指標群",
                }[group.kind]
                group_text = (
                    f"目標{ROMAN[goal.code]}ｰ（{SMALL[g_index]}）{kind_text}"
                    if r6
                    else f"（{SMALL[g_index]}）{kind_text}"
                )
                for indicator in group.indicators:
                    number = (
                        indicator.number.translate(FULL_DIGITS)
                        if int(indicator.number) % 2
                        else indicator.number
                    )
                    for key, label, points in _columns_of(indicator):
                        plan.append(
                            (
                                "score",
                                key,
                                points,
                                (
                                    grant.id,
                                    goal_text,
                                    group_text,
                                    number,
                                    indicator.title[:12],
                                    label,
                                ),
                            )
                        )
                        group_keys.append(key)
                plan.append(
                    (
                        "sub",
                        f"{ROMAN[goal.code]}（{SMALL[g_index]}）　計",
                        group.max_points,
                        tuple(group_keys),
                        3,
                        grant.id,
                    )
                )
                goal_keys += group_keys
            plan.append(
                ("sub", f"{ROMAN[goal.code]}　合計", goal.max_points, tuple(goal_keys), 2, grant.id)
            )
        grant_keys = tuple(
            key
            for goal in catalog.goals_of(grant)
            for group in goal.groups
            for indicator in group.indicators
            for key, _l, _p in _columns_of(indicator)
        )
        plan.append(("sub", GRANT_TOTAL[grant.id], grant.max_points, grant_keys, 1, grant.id))
    plan.append(("sub", "推進・支援合計", catalog.total_max, ("*",), 1, "shien"))
    plan.append(("rank", "今年度順位"))
    width = n_left + len(plan) + trailing
    height = data_top + count + 3
    rows: list[list] = [[None] * width for _ in range(height)]
    merges: list[str] = []

    rows[0][0] = (
        f"令和{year - 2018}年度　保険者機能強化推進交付金・介護保険保険者努力支援交付金　評価結果（市町村分）"
    )
    merges.append(f"A1:{column_letters(n_left + 5)}1")
    for c, (label, _get) in enumerate(left):
        rows[HEADER_TOP][c] = label
        merges.append(f"{column_letters(c)}2:{column_letters(c)}8")
    stat_label_column = n_left - 3  # under 前年度合計's neighbours: inside the first 12 columns
    for i, label in enumerate(order):
        rows[stat_top + i][min(stat_label_column, 10)] = label

    # --- header cells, with merges across repeated labels ----------------------------------
    def put_run(r: int, c: int, value) -> None:
        rows[r][c] = value

    previous = [None] * 6
    start = [0] * 6
    score_columns: dict[str, int] = {}
    total_column = 0
    subtotal_of: list[tuple[int, tuple, int]] = []
    for i, entry in enumerate(plan):
        c = n_left + i
        if entry[0] == "score":
            _kind, key, points, (grant_id, goal_text, group_text, number, short, label) = entry
            letter, circled = label[0], label[1:]
            levels = [GRANT_HEAD[grant_id], goal_text, group_text, number, short, letter]
            changed = False
            for level, value in enumerate(levels):
                if changed or value != previous[level]:
                    changed = True
                    put_run(HEADER_TOP + level, c, value)
                    if start[level] < c - 1 and previous[level] is not None:
                        merges.append(
                            f"{column_letters(start[level])}{HEADER_TOP + level + 1}:{column_letters(c - 1)}{HEADER_TOP + level + 1}"
                        )
                    start[level] = c
                    previous[level] = value
            if circled:
                rows[HEADER_TOP + 6][c] = circled
            rows[stat_top + order.index("配点")][c] = points
            score_columns.setdefault(key, c)
            if key in score_columns and score_columns[key] != c:
                pass  # 目標Ⅳ again under 支援
            subtotal_of.append((c, (key,), 0))
        elif entry[0] == "sub":
            _kind, label, max_points, members, level_row, grant_id = entry
            if GRANT_HEAD[grant_id] != previous[0]:
                put_run(HEADER_TOP, c, GRANT_HEAD[grant_id])
                previous[0] = GRANT_HEAD[grant_id]
            rows[HEADER_TOP + level_row][c] = label
            rows[stat_top + order.index("配点")][c] = max_points
            for level in range(level_row, 6):
                previous[level] = None
            subtotal_of.append((c, members, 1))
            if label == "推進・支援合計":
                total_column = c
        else:
            rows[HEADER_TOP + 1][c] = entry[1]
    # Trailing columns that are not scores (one with a 配点 and a letter, to tempt a reader).
    for t in range(trailing):
        c = n_left + len(plan) + t
        rows[HEADER_TOP][c] = f"参考データ{t + 1}"
        if t == 3:
            rows[HEADER_TOP + 5][c] = "ア"
            rows[stat_top + order.index("配点")][c] = 5

    # --- municipality rows ------------------------------------------------------------
    for m in munis:
        r = data_top + m.serial - 1
        for c, (_label, get) in enumerate(left):
            rows[r][c] = get(m)
        for c, members, is_sub in subtotal_of:
            if not is_sub:
                rows[r][c] = m.points[members[0]]
        for c, members, is_sub in subtotal_of:
            if is_sub:
                if members == ("*",):
                    value = sum(m.points.values()) + sum(
                        v for k, v in m.points.items() if k.startswith("common.")
                    )
                else:
                    value = sum(m.points[k] for k in members)
                rows[r][c] = value
        for t in range(trailing):
            c = n_left + len(plan) + t
            if t % trailing_every == 0:
                rows[r][c] = (m.serial * 7 + t) % 13 if t % 3 else "対象"
    # A notes row below the municipalities: not a municipality.
    rows[data_top + count + 1][0] = "※ 保険者番号が空欄の市町村は広域連合の構成市町村です。"

    # --- statistics rows --------------------------------------------------------------------
    n = len(munis)
    for c, _members, is_sub in subtotal_of:
        values = [rows[data_top + m.serial - 1][c] for m in munis]
        total = sum(values)
        maximum = rows[stat_top + order.index("配点")][c]
        stats = {
            "全国合計": total,
            "平均点": round(total / n, 1),
            "項目平均": round(total / n, 2),
            "平均得点率": round(total / n / maximum, 3) if maximum else 0,
            "中央値": statistics.median(values),
            "標準偏差": round(statistics.pstdev(values), 1),
        }
        if not is_sub:
            met = sum(1 for v in values if v > 0)
            stats["該当市町村数"] = met
            stats["該当率"] = round(met / n * 100, 1)
        for label, value in stats.items():
            if label in order:
                rows[stat_top + order.index(label)][c] = value

    info = Synthetic(path, catalog, munis, score_columns, total_column, data_top + 1)
    if mutate is not None:
        mutate(rows, info)
    write_xlsx(path, rows, merges, sheet_name="全国集計（市町村）")
    return info


def expected_total(m: Muni) -> int:
    return sum(m.points.values()) + sum(v for k, v in m.points.items() if k.startswith("common."))
