"""``hyoka-desk national …``: the ministry's national results (全国集計結果, 市町村分).

* ``national import --db FILE XLSX [--dry-run]``: read, check and store a year's workbook;
* ``national rank``: a municipality's national, prefecture, 規模区分 and 過疎 ranks (and
  within the peers chosen in the evaluation file, where it holds a list);
* ``national prefecture NAME``: a prefecture's municipalities, average and far-below list;
* ``national amount``: the estimated basic allocation per grant (試算).

The dataset lives beside the evaluation file given with ``--db``
(:func:`desktop.paths.national_library_path`); the evaluation file itself need not exist.
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager

from desktop.cli.common import (
    CommandError,
    add_command,
    add_json,
    add_year_option,
    db_path,
    fmt_points,
    open_for_new_evaluation,
    print_json,
)
from desktop.cli.parser import positive_int


def register(subparsers) -> None:
    national = subparsers.add_parser(
        "national",
        help="全国の評価結果（全国集計結果・市町村分）を取り込み、順位・比較・試算を表示する",
    )
    commands = national.add_subparsers(
        dest="national_command", metavar="SUBCOMMAND", title="サブコマンド"
    )
    national.set_defaults(handler=lambda args: _usage(national))

    imp = add_command(
        commands,
        "import",
        run_import,
        help="全国集計結果（市町村分）の Excel を確かめて取り込む",
        with_year=False,
    )
    imp.add_argument("xlsx", metavar="XLSX", help="厚生労働省の全国集計結果（市町村分）の .xlsx")
    imp.add_argument(
        "--dry-run", action="store_true", help="確かめるだけで保存しない（置き換える内容を表示）"
    )

    rank = _add_dataset_command(
        commands, "rank", run_rank, help="市町村の全国順位・都道府県内順位・規模区分内順位（選んだ比較する市町村の中の順位も）"
    )
    _who(rank)

    pref = _add_dataset_command(
        commands,
        "prefecture",
        run_prefecture,
        help="都道府県の市町村一覧・平均・大きく下回る市町村",
    )
    pref.add_argument("name", metavar="NAME", help="都道府県名（例: 福島県）")

    amount = _add_dataset_command(
        commands,
        "amount",
        run_amount,
        help="交付見込額の試算（基本配分枠の按分）",
        default_year="R6",
    )
    _who(amount)
    amount.add_argument(
        "--frame-suishin", type=positive_int, metavar="千円", help="推進交付金の基本配分枠（千円）"
    )
    amount.add_argument(
        "--frame-shien", type=positive_int, metavar="千円", help="支援交付金の基本配分枠（千円）"
    )


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _add_dataset_command(
    commands, name: str, handler, *, help: str, default_year: str = "R8"
) -> argparse.ArgumentParser:
    """A command on the stored national dataset: its --year is a year imported, not evaluated."""
    parser = add_command(commands, name, handler, help=help, with_year=False)
    add_year_option(
        parser, "--year", metavar=default_year, help="年度（省略時は取り込んだ最新の年度）"
    )
    add_json(parser)
    return parser


def _who(parser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--insurer", metavar="NUMBER", help="保険者番号（6桁）")
    who.add_argument(
        "--name",
        metavar="都道府県名/市町村名",
        help="市町村名（同名があるときは都道府県名/市町村名）",
    )


@contextmanager
def _national_errors():
    from desktop.national.errors import NationalFileError

    try:
        yield
    except NationalFileError as exc:
        raise CommandError(str(exc)) from None


def _library(args, *, create: bool):
    from desktop import paths
    from desktop.national.library import NationalLibrary

    return NationalLibrary.open(paths.national_library_path(db_path(args)), create=create)


def _load(args):
    with _library(args, create=False) as library:
        return library.load(args.year)


def _catalog(dataset):
    from desktop.catalog import registry

    return registry.find(dataset.catalog_id)


# --- import ----------------------------------------------------------------------------
def run_import(args: argparse.Namespace) -> int:
    from desktop.national.reader import read_national

    db_path(args)
    with _national_errors():
        from desktop import paths
        from desktop.national.library import ReplacePreview

        dataset = read_national(args.xlsx)
        library_path = paths.national_library_path(db_path(args))
        if args.dry_run and not library_path.exists():
            preview = ReplacePreview(dataset.fiscal_year, None)  # a dry run creates nothing
        else:
            with _library(args, create=True) as library:
                preview = library.preview(dataset)
                if not args.dry_run:
                    library.store(dataset)
    print(f"{dataset.year_label}（{dataset.year_code}）の全国集計結果: {dataset.count:,}市町村")
    print(f"形式: {dataset.layout}")
    print("確認した内容（すべて一致）:")
    for line in dataset.checks:
        print(f"　・{line}")
    for line in preview.lines():
        print(line)
    if args.dry_run:
        print("（確認のみ: まだ何も保存していません）")
    else:
        print(f"保存しました（{library_path}）。")
    return 0


# --- rank ------------------------------------------------------------------------------
def run_rank(args: argparse.Namespace) -> int:
    from desktop.national.analysis import find_municipality, standing

    with _national_errors():
        dataset = _load(args)
        municipality = find_municipality(dataset, insurer=args.insurer, name=args.name)
        result = standing(dataset, municipality, _catalog(dataset))
    chosen = _chosen_group(args, dataset, municipality)
    if chosen is not None:
        result.update(chosen)
    if args.json:
        print_json(result)
        return 0
    band = f"規模区分{result['band']}" + (
        "（第1号被保険者数から算出）" if result["band_derived"] else ""
    )
    print(
        f"{dataset.year_label} {municipality.prefecture}{municipality.name}: 合計 {fmt_points(result['total'])}点"
    )
    print(f"全国 {result['rank']}位 / {result['of']:,}（{_spread(result, '')}）")
    print(
        f"{result['prefecture']}内 {result['prefecture_rank']}位 / {result['prefecture_of']}"
        f"（{_spread(result, 'prefecture_')}）"
    )
    print(f"{band}内 {result['band_rank']}位 / {result['band_of']}（{_spread(result, 'band_')}）")
    kaso = "過疎地域" if result["kaso"] else "過疎地域以外"
    print(f"{kaso}内 {result['kaso_rank']}位 / {result['kaso_of']}（{_spread(result, 'kaso_')}）")
    if chosen is not None:
        print(
            f"自分で選んだ市町村の中で {result['chosen_rank']}位 / {result['chosen_of']}"
            f"（{_spread(result, 'chosen_')}）"
        )
        if result["chosen_missing"]:
            print(f"　この年度の結果にない市町村: {'、'.join(result['chosen_missing'])}")
    steps = "、".join(f"+{w['plus']}点で{w['rank']}位" for w in result["what_if"])
    print(f"あと何点で: {steps}")
    for goal in result["goals"]:
        print(
            f"　{goal['grant_name']} {goal['label']}: {fmt_points(goal['points'])}点 / {goal['max']}"
            f"（全国平均 {goal['national_mean']}点）"
        )
    return 0


def _chosen_group(args, dataset, municipality) -> dict | None:
    """The group of peers chosen in the evaluation file ``--db`` (比較する市町村を自分で選ぶ):
    its ``chosen_*`` figures, the names (``chosen``) and those not in this year's results
    (``chosen_missing``). The list of the evaluation of the dataset's year is used, else
    that of the newest evaluation, as in the window; None without a file or a list."""
    from desktop.evaluation.document import Document
    from desktop.national.analysis import group_figures
    from desktop.national.chosen import chosen_peers

    path = db_path(args)
    if not path.exists():
        return None
    with Document.open(
        path, user=getattr(args, "user", None), read_only=True, create=False, backup_on_open=False
    ) as document:
        years = document.fiscal_years()
        if not years:
            return None
        year = dataset.fiscal_year if dataset.fiscal_year in years else max(years)
        choices = document.session(year).peer_choices()
    if not choices:
        return None
    chosen = chosen_peers(dataset, municipality, choices)
    return {
        **group_figures(municipality.total, [m.total for m in chosen.members], "chosen"),
        "chosen": [f"{m.prefecture}{m.name}" for m in chosen.members[1:]],
        "chosen_missing": [c.display_name for c in chosen.missing],
    }


def _spread(result: dict, prefix: str) -> str:
    """「平均 455.1点、中央値 469点、四分位 410〜510点」 of one group of ``standing``."""
    return (
        f"平均 {result[prefix + 'mean']:.1f}点、中央値 {fmt_points(result[prefix + 'median'])}点、"
        f"四分位 {fmt_points(result[prefix + 'q1'])}〜{fmt_points(result[prefix + 'q3'])}点"
    )


# --- prefecture ----------------------------------------------------------------------------
def run_prefecture(args: argparse.Namespace) -> int:
    from desktop.national.analysis import prefecture_view

    with _national_errors():
        dataset = _load(args)
        view = prefecture_view(dataset, _catalog(dataset), args.name)
    if args.json:
        print_json(view)
        return 0
    print(
        f"{dataset.year_label} {view['prefecture']}: {view['count']}市町村、平均 {view['average']}点（全国平均 {view['national_mean']}点）"
    )
    reached = [t["tier"] for t in view["tiers"] if t["reached"]]
    print(
        f"都道府県平均の順位: {view['average_rank']}位 / {view['average_of']}"
        f"（{'・'.join(reached) if reached else '上位7割に入らない'}）"
    )
    far = view["far_below"]
    print(
        f"大きく下回る線（全国平均得点率 − 2×標準偏差）: {far['line_points']}点"
        f"（全国 {far['national_count']}市町村）。この都道府県で下回る市町村: {len(far['municipalities'])}"
    )
    for m in far["municipalities"]:
        print(f"　・{m['name']} {fmt_points(m['total'])}点")
    print(f"{'順位':>6} {'全国':>6}  {'合計':>6}  市町村")
    for m in view["municipalities"]:
        print(f"{m['prefecture_rank']:>6} {m['rank']:>6}  {fmt_points(m['total']):>6}  {m['name']}")
    return 0


# --- amount --------------------------------------------------------------------------------
def run_amount(args: argparse.Namespace) -> int:
    from desktop.national.analysis import amount_estimate, find_municipality
    from desktop.national.frames import frames_for

    with _national_errors():
        with _library(args, create=False) as library:
            dataset = library.load(args.year)
            entered = library.entered_frames(dataset.fiscal_year)
        if args.frame_suishin is not None:
            entered["suishin"] = float(args.frame_suishin)
        if args.frame_shien is not None:
            entered["shien"] = float(args.frame_shien)
        frames = frames_for(dataset.fiscal_year, entered)
        municipality = find_municipality(dataset, insurer=args.insurer, name=args.name)
        result = amount_estimate(dataset, municipality, frames)
    missing = [
        name
        for grant, name in (("suishin", "--frame-suishin"), ("shien", "--frame-shien"))
        if frames[grant] is None
    ]
    if args.json:
        print_json(result)
        return 0
    print(
        f"{dataset.year_label} {municipality.prefecture}{municipality.name} 交付見込額（{result['label']}）"
    )
    for grant, name in (("suishin", "推進交付金"), ("shien", "支援交付金")):
        entry = result[grant]
        if entry["amount_thousand_yen"] is None:
            print(
                f"　{name}: {fmt_points(entry['points'])}点、基本配分枠が未入力のため試算できません"
            )
            continue
        print(
            f"　{name}: {fmt_points(entry['points'])}点 → 約 {entry['amount_thousand_yen']:,.0f}千円"
            f"（1点あたり 約 {entry['per_point_thousand_yen']:,.1f}千円、基本配分枠 {entry['frame_thousand_yen']:,.0f}千円）"
        )
    if missing:
        print(f"基本配分枠は予算資料の額を {'・'.join(missing)} で指定します。")
    print(result["note"])
    return 0


# --- new … --from-national -----------------------------------------------------------------
def add_from_national(new) -> None:
    """Options of ``hyoka-desk new`` that seed answers from the national dataset."""
    add_year_option(
        new,
        "--from-national",
        metavar="R7",
        help="全国集計結果のこの年度の国の評価結果から回答を始める（要確認として入る）",
    )
    new.add_argument("--insurer", metavar="NUMBER", help="--from-national: 保険者番号（6桁）")
    new.add_argument(
        "--name",
        metavar="都道府県名/市町村名",
        help="--from-national: 市町村名（保険者番号がないとき）",
    )
    new.add_argument(
        "--dry-run",
        action="store_true",
        help="--from-national: 書き込まずに、回答にする内容を表示する",
    )


def run_new_from_national(args: argparse.Namespace, catalog) -> int:
    from desktop.national.analysis import find_municipality
    from desktop.national.seed import apply_seed, plan_seed
    from desktop.records import Municipality

    if bool(args.insurer) == bool(args.name):
        raise CommandError(
            "--from-national には --insurer か --name のどちらか一つを指定してください。"
        )
    path = db_path(args)
    with _national_errors():
        with _library(args, create=False) as library:
            dataset = library.load(args.from_national)
        found = find_municipality(dataset, insurer=args.insurer, name=args.name)
        plan = plan_seed(catalog, dataset, found)
        if args.dry_run:
            for line in [*plan.summary_lines(), "", *plan.detail_lines()]:
                print(line)
            print("（確認のみ: まだ何も書き込んでいません）")
            return 0
        municipality = Municipality(
            name=(args.municipality or found.name).strip(),
            code=args.code or found.insurer,
            prefecture=args.prefecture or found.prefecture,
            insured=args.insured if args.insured is not None else _int(found.first_insured),
        )
        with open_for_new_evaluation(args, municipality) as document:
            apply_seed(document, plan, municipality=municipality)
    print(
        f"{path} に {municipality.name} の{catalog.year_label}の評価を作成しました（{catalog.id} 第{catalog.revision}版）。"
    )
    for line in plan.summary_lines():
        print(line)
    details = plan.detail_lines()
    if plan.not_seeded:  # what is left to answer again, by name
        rest = next(i for i, line in enumerate(details) if line.startswith("回答にしない小項目"))
        for line in details[rest:]:
            print(line)
    return 0


def _int(value) -> int | None:
    return None if value is None else int(value)
