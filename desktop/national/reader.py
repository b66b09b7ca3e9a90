"""Read the ministry's national results workbook (全国集計結果, 市町村分) and check it.

Nobody here has seen the real file, so everything is found by its label (see
``shared/research/national-results.md``) and every figure the file publishes about
itself is re-derived before anything is accepted:

* the header block: the grant row (the first row naming 推進交付金 and 努力支援交付金
  in separate cells; the title row names both in one cell), then goal, group,
  indicator number, short name, letter and circled number in the rows below;
  merged cells are filled forward with the lower levels reset when a higher one
  changes, and subtotal columns are recognised from their own raw label;
* the left block (通し番号, 都道府県番号, 保険者番号 …) and the statistics rows
  (配点, 全国合計, 平均点, 該当市町村数, 該当率 …), found by label in any order;
* the score region ends at 推進・支援合計: the ~1,200 columns after it are ignored.

The workbook is read with python-calamine (a Rust xlsx reader: a 1,800 × 1,563
sheet in about a second, where openpyxl takes many) and only the cells up to the
score region's end are kept per row, so memory stays small.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.catalog import registry
from desktop.catalog.model import GOAL_NUMERALS, Catalog
from desktop.formats import fiscal_year_of_reiwa, year_label
from desktop.national.cells import as_float, insurer_code, int_or_none, is_kaso, score_value
from desktop.national.columns import CatalogColumns, ColumnSpec, catalog_columns
from desktop.national.dataset import (
    NationalDataset,
    NationalMunicipality,
    band_of,
    compute_totals,
)
from desktop.national.errors import NationalFileError, cell_name, column_name
from desktop.national.text import (
    goal_code,
    group_kind,
    is_number,
    norm,
    sub_item_mark,
)

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 30
LEFT_SCAN_COLUMNS = 16
SUISHIN_NAME = "保険者機能強化推進交付金"
SHIEN_NAME = "努力支援交付金"
YEARS_KNOWN = (2024, 2025, 2026)

# Statistics rows (label → key). Order and presence vary by year.
STAT_LABELS = {
    "配点": "max",
    "全国合計": "sum",
    "平均点": "mean",
    "項目平均": "item_mean",
    "平均得点率": "mean_rate",
    "中央値": "median",
    "標準偏差": "sd",
    "該当市町村数": "count_met",
    "該当率": "rate",
}

# Left block: key → predicate on the normalised header text.
LEFT_LABELS: dict[str, Callable[[str], bool]] = {
    "serial": lambda t: t.startswith("通し番号"),
    "prefecture_no": lambda t: t.startswith("都道府県番号") or t == "都道府県コード",
    "insurer": lambda t: t.startswith("保険者番号"),
    "prefecture": lambda t: t.startswith("都道府県名") or t == "都道府県",
    "name": lambda t: t.startswith("市町村名"),
    "population": lambda t: t.startswith("人口") or t.startswith("総人口"),
    "first_insured": lambda t: t.startswith("第1号被保険者数"),
    "band": lambda t: t.startswith("区分") or t.startswith("規模区分"),
    "kaso": lambda t: "過疎" in t,
}
LEFT_REQUIRED = ("serial", "prefecture_no", "insurer", "prefecture", "name", "first_insured")
LEFT_NAMES = {
    "serial": "通し番号",
    "prefecture_no": "都道府県番号",
    "insurer": "保険者番号",
    "prefecture": "都道府県名",
    "name": "市町村名",
    "population": "人口",
    "first_insured": "第1号被保険者数",
    "band": "区分（規模区分）",
    "kaso": "過疎地域該当",
}

# Subtotal kinds.
SUB_GROUP, SUB_GOAL, SUB_GRANT, SUB_TOTAL, SUB_RANK = "group", "goal", "grant", "total", "rank"
ROMAN_SMALL = {"i": 0, "ii": 1, "iii": 2}


@dataclass
class _Column:
    index: int
    grant: str  # suishin / shien
    label: str  # for messages: 「推進 目標Ⅰ 体制・取組 3 ア①」
    spec: ColumnSpec | None = None
    subtotal: tuple | None = None  # (kind, grant, goal code, group ordinal or None)
    address: tuple | None = None  # (grant, goal code, group kind, number, mark) of a score column


@dataclass
class _Sheet:
    """Where the parts of the results sheet are: found once, before any catalog is tried."""

    rows: list[list]
    grant_row: int  # the row naming the two grants
    left: dict[str, int]  # municipality field (serial, name, …) → column
    stat_rows: dict[str, int]  # statistic (max, …) → row
    columns: list[_Column]
    total_column: int  # 推進・支援合計


def read_national(
    path: str | Path,
    *,
    expected_year: int | None = None,
    catalogs_dir: Path | None = None,
) -> NationalDataset:
    """Read and check ``path``; raise :class:`NationalFileError` naming the row or column."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise NationalFileError(f"ファイル {path} が見つかりません。") from None
    if size > MAX_FILE_BYTES:
        raise NationalFileError(
            f"{path.name} は大きすぎます（{size // 1_000_000} MB）。全国集計結果（市町村分）のファイルか確かめてください。"
        )
    try:
        data = path.read_bytes()
    except OSError:
        raise NationalFileError(
            f"{path.name} を読めません（ほかのアプリで開いている場合は閉じてから、もう一度取り込んでください）。"
        ) from None
    rows = _load_rows(path, data)
    return parse_rows(
        rows,
        source_name=path.name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        expected_year=expected_year,
        catalogs_dir=catalogs_dir,
    )


def _load_rows(path: Path, data: bytes) -> list[list]:
    """The first sheet's rows; below the header block each row is cut after the score
    region (the ~1,200 trailing columns are never turned into Python objects)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a broken install
        raise NationalFileError("Excel を読む部品（python-calamine）が見つかりません。") from None
    import io

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows_iter = sheet.iter_rows()
        rows = list(itertools.islice(rows_iter, HEADER_SCAN_ROWS))
    except Exception as exc:
        raise NationalFileError(
            f"{path.name} を Excel ファイルとして読めません（{type(exc).__name__}）。"
            "全国集計結果（市町村分）の .xlsx ファイルを指定してください。"
        ) from None
    width = _score_region_width(rows)
    for row in rows_iter:
        rows.append(row[:width] if width else row)
        if len(rows) > MAX_ROWS:
            break
    return rows


def _score_region_width(head: list[list]) -> int | None:
    """Columns up to 推進・支援合計 (None when the header cannot tell; the full parse
    then reports what is wrong)."""
    try:
        grant_row, first, shien_first = _find_grant_row(head)
        stat_rows = _find_stat_rows(head, first)
        _columns_found, total_column, _problems = _columns(
            head, grant_row, first, shien_first, stat_rows
        )
    except NationalFileError:
        return None
    return total_column + 1


# --- header ------------------------------------------------------------------------------
def _cell(rows: list[list], r: int, c: int):
    if r < len(rows):
        row = rows[r]
        if c < len(row):
            value = row[c]
            return None if value == "" else value
    return None


def _find_grant_row(rows: list[list]) -> tuple[int, int, int]:
    """(row, first 推進 column, first 支援 column) of the grant row."""
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        first_suishin = first_shien = None
        for c, value in enumerate(rows[r]):
            if value is None or value == "" or is_number(value):
                continue
            text = norm(value)
            has_suishin, has_shien = SUISHIN_NAME in text, SHIEN_NAME in text
            if has_suishin and has_shien:
                continue  # the title row names both grants in one cell
            if has_suishin and first_suishin is None:
                first_suishin = c
            elif has_shien and first_shien is None and first_suishin is not None:
                first_shien = c
        if first_suishin is not None and first_shien is not None:
            return r, first_suishin, first_shien
    raise NationalFileError(
        f"見出しに「{SUISHIN_NAME}」と「介護保険保険者努力支援交付金」の行が見つかりません"
        f"（1〜{HEADER_SCAN_ROWS}行目を探しました）。全国集計結果（市町村分）のファイルか確かめてください。"
    )


def _find_stat_rows(rows: list[list], width: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        for c in range(min(width, LEFT_SCAN_COLUMNS)):
            text = norm(_cell(rows, r, c))
            key = STAT_LABELS.get(text) or STAT_LABELS.get(re.sub(r"\(.*\)$", "", text))
            if key and key not in found:
                found[key] = r
    if "max" not in found:
        raise NationalFileError(
            f"統計の行「配点」が見つかりません（1〜{HEADER_SCAN_ROWS}行目の左から{LEFT_SCAN_COLUMNS}列を探しました）。"
        )
    return found


def _find_left_block(rows: list[list], end_column: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        for c in range(end_column):
            text = norm(_cell(rows, r, c))
            if not text:
                continue
            for key, matches in LEFT_LABELS.items():
                if key not in found and matches(text):
                    found[key] = c
                    break
    if "name" not in found:  # some years may title it 保険者名
        for r in range(min(HEADER_SCAN_ROWS, len(rows))):
            for c in range(end_column):
                if "name" not in found and norm(_cell(rows, r, c)).startswith("保険者名"):
                    found["name"] = c
    missing = [LEFT_NAMES[key] for key in LEFT_REQUIRED if key not in found]
    if missing:
        raise NationalFileError(
            f"左側の見出しに「{'」「'.join(missing)}」の列が見つかりません"
            f"（A〜{column_name(end_column - 1)}列、1〜{HEADER_SCAN_ROWS}行目を探しました）。"
        )
    return found


def _filled_headers(rows: list[list], top: int, first: int, end: int) -> list[list[str]]:
    """Rows top..top+6, columns first..end-1, normalised, filled forward across merged
    cells with the lower levels reset wherever a higher level has its own label."""
    levels = 7
    raw = [
        [norm(_cell(rows, top + level, c)) for c in range(first, end)] for level in range(levels)
    ]
    filled = [[""] * (end - first) for _ in range(levels)]
    for i in range(end - first):
        for level in range(levels):
            if raw[level][i]:
                filled[level][i] = raw[level][i]
            elif i > 0 and not any(raw[upper][i] for upper in range(level)):
                filled[level][i] = filled[level][i - 1]
    return raw, filled


def _subtotal(text: str, grant: str, goal_above: str = "") -> tuple | None:
    """The kind of a subtotal column from its own raw label (the goal it sits under,
    ``goal_above``, when the label names only the group: 「体制・取組指標群 計」「小計」)."""
    if "順位" in text:
        return (SUB_RANK, grant, None, None)
    if "計" not in text:
        return None
    if "推進" in text and "支援" in text:
        return (SUB_TOTAL, None, None, None)
    if text.startswith("推進") or "推進交付金" in text:
        return (SUB_GRANT, "suishin", None, None)
    if text.startswith("支援") or "支援交付金" in text:
        return (SUB_GRANT, "shien", None, None)
    code = goal_code(text) or goal_code(goal_above)
    if code is None:
        return None
    if "小計" in text and not group_kind(text):
        return (SUB_GOAL, grant, code, None)
    small = re.search(r"\((i{1,3})\)", text)
    if small:
        return (SUB_GROUP, grant, code, ROMAN_SMALL[small.group(1)])
    kind = group_kind(text)
    if kind:
        return (SUB_GROUP, grant, code, kind)
    return (SUB_GOAL, grant, code, None)


GRANT_SHORT = {"suishin": "推進", "shien": "支援"}
KIND_SHORT = {"process": "体制・取組", "activity": "活動", "outcome": "成果"}


def _columns(
    rows: list[list], grant_row: int, first: int, shien_first: int, stat_rows: dict[str, int]
) -> tuple[list[_Column], int, list[tuple[str, str]]]:
    """Classify every column of the score region; returns columns, the total column and
    the (where, what) of columns that could not be read."""
    max_row = stat_rows["max"]
    width = max(len(rows[r]) for r in range(min(HEADER_SCAN_ROWS, len(rows))))
    raw, filled = _filled_headers(rows, grant_row, first, width)
    columns: list[_Column] = []
    problems: list[tuple[str, str]] = []
    total_column = None
    for i in range(width - first):
        c = first + i
        grant = "shien" if c >= shien_first else "suishin"
        points = _cell(rows, max_row, c)
        # A subtotal's own label sits below the grant row (or in it, for the grant totals).
        own = "".join(raw[level][i] for level in range(1, 7)) or raw[0][i]
        mark_source = raw[5][i] + raw[6][i]
        letter = sub_item_mark(filled[5][i])
        circled = "".join(ch for ch in filled[6][i] if ch in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")[:1]
        if is_number(points) and sub_item_mark(mark_source):
            goal = goal_code(filled[1][i])
            kind = group_kind(filled[2][i])
            number = re.sub(r"[^0-9]", "", filled[3][i])
            mark = letter + circled
            label = f"{GRANT_SHORT[grant]} 目標{GOAL_NUMERALS.get(goal, '?')} {KIND_SHORT.get(kind, '?')} {number or '?'} {mark}"
            columns.append(_Column(c, grant, label, address=(grant, goal, kind, number, mark)))
            continue
        if is_number(points):
            kind = _subtotal(own, grant, filled[1][i])
            if kind is None:
                problems.append(
                    (
                        f"{column_name(c)}列",
                        f"配点 {points:g} があるのに小項目の記号も合計の見出しもありません",
                    )
                )
                continue
            column = _Column(c, grant, own)
            column.subtotal = kind
            columns.append(column)
            if kind[0] == SUB_TOTAL:
                total_column = c
                break
            continue
        if own and _subtotal(own, grant) and _subtotal(own, grant)[0] == SUB_TOTAL:
            problems.append((f"{column_name(c)}列", f"「{own}」の配点の欄が数値ではありません"))
            break
    if total_column is None:
        raise NationalFileError(
            "「推進・支援合計」の列が見つかりません（配点のある合計列を、"
            f"{column_name(first)}列から右へ探しました）。"
        )
    return columns, total_column, problems


def _detect_year(rows: list[list], grant_row: int) -> int | None:
    for r in range(min(grant_row + 1, len(rows))):
        for value in rows[r]:
            if value is None or value == "" or is_number(value):
                continue
            text = norm(value)
            match = re.search(r"令和(\d{1,2}|元)年度", text)
            if match:
                return 2019 if match.group(1) == "元" else fiscal_year_of_reiwa(int(match.group(1)))
            match = re.search(r"(20\d\d)年度", text)
            if match:
                return int(match.group(1))
    return None


def _map_columns(columns: list[_Column], specs: CatalogColumns) -> list[str]:
    """Attach the catalog's column to each score column; list what does not fit."""
    problems = []
    seen: dict[tuple, _Column] = {}
    for column in columns:
        if column.subtotal is not None:
            continue
        address = column.address
        spec = specs.by_address.get(address)
        if spec is None:
            problems.append(
                f"{column_name(column.index)}列（{column.label}）が評価指標のどの小項目にも当たりません"
            )
            continue
        if address in seen:
            problems.append(
                f"{column_name(column.index)}列（{column.label}）が{column_name(seen[address].index)}列と同じ小項目を指しています"
            )
            continue
        seen[address] = column
        column.spec = spec
    for address in specs.by_address:
        if address not in seen:
            grant, goal, kind, number, mark = address
            problems.append(
                f"{GRANT_SHORT[grant]} 目標{GOAL_NUMERALS.get(goal, goal)} {KIND_SHORT.get(kind, kind)} {number} {mark} の列がありません"
            )
    return problems


def parse_rows(
    rows: list[list],
    *,
    source_name: str,
    source_sha256: str = "",
    expected_year: int | None = None,
    catalogs_dir: Path | None = None,
) -> NationalDataset:
    if len(rows) > MAX_ROWS:
        raise NationalFileError(f"{source_name} の行が多すぎます（{len(rows)}行）。")
    grant_row, first, shien_first = _find_grant_row(rows)
    stat_rows = _find_stat_rows(rows, first)
    left = _find_left_block(rows, first)
    columns, total_column, layout_problems = _columns(
        rows, grant_row, first, shien_first, stat_rows
    )
    if layout_problems:
        where, what = layout_problems[0]
        more = f"（ほか{len(layout_problems) - 1}件）" if len(layout_problems) > 1 else ""
        raise NationalFileError(f"{where}: {what}{more}。")
    for level, name in ((1, "目標"), (2, "指標群")):
        if not any(norm(_cell(rows, grant_row + level, c)) for c in range(first, total_column)):
            raise NationalFileError(
                f"{grant_row + level + 1}行目に{name}の見出しがありません（{grant_row + 1}行目の交付金名の下に"
                "目標・指標群・番号・指標名・小項目の行が続く形を想定しています）。"
            )

    title_year = _detect_year(rows, grant_row)
    if expected_year is not None and title_year is not None and title_year != expected_year:
        raise NationalFileError(
            f"このファイルは{year_label(title_year)}の結果ですが、{year_label(expected_year)}として取り込もうとしています。"
        )
    year = title_year or expected_year
    candidates = [year] if year else list(YEARS_KNOWN)
    attempts: list[tuple[int, list[str]]] = []
    catalog = specs = None
    for candidate in candidates:
        try:
            cat = registry.for_year(candidate, "municipal", catalogs_dir)
        except registry.UnknownCatalog:
            attempts.append(
                (candidate, [f"{year_label(candidate)}の評価指標が同梱されていません"])
            )
            continue
        cat_specs = catalog_columns(cat)
        for column in columns:
            column.spec = None
        problems = _map_columns(columns, cat_specs)
        if not problems:
            catalog, specs = cat, cat_specs
            break
        attempts.append((candidate, problems))
    if catalog is None:
        best_year, problems = min(attempts, key=lambda a: len(a[1]))
        more = f"（ほか{len(problems) - 1}件）" if len(problems) > 1 else ""
        found_year = "年度が見出しにないため令和6〜8年度の形と照合しました。" if not year else ""
        raise NationalFileError(
            f"{year_label(best_year)}の評価指標と列が合いません: {problems[0]}{more}。{found_year}"
        )
    sheet = _Sheet(rows, grant_row, left, stat_rows, columns, total_column)
    return _build(sheet, catalog, specs, source_name, source_sha256, year_known=year is not None)


def _build(
    sheet: _Sheet,
    catalog: Catalog,
    specs: CatalogColumns,
    source_name: str,
    source_sha256: str,
    *,
    year_known: bool,
) -> NationalDataset:
    rows, left, columns, total_column = sheet.rows, sheet.left, sheet.columns, sheet.total_column
    score_columns = [c for c in columns if c.spec is not None]
    keys = tuple(spec.key for spec in specs.specs)
    key_index = {key: i for i, key in enumerate(keys)}
    # The first column of each key supplies the points; a second (目標Ⅳ under 支援) must agree.
    primary: dict[str, int] = {}
    duplicates: list[tuple[int, int]] = []
    for column in score_columns:
        key = column.spec.key
        if key in primary:
            duplicates.append((column.index, primary[key]))
        else:
            primary[key] = column.index
    take = [primary[key] for key in keys]
    header_end = max([sheet.grant_row + 7, *list(sheet.stat_rows.values())])
    municipalities: list[NationalMunicipality] = []
    serials: dict[int, int] = {}
    need = max(take + [c for c, _f in duplicates] + [total_column]) + 1
    for r in range(header_end + 1, len(rows)):
        row = rows[r]
        if len(row) < need:
            row = rows[r] = row + [""] * (need - len(row))
        serial = _cell(rows, r, left["serial"])
        total = _cell(rows, r, total_column)
        if not is_number(serial) or not is_number(total):
            continue
        serial = int(serial)
        if serial in serials:
            raise NationalFileError(
                f"{r + 1}行目: 通し番号 {serial} が{serials[serial]}行目と重複しています。"
            )
        serials[serial] = r + 1
        points = [row[c] for c in take]
        if not all(type(v) is float or type(v) is int for v in points):
            points = [
                score_value(rows, r, c, v, columns) for c, v in zip(take, points, strict=True)
            ]
        for c, first_c in duplicates:
            other = row[c]
            if (other or 0) != (row[first_c] or 0):
                raise NationalFileError(
                    f"{cell_name(r, c)}: 目標Ⅳの得点 {other} が推進交付金側（{cell_name(r, first_c)}）の"
                    f"{row[first_c]} と違います。"
                )
        first_insured = _cell(rows, r, left["first_insured"])
        band_value = int_or_none(_cell(rows, r, left["band"])) if "band" in left else None
        first_insured = float(first_insured) if is_number(first_insured) else None
        municipalities.append(
            NationalMunicipality(
                serial=serial,
                prefecture_no=int_or_none(_cell(rows, r, left["prefecture_no"])) or 0,
                prefecture=str(_cell(rows, r, left["prefecture"]) or "").strip(),
                name=str(_cell(rows, r, left["name"]) or "").strip(),
                insurer=insurer_code(_cell(rows, r, left["insurer"])),
                population=as_float(_cell(rows, r, left["population"]))
                if "population" in left
                else None,
                first_insured=first_insured,
                band=band_value if "band" in left else band_of(first_insured),
                kaso=is_kaso(_cell(rows, r, left["kaso"])) if "kaso" in left else False,
                row=r + 1,
                points=points,
            )
        )
    if not municipalities:
        raise NationalFileError(
            f"市町村の行がありません（{header_end + 2}行目から下に、通し番号と推進・支援合計が数値の行を探しました）。"
        )
    dataset = NationalDataset(
        fiscal_year=catalog.fiscal_year,
        catalog_id=catalog.id,
        catalog_revision=catalog.revision,
        catalog_hash=catalog.content_hash,
        layout=_layout_label(catalog, left, year_known),
        source_name=source_name,
        source_sha256=source_sha256,
        columns=keys,
        municipalities=municipalities,
        band_derived="band" not in left,
    )
    from desktop.national.checks import run_checks

    dataset.checks = run_checks(
        dataset, catalog, rows, columns, sheet.stat_rows, key_index, primary
    )
    return dataset


def _layout_label(catalog: Catalog, left: dict[str, int], year_known: bool) -> str:
    parts = [f"{catalog.year_label}の形（同梱の評価指標と照合）"]
    if "band" not in left:
        parts.append("規模区分の列なし（第1号被保険者数から算出）")
    if not year_known:
        parts.append("年度は列の形から判定")
    return "、".join(parts)


def node_totals_for(dataset: NationalDataset, catalog: Catalog) -> None:
    for municipality in dataset.municipalities:
        municipality.totals = compute_totals(catalog, dataset.columns, municipality.points)
