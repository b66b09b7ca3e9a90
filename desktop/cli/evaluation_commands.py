"""Commands on one evaluation: new, show, answer, score, note, history."""

from __future__ import annotations

import argparse

from desktop.catalog import registry
from desktop.cli.common import (
    CommandError,
    add_command,
    db_path,
    fmt_points,
    fmt_rate,
    open_for_new_evaluation,
    open_session,
    print_json,
    table_row,
)
from desktop.cli.parser import positive_int
from desktop.evaluation.session import Session
from desktop.records import INDICATOR_STATUSES, NOTE_FIELD_LABELS, Municipality
from desktop.scoring.answers import AnswerError
from desktop.scoring.tree import GROUP, ScoreNode, ScoreTree


def register(subparsers) -> None:
    new = add_command(
        subparsers, "new", run_new, help="評価ファイルに新しい年度の評価を作る", with_year=False
    )
    new.add_argument(
        "--catalog", required=True, metavar="ID", help="評価指標の ID（例: municipal-r8）"
    )
    new.add_argument(
        "--municipality", metavar="NAME", help="市町村名（--from-national のときは省略可）"
    )
    new.add_argument("--code", metavar="CODE", help="保険者番号または市町村コード")
    new.add_argument("--prefecture", metavar="NAME", help="都道府県名")
    new.add_argument("--insured", type=positive_int, metavar="N", help="第1号被保険者数")
    from desktop.cli.national_commands import add_from_national

    add_from_national(new)

    add_command(subparsers, "show", run_show, help="評価を木構造で出力する", with_json=True)

    answer = add_command(subparsers, "answer", run_answer, help="小項目に回答する")
    answer.add_argument("id", metavar="ID", help="小項目の ID")
    answer.add_argument(
        "value", metavar="VALUE", help="該当・非該当（yes/no）、選択肢（例: ウ）、なし、未回答"
    )

    add_command(
        subparsers, "score", run_score, help="得点を集計する（自己評価と見込み）", with_json=True
    )

    note = add_command(
        subparsers, "note", run_note, help="評価指標の備考・根拠資料・担当・状況を記録する"
    )
    note.add_argument("id", metavar="ID", help="評価指標の ID（小項目の ID でも可）")
    note.add_argument(
        "--memo", metavar="TEXT", help="備考（- で始まるときは --memo=-x のようにも書ける）"
    )
    note.add_argument("--evidence", metavar="TEXT", help="根拠資料（資料名と保存場所）")
    note.add_argument("--section", metavar="TEXT", help="担当課")
    note.add_argument("--assignee", metavar="TEXT", help="担当者")
    note.add_argument("--status", metavar="S", help=f"状況（{'・'.join(INDICATOR_STATUSES)}）")

    add_command(
        subparsers, "history", run_history, help="変更履歴（監査ログ）を表示する", with_json=True
    )


# --- new --------------------------------------------------------------------------
def run_new(args: argparse.Namespace) -> int:
    path = db_path(args)
    catalog = registry.find(args.catalog)
    if getattr(args, "from_national", None) is not None:
        from desktop.cli.national_commands import run_new_from_national

        return run_new_from_national(args, catalog)
    if not args.municipality:
        raise CommandError("--municipality に市町村名を指定してください。")
    municipality = Municipality(
        name=args.municipality.strip(),
        code=args.code,
        prefecture=args.prefecture,
        insured=args.insured,
    )
    if not municipality.name:
        raise CommandError("--municipality に市町村名を指定してください。")
    with open_for_new_evaluation(args, municipality) as document:
        document.create_evaluation(catalog, municipality)
        print(
            f"{path} に {municipality.name} の{catalog.year_label}の評価を作成しました"
            f"（{catalog.level_label}）。"
        )
    return 0


# --- show ---------------------------------------------------------------------------
def run_show(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        tree = session.score()
        data = tree.root.to_dict()
        data.update(evaluation_header(session))
        add_wording(data, session)
        if args.json:
            print_json(data)
        else:
            print(header_line(session))
            for line in render_tree(tree.root):
                print(line)
    return 0


def add_wording(node: dict, session: Session, layers=None) -> None:
    """Every item gains ``wording: {"text", "source"}`` (official, pasted, pack, own, hint or null)."""
    layers = layers or session.text_layers()
    if node.get("level") == "item":
        text, source = layers.wording(session.catalog.item(node["id"]))
        node["wording"] = {"text": text, "source": source}
        for part in node.get("parts") or []:
            _item, target = session.catalog.part(part["id"])
            text, source = layers.wording(target)
            part["wording"] = {"text": text, "source": source}
    for child in node.get("children") or []:
        add_wording(child, session, layers)


def evaluation_header(session: Session) -> dict:
    municipality = session.municipality()
    return {
        "catalog": session.catalog.id,
        "catalog_revision": session.catalog.revision,
        "catalog_hash": session.catalog.content_hash,
        "fiscal_year": session.catalog.fiscal_year,
        "year": session.catalog.year_code,
        "municipality": municipality.name if municipality else None,
    }


def header_line(session: Session) -> str:
    municipality = session.municipality()
    name = municipality.name if municipality else "（市町村名未設定）"
    return f"{name} {session.catalog.year_label}（{session.catalog.level_label}）"


def render_tree(node: ScoreNode, depth: int = 0) -> list[str]:
    indent = "  " * depth
    figures = f"{node.points}/{node.max_points}（見込み {node.projected_points}）"
    if node.level == "item":
        answer = node.answer if node.answer is not None else "未回答"
        mark = "［国が算定・見込み］" if node.state_scored else ""
        lines = [f"{indent}{node.label} {answer} {figures}{mark}  {node.id}"]
        if node.reason:
            lines.append(f"{indent}  ※ {node.reason}")
        return lines
    title = node.title if node.level == "indicator" else node.label
    lines = [f"{indent}{title} {figures}  {node.id}"]
    for child in node.children:
        lines.extend(render_tree(child, depth + 1))
    return lines


# --- answer -------------------------------------------------------------------------
def run_answer(args: argparse.Namespace) -> int:
    with open_session(args, read_only=False) as session:
        try:
            changes = session.answer(args.id, args.value, source="コマンド")
        except KeyError:
            raise CommandError(
                f"{session.catalog.id} に小項目「{args.id}」はありません（hyoka-desk show で ID を確認できます）。"
            ) from None
        except AnswerError as exc:
            raise CommandError(str(exc)) from None
        tree = session.score()
        node = tree.node(_item_of(session, args.id))
        answer = node.answer if node.answer is not None else "未回答"
        saved = "保存しました" if changes else "変更はありません"
        print(
            f"{args.id}: {answer}（{node.points}/{node.max_points}点） 合計 {tree.root.points}点"
            f"（見込み {tree.root.projected_points}点）— {saved}"
        )
    return 0


def _item_of(session: Session, target_id: str) -> str:
    if session.catalog.has_part(target_id):
        return session.catalog.item_of_target(target_id).id
    return target_id


# --- score ----------------------------------------------------------------------------
def run_score(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        tree = session.score()
        if args.json:
            print_json(score_json(session, tree))
        else:
            print(header_line(session))
            for line in score_table(tree):
                print(line)
    return 0


def _figures(node: ScoreNode) -> dict:
    data = {
        "id": node.id,
        "label": node.label,
        "title": node.title,
        "points": node.points,
        "projected_points": node.projected_points,
        "max_points": node.max_points,
        "rate": round(node.rate, 4) if node.rate is not None else None,
        "projected_rate": round(node.projected_rate, 4)
        if node.projected_rate is not None
        else None,
        "answered": node.answered,
        "answerable": node.answerable,
    }
    if node.national_avg_points is not None:
        data["national_avg_points"] = round(node.national_avg_points, 2)
        data["national_avg_rate"] = round(node.national_avg_rate, 4)
    return data


def score_json(session: Session, tree: ScoreTree) -> dict:
    grants = []
    for grant in tree.grants:
        goals = []
        for goal in grant.children:
            goal_data = _figures(goal) | {"goal": goal.goal}
            goal_data["groups"] = [
                _figures(group) | {"group": group.group} for group in goal.children
            ]
            goals.append(goal_data)
        grants.append(_figures(grant) | {"grant": grant.grant, "goals": goals})
    return {
        **evaluation_header(session),
        "total": _figures(tree.root),
        "grants": grants,
        "frames": [_figures(frame) | {"outside_total": True} for frame in tree.frames],
        "note": "points = 自己評価（国が算定する項目を含まない）、projected_points = 見込み（国が算定する項目の見込みを含む）",
    }


def score_table(tree: ScoreTree) -> list[str]:
    widths = (44, 6, 9, 8, 8, 9)
    titles = ("区分", "配点", "自己評価", "得点率", "見込み", "全国平均")
    lines = [table_row(titles, widths)]

    def row(node: ScoreNode, name: str, depth: int) -> str:
        avg = fmt_points(node.national_avg_points)
        if node.national_avg_derived and node.national_avg_points:
            avg += "*"  # summed from the indicators' averages, as in the window
        cells = (
            "  " * depth + name,
            str(node.max_points),
            str(node.points),
            fmt_rate(node.rate),
            str(node.projected_points),
            avg,
        )
        return table_row(cells, widths)

    for grant in tree.grants:
        lines.append(row(grant, grant.label, 0))
        for goal in grant.children:
            lines.append(row(goal, f"{goal.label} {goal.title}", 1))
            for group in goal.children:
                if group.level == GROUP:
                    lines.append(row(group, group.label, 2))
    lines.append(row(tree.root, f"合計（{tree.root.max_points}点満点）", 0))
    for frame in tree.frames:
        lines.append(row(frame, f"{frame.label}（別枠）", 0))
    lines.append(
        "自己評価 = 市町村の回答による得点。見込み = 国が算定する項目の見込みを加えた得点（見込み）。"
    )
    lines.append("全国平均 = 全国平均の得点（＊は評価指標ごとの全国平均の合計）。")
    return lines


# --- note ---------------------------------------------------------------------------
def run_note(args: argparse.Namespace) -> int:
    fields = {
        name: getattr(args, name)
        for name in ("memo", "evidence", "section", "assignee", "status")
        if getattr(args, name) is not None
    }
    if not fields:
        raise CommandError(
            "--memo・--evidence・--section・--assignee・--status のどれかを指定してください。"
        )
    with open_session(args, read_only=False) as session:
        indicator_id = args.id
        if session.catalog.has_item(indicator_id):
            indicator_id = session.catalog.indicator_of(indicator_id).id
        if not session.catalog.has_indicator(indicator_id):
            raise CommandError(f"{session.catalog.id} に評価指標「{args.id}」はありません。")
        changes = session.note(indicator_id, source="コマンド", **fields)
        if changes:
            for change in changes:
                print(
                    f"{indicator_id} の{NOTE_FIELD_LABELS[change.field]}: "
                    f"「{change.old or ''}」→「{change.new}」 保存しました"
                )
        else:
            print("変更はありません。")
    return 0


# --- history ------------------------------------------------------------------------
def run_history(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        entries = session.audit_log()
        if args.json:
            print_json(
                {
                    **evaluation_header(session),
                    "entries": [
                        entry.to_dict() | {"action_label": entry.action_label} for entry in entries
                    ],
                }
            )
        else:
            for entry in entries:
                old = entry.old if entry.old is not None else "（なし）"
                new = entry.new if entry.new is not None else "（なし）"
                source = f" ［{entry.source}］" if entry.source else ""
                field = (
                    f" {NOTE_FIELD_LABELS.get(entry.field, '')}" if entry.action == "note" else ""
                )
                print(
                    f"{entry.at.replace('T', ' ')[:19]}  {entry.user}  {entry.action_label}{field}  "
                    f"{entry.target or ''}  {old} → {new}{source}"
                )
    return 0
