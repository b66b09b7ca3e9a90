"""Commands around the fiscal year's results: carry, official, gaps.

* ``carry``: 前年度から引き継ぐ (create the next year's evaluation through the crosswalk);
* ``official``: enter, clear or list the ministry's official results (国による評価結果);
* ``gaps``: the gap analysis (伸びしろ), ranked.
"""

from __future__ import annotations

import argparse

from desktop.cli.common import (
    CommandError,
    add_command,
    add_json,
    add_year_option,
    fmt_points,
    fmt_rate,
    open_document,
    open_session,
    print_json,
)
from desktop.cli.parser import positive_int


def register(subparsers) -> None:
    carry = add_command(
        subparsers,
        "carry",
        run_carry,
        help="前年度の評価から新しい年度の評価を作る（対応表に沿って回答などを引き継ぐ）",
        with_year=False,
    )
    add_year_option(
        carry,
        "--from",
        dest="from_year",
        metavar="R7",
        help="引き継ぎ元の年度（省略時はファイル内の最新）",
    )
    add_year_option(
        carry, "--to", dest="to_year", metavar="R8", help="作る年度（省略時は引き継ぎ元の翌年度）"
    )
    carry.add_argument(
        "--dry-run", action="store_true", help="書き込まずに、引き継ぐ内容と要確認の項目を表示する"
    )
    add_json(carry)

    official = add_command(
        subparsers,
        "official",
        run_official,
        help="国による評価結果を目標・指標群・評価指標ごとに入力する（引数なしで一覧と差）",
    )
    official.add_argument(
        "node_id",
        nargs="?",
        metavar="NODE_ID",
        help="目標・指標群・評価指標の ID（例: suishin.I.activity）",
    )
    official.add_argument("points", nargs="?", metavar="POINTS", help="国による評価結果の得点")
    official.add_argument("--clear", action="store_true", help="NODE_ID の入力を消す")
    add_json(official, help="一覧を JSON で出力する")

    gaps = add_command(
        subparsers,
        "gaps",
        run_gaps,
        help="伸びしろ: 未該当の小項目を、加点と全国該当率の順に一覧する",
        with_json=True,
    )
    gaps.add_argument(
        "--limit", type=positive_int, default=None, metavar="N", help="上位 N 件だけ表示する"
    )
    gaps.add_argument(
        "--state-scored",
        action="store_true",
        help="国が採点する小項目も含める（実現性は設定がなければ「不可」）",
    )


# --- carry -------------------------------------------------------------------------------
def run_carry(args: argparse.Namespace) -> int:
    from desktop.evaluation.carryover import CarryError

    with open_document(args, read_only=args.dry_run) as document:
        try:
            if args.dry_run:
                plan = document.plan_carry(args.from_year, args.to_year)
            else:
                _session, plan = document.carry_forward(args.from_year, args.to_year)
        except CarryError as exc:
            raise CommandError(str(exc)) from None
    if args.json:
        print_json({"dry_run": args.dry_run, **plan.to_dict()})
        return 0
    if args.dry_run:
        print("（確認のみ: まだ何も書き込んでいません）")
    else:
        print(f"{plan.to_label}の評価を作成し、{plan.from_label}から引き継ぎました。")
    for line in plan.summary_lines():
        print(line)
    return 0


# --- official ------------------------------------------------------------------------------
def run_official(args: argparse.Namespace) -> int:
    from desktop.report.official import OfficialResultError, compare, enter_official_results

    if args.node_id is None:
        if args.points is not None or args.clear:
            raise CommandError("NODE_ID を指定してください。")
        return _list_official(args)
    if args.clear and args.points is not None:
        raise CommandError("--clear と POINTS は一緒に指定できません。")
    if not args.clear and args.points is None:
        raise CommandError(
            f"{args.node_id} の得点（POINTS）を指定してください。入力を消すときは --clear を付けます。"
        )
    with open_session(args, read_only=False) as session:
        try:
            changes = enter_official_results(
                session, {args.node_id: None if args.clear else args.points}
            )
        except OfficialResultError as exc:
            raise CommandError(str(exc)) from None
        rows = {
            row.node_id: row
            for row in compare(
                session.catalog,
                session.score(),
                session.official_results(),
            )
        }
    if not changes:
        print("変更はありません。")
    elif args.clear:
        print(f"{args.node_id} の国による評価結果を消しました。")
    else:
        row = rows[args.node_id]
        print(
            f"{row.title}: 国による評価結果 {fmt_points(row.official_points)}点"
            f"（自己評価 {fmt_points(row.self_points)}点、差 {_signed(row.difference)}）— 保存しました"
        )
    return 0


def _list_official(args: argparse.Namespace) -> int:
    from desktop.report.official import compare

    with open_session(args, read_only=True) as session:
        rows = compare(session.catalog, session.score(), session.official_results())
    if args.json:
        print_json(
            [
                {
                    "id": row.node_id,
                    "level": row.level,
                    "title": row.title,
                    "max_points": row.max_points,
                    "self_points": row.self_points,
                    "official_points": row.official_points,
                    "difference": row.difference,
                    "entered": row.entered,
                }
                for row in rows
            ]
        )
        return 0
    if not rows:
        print(
            "国による評価結果はまだ入力されていません"
            "（hyoka-desk official --db FILE NODE_ID POINTS で入力します）。"
        )
        return 0
    print(f"{'区分':<40}{'配点':>6}{'自己評価':>8}{'国':>8}{'差':>8}")
    for row in rows:
        mark = "" if row.entered else "（合計）"
        print(
            f"{(row.title + mark)[:40]:<40}{row.max_points:>6}{fmt_points(row.self_points):>8}"
            f"{fmt_points(row.official_points):>8}{_signed(row.difference):>8}  {row.node_id}"
        )
    return 0


def _signed(value: float) -> str:
    text = fmt_points(abs(value))
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else "±0")


# --- gaps ----------------------------------------------------------------------------------
def run_gaps(args: argparse.Namespace) -> int:
    from desktop.report.gaps import session_gaps, session_rate_source

    with open_session(args, read_only=True) as session:
        source = session_rate_source(session)  # the year's national results, where imported
        gaps = session_gaps(session, include_state_scored=args.state_scored, rates=source)
    shown = gaps[: args.limit] if args.limit else gaps
    if args.json:
        print_json(
            {
                "year": session.catalog.year_code,
                "count": len(gaps),
                "rates_source": source.label,
                "gaps": [gap.to_dict() | {"rank": rank} for rank, gap in enumerate(shown, 1)],
            }
        )
        return 0
    if not gaps:
        print("未該当の小項目はありません。")
        return 0
    print(
        f"{session.catalog.year_label} 伸びしろ: 未該当の小項目 {len(gaps)}件"
        f"（全国該当率 60% 以上を先に、加点の大きい順。全国該当率は{source.label}による）"
    )
    for rank, gap in enumerate(shown, 1):
        rate = "—" if gap.national_rate_pct is None else f"{gap.national_rate_pct:.1f}%"
        print(
            f"{rank:>3}. +{gap.gain}点 全国{rate}  {gap.reference}"
            f"  指標群 {fmt_rate(gap.group_rate_before)}→{fmt_rate(gap.group_rate_after)}"
            f"  合計 {gap.total_before}→{gap.total_after}点  実現性 {gap.effort}  {gap.item_id}"
        )
        print(f"     {gap.lost.text}")
        if gap.note:
            print(f"     ※ {gap.note}")
    return 0
