"""The self-checks a national results workbook must pass before it is stored.

Every figure the workbook publishes about itself is re-derived from the score cells:

1. the municipality count, from the statistics rows (全国合計 ÷ 平均点, 該当市町村数 ÷ 該当率);
2. per municipality, the subtotal columns (group, goal, 推進合計, 支援合計, 推進・支援合計)
   equal the sums of their items (with the indicators' caps and alternative series);
3. per column, 配点 equals the catalog's points, 全国合計 / 平均点 / 該当市町村数 /
   該当率 equal what the rows give.

The first failure stops the import with a message naming the row or column.
"""

from __future__ import annotations

from desktop.catalog.model import Catalog
from desktop.national.columns import catalog_columns
from desktop.national.dataset import NationalDataset, totals_plan
from desktop.national.errors import NationalFileError, cell_name, column_name
from desktop.national.text import is_number

POINT_TOLERANCE = 1e-6
MEAN_TOLERANCE = 0.051  # 平均点 is printed to one decimal at least
RATE_PCT_TOLERANCE = 0.051
RATE_FRACTION_TOLERANCE = 0.00051


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _subtotal_node(catalog: Catalog, subtotal: tuple) -> tuple[str, str] | None:
    """(node id, name) a subtotal column sums."""
    kind, grant_id, code, which = subtotal
    if kind == "total":
        return "total", "推進・支援合計"
    grants = {g.id: g for g in catalog.grants}
    if kind == "grant":
        return grant_id, f"{grants[grant_id].short_name}合計"
    grant = grants[grant_id]
    for goal in catalog.goals_of(grant):
        if goal.code != code:
            continue
        if kind == "goal":
            return goal.id, f"{goal.label} 合計"
        groups = goal.groups
        if isinstance(which, int):
            if which < len(groups):
                return groups[which].id, f"{goal.label} {groups[which].name} 計"
            return None
        for group in groups:
            if group.kind == which:
                return group.id, f"{goal.label} {group.name} 計"
    return None


def run_checks(
    dataset: NationalDataset,
    catalog: Catalog,
    rows: list[list],
    columns: list,
    stat_rows: dict[str, int],
    key_index: dict[str, int],
    primary: dict[str, int],
) -> list[str]:
    n = dataset.count
    passed: list[str] = []

    # --- subtotals per municipality -----------------------------------------------------
    subtotal_columns = []
    for column in columns:
        if column.subtotal is None or column.subtotal[0] == "rank":
            continue
        node = _subtotal_node(catalog, column.subtotal)
        if node is None:
            raise NationalFileError(
                f"{column_name(column.index)}列「{column.label}」がどの目標・指標群の合計か分かりません。"
            )
        subtotal_columns.append((column.index, node))
    grant_columns = {node[0] for _c, node in subtotal_columns}
    for needed, name in (("suishin", "推進合計"), ("shien", "支援合計")):
        if needed not in grant_columns:
            raise NationalFileError(f"「{name}」の列が見つかりません。")
    plan = totals_plan(catalog, dataset.columns)
    for municipality in dataset.municipalities:
        totals = plan.totals(municipality.points)
        municipality.totals = totals
        row = rows[municipality.row - 1]
        for c, (node_id, name) in subtotal_columns:
            value = row[c] if c < len(row) else None
            if value == totals[node_id]:
                continue
            if not is_number(value):
                if node_id == "total":
                    continue  # cannot happen: such rows are not municipalities
                raise NationalFileError(
                    f"{cell_name(municipality.row - 1, c)}（{municipality.display_name}、{name}）: 数値がありません。"
                )
            if abs(value - totals[node_id]) > POINT_TOLERANCE:
                raise NationalFileError(
                    f"{municipality.row}行目（{municipality.display_name}）{column_name(c)}列「{name}」: "
                    f"{_fmt(value)}点ですが、小項目の合計は{_fmt(totals[node_id])}点です。"
                )
    passed.append(
        f"市町村ごとに、小項目の合計が推進合計・支援合計・推進・支援合計と小計{len(subtotal_columns) - 3}列に一致"
    )

    # --- statistics rows per column ----------------------------------------------------------
    stat = {key: rows[r] for key, r in stat_rows.items()}

    def stat_value(key: str, c: int):
        row = stat.get(key)
        if row is None or c >= len(row):
            return None
        value = row[c]
        return value if is_number(value) else None

    rates = [stat_value("rate", c) for c in primary.values() if stat_value("rate", c) is not None]
    rate_is_fraction = bool(rates) and max(rates) <= 1.0 + 1e-9
    checked_stats: set[str] = set()
    by_column = list(zip(*(m.points for m in dataset.municipalities), strict=True))
    all_specs = catalog_columns(catalog)
    for key, c in primary.items():
        i = key_index[key]
        values = by_column[i]
        total = sum(values)
        met = n - values.count(0)
        label = _column_label(columns, c)
        declared = stat_value("max", c)
        spec = all_specs.spec(key)
        if declared is None or abs(declared - spec.points) > POINT_TOLERANCE:
            raise NationalFileError(
                f"{cell_name(stat_rows['max'], c)}（{label}）: 配点は{declared}ですが、評価指標では{spec.points}点です。"
            )
        if len(set(values) - {0, spec.points}):
            m = next(
                m
                for m, v in zip(dataset.municipalities, values, strict=True)
                if v not in (0, spec.points)
            )
            raise NationalFileError(
                f"{cell_name(m.row - 1, c)}（{m.display_name}、{label}）: 得点{m.points[i]}は0か配点{spec.points}のどちらかのはずです。"
            )
        checked_stats.add("max")
        expected = {
            "sum": (total, POINT_TOLERANCE, "全国合計"),
            "mean": (total / n, MEAN_TOLERANCE, "平均点"),
            "count_met": (met, POINT_TOLERANCE, "該当市町村数"),
            "rate": (
                met / n if rate_is_fraction else met / n * 100,
                RATE_FRACTION_TOLERANCE if rate_is_fraction else RATE_PCT_TOLERANCE,
                "該当率",
            ),
        }
        for stat_key, (want, tolerance, name) in expected.items():
            got = stat_value(stat_key, c)
            if got is None:
                continue
            if abs(got - want) > tolerance:
                raise NationalFileError(
                    f"{cell_name(stat_rows[stat_key], c)}（{label}）: {name}は{got:g}ですが、"
                    f"{n:,}市町村の得点からは{want:.4g}になります"
                    + ("（市町村数が合いません）" if stat_key in ("mean", "rate") else "")
                    + "。"
                )
            checked_stats.add(stat_key)
    if not checked_stats & {"mean", "rate"}:
        raise NationalFileError(
            "統計の行「平均点」「該当率」がないため、市町村数を確かめられません。"
        )
    passed.append(f"市町村数 {n:,}（統計行の平均点・該当率と一致）")
    names = [
        name
        for key, name in (
            ("max", "配点"),
            ("sum", "全国合計"),
            ("mean", "平均点"),
            ("count_met", "該当市町村数"),
            ("rate", "該当率"),
        )
        if key in checked_stats
    ]
    passed.append(f"小項目{len(primary)}列すべての{'・'.join(names)}が得点と一致")
    passed.append(
        f"得点の列はすべて{catalog.year_label}（{catalog.level_label}）の評価指標の小項目にちょうど一つずつ対応"
        "（成果指向配分枠は対象外）"
    )
    return passed


def _column_label(columns: list, c: int) -> str:
    for column in columns:
        if column.index == c:
            return column.label
    return f"{column_name(c)}列"
