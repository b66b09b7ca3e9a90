"""Helpers shared by the command-line commands: opening files, printing, failing cleanly."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop import formats
from desktop.cli.parser import year
from desktop.evaluation.document import Document
from desktop.evaluation.session import Session
from desktop.records import Municipality


class CommandError(Exception):
    """A problem with what the user asked for; printed as one line, exit status 1."""


def add_command(
    subparsers,
    name: str,
    handler: Callable[[argparse.Namespace], int],
    *,
    help: str,
    with_year: bool = True,
    with_json: bool = False,
) -> argparse.ArgumentParser:
    """A command working from the ``--db`` file, with ``--year`` and ``--json`` if asked."""
    parser = subparsers.add_parser(name, help=help)
    add_db(parser)
    if with_year:
        add_year(parser)
    if with_json:
        add_json(parser)
    parser.set_defaults(handler=handler)
    return parser


def add_db(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument(
        "--db",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="評価ファイル（SQLite）" + ("" if required else "（省略時は既定の場所）"),
    )


def add_year(parser: argparse.ArgumentParser) -> None:
    add_year_option(parser, "--year", metavar="R8", help="年度（例: R8、令和8年度。省略時は最新）")


def add_year_option(parser: argparse.ArgumentParser, option: str, **details) -> None:
    """An option naming a fiscal year (R8, 令和8年度, 2026); None when not given."""
    parser.add_argument(option, type=year, default=None, **details)


def add_json(parser: argparse.ArgumentParser, help: str = "JSON で出力する") -> None:
    parser.add_argument("--json", action="store_true", help=help)


def db_path(args: argparse.Namespace) -> Path:
    value = getattr(args, "db", None)
    if not value:
        raise CommandError("--db FILE で評価ファイルを指定してください。")
    return Path(value)


def open_document(args: argparse.Namespace, *, read_only: bool) -> Document:
    return Document.open(
        db_path(args),
        user=getattr(args, "user", None),
        read_only=read_only,
        takeover=getattr(args, "takeover", False),
        create=False,
        backup_on_open=False,
    )


@contextmanager
def open_session(args: argparse.Namespace, *, read_only: bool) -> Iterator[Session]:
    """The evaluation of ``--year`` in ``--db``, for a ``with`` block that closes the file."""
    # The session works on the document's store: closing the document closes the session.
    with open_document(args, read_only=read_only) as document:
        yield document.session(getattr(args, "year", None))


def open_for_new_evaluation(args: argparse.Namespace, municipality: Municipality) -> Document:
    """The ``--db`` file, created if need be, to add an evaluation of ``municipality`` to."""
    path = db_path(args)
    document = Document.open(path, user=args.user, takeover=args.takeover)
    existing = document.municipality()
    if existing is not None and existing.name and existing.name != municipality.name:
        document.close()
        raise CommandError(
            f"{path} は {existing.name} の評価ファイルです。別の市町村の評価は別のファイルに作ってください。"
        )
    return document


def confirm(question: str) -> bool:
    """The user's yes to ``question``; with no one at the terminal, refuse rather than guess."""
    if not sys.stdin.isatty():
        raise CommandError(
            "確認できないため反映していません。内容を確かめて --yes を付けて実行してください。"
        )
    answer = input(f"{question} [y/N]: ").strip().lower()
    return answer in ("y", "yes", "はい")


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def fmt_points(value: float | int | None) -> str:
    return formats.fmt_points(value, empty="—")


def display_width(text: str) -> int:
    """Columns a terminal gives the text: kanji and full-width forms take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` cut and padded to ``width`` terminal columns (Japanese counts double)."""
    while display_width(text) > width:
        text = text[:-1]
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def table_row(cells: tuple[str, ...], widths: tuple[int, ...]) -> str:
    """One line of a text table: the first cell left-aligned, the figures right-aligned."""
    return "".join(
        pad(cell, width, right=column > 0)
        for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
    )


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
