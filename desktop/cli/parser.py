"""The argument parser, speaking Japanese.

argparse builds its messages through ``gettext``; we translate the handful it uses so
that a mistyped command gets a Japanese message that says what is wrong.
"""

from __future__ import annotations

import argparse
import re

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
    "expected one argument": "値を一つ指定してください（- で始まる値は --memo=-x のように = でつなげて指定できます）",
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


# Options whose value is free text, which may well start with a dash (a memo "-済み-",
# a section "－"): argparse would take "-x" for an unknown option.
TEXT_VALUE_OPTIONS = frozenset(
    {"--memo", "--evidence", "--section", "--assignee", "--municipality", "--prefecture", "--user"}
)


def join_dash_values(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``--memo -x`` → ``--memo=-x`` when ``-x`` is not an option of the command line.

    argparse reads a value that starts with a dash as an option unless it is joined
    with ``=``; for free-text options the user's meaning is clear, so join it for them.
    A real option after ``--memo`` (``--memo --help``) and ``--`` are left alone, and
    so keep their usual meaning.
    """
    options = _option_strings(parser)
    joined: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token in TEXT_VALUE_OPTIONS:
            value = next(tokens, None)
            if value is None:
                joined.append(token)
            elif value.startswith("-") and value != "--" and not _names_option(value, options):
                joined.append(f"{token}={value}")
            else:
                joined += [token, value]
        else:
            joined.append(token)
    return joined


def _names_option(token: str, options: set[str]) -> bool:
    name = token.split("=", 1)[0]
    if name in options:
        return True
    # argparse also accepts an unambiguous abbreviation of a long option (--evid).
    return name.startswith("--") and len(name) > 2 and any(o.startswith(name) for o in options)


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and of its sub-commands."""
    found: set[str] = set()
    for action in parser._actions:  # argparse has no public way to list them
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _option_strings(sub)
    return found


class JapaneseParser(argparse.ArgumentParser):
    def error(self, message: str):
        # One line, like every other error of the command; --help shows the usage.
        self.exit(2, f"{self.prog}: エラー: {message}（使い方: {self.prog} --help）\n")


def positive_int(text: str) -> int:
    digits = text.replace(",", "")
    # Digits 0-9 (half- or full-width) only: int() would also read 「٥٠٠」 or 「1_0」.
    if not re.fullmatch(r"-?[0-9０-９]+", digits):
        raise argparse.ArgumentTypeError(f"「{text}」は整数ではありません")
    value = int(digits)
    if value < 0:
        raise argparse.ArgumentTypeError(f"「{text}」は 0 以上の整数で指定してください")
    return value


def year(text: str) -> int:
    from desktop.catalog.registry import parse_year

    try:
        return parse_year(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
