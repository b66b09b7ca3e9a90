"""`hyoka-desk wording export|import|paste`: sub-item wording packs and the ministry's text.

    hyoka-desk wording export --db FILE [--year R8] --out FILE.xlsx
    hyoka-desk wording import --db FILE [--year R8] FILE.xlsx [--dry-run] [--yes]
    hyoka-desk wording paste  --db FILE [--year R8] [--indicator ID] FILE [--dry-run] [--yes]

``import`` and ``paste`` always show what would change first, store all or nothing,
and ask before writing unless ``--yes`` is given.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli.common import CommandError, add_command, confirm, open_session


def register(subparsers) -> None:
    wording = subparsers.add_parser(
        "wording", help="小項目の文言: 文言集（Excel）の出力・取り込み、公式文言の貼り付け"
    )
    commands = wording.add_subparsers(dest="wording_command", metavar="SUBCOMMAND", required=True)

    export = add_command(
        commands, "export", run_export, help="その年度のすべての小項目の文言集を出力する"
    )
    export.add_argument("--out", required=True, metavar="FILE.xlsx", help="出力するファイル")

    imp = add_command(
        commands, "import", run_import, help="文言集の公式文言を取り込む（変更内容を表示してから）"
    )
    imp.add_argument("pack", metavar="FILE.xlsx", help="取り込む文言集")
    imp.add_argument("--dry-run", action="store_true", help="変更内容を表示するだけで反映しない")
    imp.add_argument("--yes", action="store_true", help="確認せずに反映する")

    paste = add_command(
        commands,
        "paste",
        run_paste,
        help="国の評価指標の文（テキストか PDF）を小項目に分けて公式文言（貼り付け）として保存する",
    )
    paste.add_argument(
        "--indicator", metavar="ID", help="この評価指標の部分だけ（省略時は資料全体から探す）"
    )
    paste.add_argument("source", metavar="FILE", help="テキストファイルまたは PDF")
    paste.add_argument("--dry-run", action="store_true", help="分け方を表示するだけで保存しない")
    paste.add_argument("--yes", action="store_true", help="確認せずに保存する")


def run_export(args: argparse.Namespace) -> int:
    from desktop.wording.packs import PackError, export_pack

    with open_session(args, read_only=True) as session:
        try:
            count = export_pack(
                session.catalog, session.text_layers(), Path(args.out), evaluation_file=session.path
            )
        except PackError as exc:
            raise CommandError(str(exc)) from None
        print(
            f"{session.catalog.year_label}の文言集（小項目 {count}件）を {args.out} に出力しました。"
        )
    return 0


def run_import(args: argparse.Namespace) -> int:
    from desktop.wording.packs import PackError, apply_pack_import, plan_pack_import, read_pack

    with open_session(args, read_only=args.dry_run) as session:
        try:
            plan = plan_pack_import(session, read_pack(args.pack))
        except PackError as exc:
            raise CommandError(str(exc)) from None
        print(plan.summary())
        for change in plan.changes:
            old = f"「{change.old}」→ " if change.old else ""
            print(f"  {change.label}: {old}「{change.new}」")
        if not plan.changes:
            print("取り込む変更はありません。")
            return 0
        if args.dry_run:
            print("（--dry-run のため反映していません）")
            return 0
        if not args.yes and not confirm("この内容で取り込みますか？"):
            print("取り込みを取りやめました。何も反映していません。")
            return 0
        session.backup("before-import")
        changes = apply_pack_import(session, plan)
        print(f"公式文言 {len(changes)}件を取り込みました（文言集: {plan.file_name}）。")
    return 0


def run_paste(args: argparse.Namespace) -> int:
    from desktop.records import TEXT_PASTED
    from desktop.wording.document import (
        SourceError,
        place_document,
        preview_lines,
        read_source,
        shipped_official,
    )
    from desktop.wording.paste import place_block

    with open_session(args, read_only=args.dry_run) as session:
        catalog = session.catalog
        try:
            text = read_source(args.source)
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        if args.indicator:
            if not catalog.has_indicator(args.indicator):
                raise CommandError(
                    f"{catalog.year_label}の評価指標に「{args.indicator}」はありません"
                    "（hyoka-desk show --json で ID を確認できます）。"
                )
            pastes, not_found = [place_block(catalog.indicator(args.indicator), text)], []
            dropped = []
        else:
            document = place_document(catalog, text)
            pastes, not_found, dropped = document.found, document.not_found, document.dropped
        texts: dict[str, str] = {}
        for line in preview_lines(catalog, pastes, not_found, dropped):
            print(line)
        for paste in pastes:
            texts.update(paste.texts)
        texts = {
            target: value
            for target, value in texts.items()
            if not shipped_official(catalog, target)
        }
        if not texts:
            print("保存する公式文言はありません。")
            return 0
        if args.dry_run:
            print("（--dry-run のため保存していません）")
            return 0
        if not args.yes and not confirm(
            f"{len(texts)}件を公式文言（貼り付け）として保存しますか？"
        ):
            print("取りやめました。何も保存していません。")
            return 0
        name = Path(args.source).name
        changes = session.set_item_texts(
            texts, kind=TEXT_PASTED, origin=name, source=f"公式文言の貼り付け: {name}"
        )
        print(f"公式文言（貼り付け） {len(changes)}件を保存しました。")
    return 0
