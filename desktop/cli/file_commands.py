"""Commands on the file itself: backup and restore."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli.common import CommandError, add_command, db_path
from desktop.evaluation.document import back_up, backup_folder, list_backups, restore
from desktop.evaluation.errors import OtherMunicipality


def register(subparsers) -> None:
    backup = add_command(
        subparsers, "backup", run_backup, help="評価ファイルのバックアップを作る", with_year=False
    )
    backup.add_argument("--list", action="store_true", help="作らずに、あるバックアップを一覧する")

    restore = add_command(
        subparsers,
        "restore",
        run_restore,
        help="バックアップから復元する（先に現在の状態を保存）",
        with_year=False,
    )
    restore.add_argument(
        "backup",
        metavar="BACKUP",
        help="復元するバックアップファイル（backup --list に出る名前だけでも可）",
    )
    restore.add_argument(
        "--yes",
        action="store_true",
        help="別の市町村のバックアップでも、確認済みとして復元する",
    )


def run_backup(args: argparse.Namespace) -> int:
    path = db_path(args)
    if args.list:
        backups = list_backups(path)
        if not backups:
            print(f"{path} のバックアップはまだありません。")
        for info in backups:
            print(f"{info.created:%Y-%m-%d %H:%M:%S}  {info.reason_label}  {info.path}")
        return 0
    # Read-only: a backup also works while a colleague has the file open for writing.
    target = back_up(path, "manual")
    print(f"バックアップを作りました: {target}")
    return 0


def _backup_source(path: Path, name: str) -> Path:
    """The backup as given, or by its bare name inside the file's backup folder."""
    given = Path(name)
    if given.exists() or given.parent != Path("."):
        return given
    in_folder = backup_folder(path) / name
    return in_folder if in_folder.exists() else given


def run_restore(args: argparse.Namespace) -> int:
    path = db_path(args)
    source = _backup_source(path, args.backup)
    if source.resolve() == path.resolve():
        raise CommandError("復元するバックアップと評価ファイルが同じです。")
    try:
        safety = restore(
            path, source, user=args.user, takeover=args.takeover, other_municipality=args.yes
        )
    except OtherMunicipality as exc:
        raise CommandError(
            f"{exc} 確かにこのバックアップで復元するときは --yes を付けて実行してください。"
        ) from None
    print(f"{source.name} から復元しました。復元前の状態は {safety} に保存してあります。")
    return 0
