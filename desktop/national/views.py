"""Figures the national view shows, as plain rows (no Qt): the municipality's own
official result for the official-results columns, the peers table, 伸びしろ with the
real rates, and the xlsx export of any such table.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.catalog.model import GOAL_NUMERALS, Catalog
from desktop.national.analysis import Ranking, find_prefecture, item_rates, prefecture_view
from desktop.national.dataset import NationalDataset, NationalMunicipality

MOST_PEERS_PCT = 50.0  # 「比較市町村の多くが該当」


# --- own result → official-results columns ---------------------------------------------------
def official_values(
    catalog: Catalog, dataset: NationalDataset, municipality: NationalMunicipality
) -> dict[str, float]:
    """The official points per indicator, group, goal, grant and total of ``catalog``'s
    nodes (the session's pinned catalog), for ``enter_official_results``."""
    if dataset.fiscal_year != catalog.fiscal_year:
        raise ValueError("年度が違います")
    wanted = {"total"} | {g.id for g in catalog.grants}
    for goal in catalog.all_goals():
        wanted.add(goal.id)
        for group in goal.groups:
            wanted.add(group.id)
            wanted.update(i.id for i in group.indicators)
    return {node: points for node, points in municipality.totals.items() if node in wanted}


# --- tables ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple]
    numeric: tuple[bool, ...]
    highlight: frozenset[int] = frozenset()  # row indices to mark (the municipality itself)


def peer_table(
    dataset: NationalDataset,
    catalog: Catalog,
    members: list[NationalMunicipality],
    title: str,
    mark: NationalMunicipality | None = None,
) -> Table:
    """Peers with totals per grant, goal and group and their national rank."""
    ranking = Ranking(m.total for m in dataset.municipalities)
    nodes: list[tuple[str, str]] = []
    for grant in catalog.grants:
        nodes.append((grant.id, grant.short_name))
        for goal in catalog.goals_of(grant):
            numeral = GOAL_NUMERALS.get(goal.code, goal.code)
            if goal.id.startswith("common.") and grant is not catalog.grants[0]:
                continue  # 目標Ⅳ once
            short = "" if goal.id.startswith("common.") else grant.short_name[:2]
            nodes.append((goal.id, f"{short}目標{numeral}"))
            if len(goal.groups) > 1:
                for group in goal.groups:
                    nodes.append((group.id, f"{short}{numeral} {group.name[:2]}"))
    headers = (
        "全国順位",
        "都道府県",
        "市町村",
        "規模区分",
        "過疎",
        "合計",
        *tuple(n for _i, n in nodes),
    )
    rows = []
    highlight = set()
    for m in sorted(members, key=lambda m: (-m.total, m.serial)):
        if mark is not None and m.serial == mark.serial:
            highlight.add(len(rows))
        rows.append(
            (
                ranking.rank(m.total),
                m.prefecture,
                m.name,
                m.band,
                "○" if m.kaso else "",
                m.total,
                *tuple(m.totals.get(node_id, 0.0) for node_id, _n in nodes),
            )
        )
    numeric = (True, False, False, True, False, True) + (True,) * len(nodes)
    return Table(title, headers, rows, numeric, frozenset(highlight))


def prefecture_table(
    dataset: NationalDataset,
    catalog: Catalog,
    name: str,
    mark: NationalMunicipality | None = None,
) -> tuple[Table, dict]:
    """The prefecture's municipalities, ranked within the prefecture first (ties share the
    better rank), then nationally, with 「大きく下回る」; and the ``prefecture_view`` figures."""
    view = prefecture_view(dataset, catalog, name)
    members = [m for m in dataset.municipalities if m.prefecture_no == find_prefecture(dataset, name)]
    table = peer_table(dataset, catalog, members, f"{view['prefecture']}の市町村", mark=mark)
    ranks = {row["serial"]: row["prefecture_rank"] for row in view["municipalities"]}
    below = {row["serial"] for row in view["far_below"]["municipalities"]}
    ordered = sorted(members, key=lambda m: (-m.total, m.serial))  # peer_table's row order
    rows = [
        (ranks[m.serial], *row, "○" if m.serial in below else "")
        for m, row in zip(ordered, table.rows, strict=True)
    ]
    return (
        Table(
            table.title,
            ("都道府県内順位", *table.headers, "大きく下回る"),
            rows,
            (True, *table.numeric, False),
            table.highlight,
        ),
        view,
    )


def gap_table(
    session,
    dataset: NationalDataset,
    peers: list[NationalMunicipality],
    per_point: dict[str, float | None] | None = None,
) -> Table:
    """伸びしろ with the dataset's rates: national and among peers, replacing the catalog's."""
    from desktop.report.gaps import session_gaps

    national = item_rates(dataset)
    among = item_rates(dataset, peers)
    per_point = per_point or {}
    rows = []
    for gap in session_gaps(session):
        national_rate = national.get(gap.item_id, gap.national_rate_pct)
        peer_rate = among.get(gap.item_id)
        grant = gap.grant if gap.grant in ("suishin", "shien") else None
        value = per_point.get(grant) if grant else None
        rows.append(
            (
                gap.reference,
                gap.lost.text,
                gap.gain,
                None if national_rate is None else round(national_rate, 1),
                None if peer_rate is None else round(peer_rate, 1),
                "○" if peer_rate is not None and peer_rate >= MOST_PEERS_PCT else "",
                None if value is None else round(gap.gain * value, 1),
            )
        )
    headers = (
        "小項目",
        "内容",
        "加点",
        "全国該当率(%)",
        "比較市町村の該当率(%)",
        "比較市町村の多くが該当",
        "1年の試算額(千円)",
    )
    return Table(
        "伸びしろ（全国集計結果の該当率）",
        headers,
        rows,
        (False, False, True, True, True, False, True),
    )


def save_table_xlsx(table: Table, path, *, note: str | None = None) -> None:
    """Write ``table`` to ``path`` (replaced only when completely written); text as text."""
    from openpyxl import Workbook

    from desktop.safe_save import save_atomically

    def write(temporary: str) -> None:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = table.title[:31].replace("/", "・")
        sheet.append([table.title])
        if note:
            sheet.append([note])
        sheet.append(list(table.headers))
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = sheet.cell(row=3 + (1 if note else 0), column=1)
        workbook.save(temporary)

    save_atomically(path, write)


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        # openpyxl refuses control characters; user text is never a formula.
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n")
    return value
