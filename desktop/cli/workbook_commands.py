"""Commands for the submission workbook: export (whole or one section) and import.

``import`` always shows the preview first. Conflicts are never settled silently:
without ``--prefer workbook|database`` an import with conflicts is refused and the
conflicts are listed; ``--yes`` only skips the confirmation question.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli.common import CommandError, add_command, confirm, db_path, open_session
from desktop.safe_save import check_output_target
from desktop.scoring.answers import AnswerError


def register(subparsers) -> None:
    export = add_command(
        subparsers,
        "export",
        run_export,
        help="提出用ブック（Excel）を出力する。--section で担当課用ブック",
    )
    export.add_argument("--out", required=True, metavar="X.xlsx", help="出力するファイル")
    export.add_argument(
        "--section", metavar="NAME", help="この担当課の評価指標だけの担当課用ブックを出力する"
    )

    imp = add_command(
        subparsers,
        "import",
        run_import,
        help="記入済みのブックを取り込む（変更内容を表示してから反映）",
    )
    imp.add_argument("workbook", metavar="X.xlsx", help="取り込むブック")
    imp.add_argument("--dry-run", action="store_true", help="変更内容を表示するだけで反映しない")
    imp.add_argument("--yes", action="store_true", help="確認せずに反映する")
    imp.add_argument(
        "--prefer",
        choices=("workbook", "database"),
        help="競合（出力後に評価ファイルでもブックでも変更された値）すべてに使う値: "
        "workbook＝ブックの値、database＝評価ファイルの値",
    )


def run_export(args: argparse.Namespace) -> int:
    from desktop.workbook.section import export_section, sections_in_use
    from desktop.workbook.submission import ExportError, export_submission, unanswered_items

    out = Path(args.out)
    # Before the file is even opened (the writer checks again): never over the evaluation.
    check_output_target(out, evaluation_file=db_path(args), error=CommandError)
    with open_session(args, read_only=True) as session:
        try:
            if args.section is not None:
                section = args.section.strip()
                if section not in sections_in_use(session):
                    available = (
                        "、".join(sections_in_use(session))
                        or "なし（hyoka-desk note --section で設定）"
                    )
                    raise CommandError(
                        f"担当課「{section}」の評価指標はありません（設定されている担当課: {available}）。"
                    )
                export_section(session, section, out)
                print(f"担当課「{section}」用のブックを {out} に出力しました。")
            else:
                unanswered = unanswered_items(session)
                export_submission(session, out)
                if unanswered.count:
                    # A warning, not an error: an interim workbook is still worth handing
                    # round. Said once the file is written (a failed export says only why).
                    print(
                        f"hyoka-desk: 警告: 未回答の小項目があります: {unanswered.summary()}。"
                        "ブックでは回答欄に色を付け「未回答」と示して出力しました。",
                        file=sys.stderr,
                    )
                print(f"提出用ブックを {out} に出力しました。")
        except ExportError as exc:
            raise CommandError(str(exc)) from None
    return 0


def run_import(args: argparse.Namespace) -> int:
    from desktop.workbook.importer import ImportRejected, apply, preview_import

    with open_session(args, read_only=args.dry_run) as session:
        preview = preview_import(session, args.workbook)
        for line in preview_lines(preview):
            print(line)
        if preview.errors:
            raise CommandError(
                f"{preview.file_name} に {len(preview.errors)} 件の問題があるため取り込めません（上の一覧）。評価ファイルは変更していません。"
            )
        if preview.is_empty:
            print("取り込む変更はありません。")
            return 0
        if args.dry_run:
            print("（--dry-run のため反映していません）")
            return 0
        if preview.conflicts and not args.prefer:
            raise CommandError(
                f"競合が {len(preview.conflicts)} 件あります（上の一覧）。"
                "--prefer workbook（ブックの値を使う）または --prefer database（評価ファイルの値を残す）を指定してください。何も反映していません。"
            )
        if not args.yes and not confirm("この内容で取り込みますか？"):
            print("取り込みを取りやめました。何も反映していません。")
            return 0
        decisions = {conflict.key: args.prefer for conflict in preview.conflicts}
        try:
            changes = apply(preview, decisions)
        except (ImportRejected, AnswerError, KeyError) as exc:
            raise CommandError(str(exc)) from None
        backup = session.last_backup
        print(f"{len(changes)} 件を反映しました（取込: {preview.file_name}）。")
        if backup is not None:
            print(f"取込前の状態は {backup} に保存してあります。")
        tree = session.score()
        print(f"合計 {tree.root.points}点（見込み {tree.root.projected_points}点）")
    return 0


def preview_lines(preview) -> list[str]:
    lines = [f"取込: {preview.describe()}"]
    for warning in preview.warnings:
        lines.append(f"注意: {warning}")
    if preview.errors:
        lines.append(f"問題 {len(preview.errors)} 件:")
        lines += [f"  {problem}" for problem in preview.errors]
        return lines
    lines.append(f"変更 {len(preview.changes)} 件:")
    for change in preview.changes:
        lines.append(
            f"  {change.where}（{change.row}行目）{change.field_label}: "
            f"{change.show(change.database)} → {change.show(change.workbook)}"
            f"  ［最終変更: {change.last_changed}］"
        )
    if preview.conflicts:
        lines.append(
            f"競合 {len(preview.conflicts)} 件（出力後に評価ファイルでも変更されています）:"
        )
        for conflict in preview.conflicts:
            lines.append(
                f"  {conflict.where}（{conflict.row}行目）{conflict.field_label}: "
                f"出力時 {conflict.show(conflict.exported)}、"
                f"評価ファイル {conflict.show(conflict.database)}（{conflict.last_changed}）、"
                f"ブック {conflict.show(conflict.workbook)}"
            )
    return lines
