"""The argument parser, speaking Japanese.

argparse builds its messages through ``gettext``; we translate the handful it uses so
that a mistyped command gets a Japanese message that says what is wrong.
"""

from __future__ import annotations

import argparse

_JA = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "optional arguments": "オプション",
    "show this help message and exit": "このヘルプを表示して終了します",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "unrecognized arguments: %s": "知らない引数があります: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "「%(value)s」は選べません（選べるのは %(choices)s）",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    "expected one argument": "値を一つ指定してください",
    "invalid %(type)s value: %(value)r": "「%(value)s」は正しい値ではありません",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s": "オプション %(option)s があいまいです（候補: %(matches)s）",
    "not allowed with argument %s": "引数 %s と一緒には使えません",
    "one of the arguments %s is required": "引数 %s のどれかが必要です",
    "subcommands": "コマンド",
}


def _translate(message: str) -> str:
    return _JA.get(message, message)


def install_japanese_messages() -> None:
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural, n: _translate(singular if n == 1 else plural)  # type: ignore[attr-defined]


class JapaneseParser(argparse.ArgumentParser):
    def error(self, message: str):
        # One line, like every other error of the command; --help shows the usage.
        self.exit(2, f"{self.prog}: エラー: {message}（使い方: {self.prog} --help）\n")


def positive_int(text: str) -> int:
    try:
        value = int(text.replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"「{text}」は整数ではありません") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"「{text}」は 0 以上の整数で指定してください")
    return value


def year(text: str) -> int:
    from desktop.catalog.registry import parse_year

    try:
        return parse_year(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
