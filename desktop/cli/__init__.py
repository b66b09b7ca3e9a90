"""The ``hyoka-desk`` command: the GUI by default, headless sub-commands for scripts.

Errors are one clear Japanese line on stderr with a non-zero exit status; ``--debug``
adds the traceback. Exit status: 0 success, 1 an error the message explains, 2 a
mistake in the command line itself.

Output never fails a command (see :func:`make_output_safe`): redirected to a file or a
pipe, it is written in the system's encoding (on Japanese Windows cp932, what Notepad,
``findstr`` and PowerShell 5 expect; JSON too), and a character that encoding lacks is
written as ``?``. A console shows every character. (Run from a Python install,
``PYTHONIOENCODING`` still chooses; the built app ignores Python's variables.)
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import gc
import sys
import traceback
from collections.abc import Iterator

from desktop import APP_NAME_JA, __version__
from desktop.cli.parser import JapaneseParser, install_japanese_messages, join_dash_values

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

# The options of a plain start of the window (no COMMAND): see build_parser and starts_gui.
GUI_FLAGS = ("--version", "--takeover", "--read-only", "--debug")
GUI_VALUE_OPTIONS = ("--db", "--screenshot", "--size", "--scale", "--user")


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The full parser; ``commands=False`` leaves the COMMAND modules out (a plain start)."""
    install_japanese_messages()
    parser = JapaneseParser(
        prog="hyoka-desk",
        description=f"{APP_NAME_JA}: 保険者機能強化推進交付金・介護保険保険者努力支援交付金の自己評価",
    )
    parser.add_argument(
        "--version", action="version", version=f"hyoka-desk {__version__}", help="版を表示する"
    )
    parser.add_argument(
        "--db",
        metavar="FILE",
        help="開く評価ファイル（省略時はユーザーのデータフォルダの既定ファイル）",
    )
    parser.add_argument(
        "--screenshot",
        metavar="OUT.png",
        help="メイン画面を画面外に描画して PNG に保存し、終了する（大きさは --size と --scale）",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=_window_size,
        default=(1280, 800),
        help="--screenshot の画面の大きさ（論理ピクセル、既定 1280x800）",
    )
    parser.add_argument(
        "--scale",
        metavar="N",
        type=_scale_factor,
        default=1.0,
        help="--screenshot の表示倍率（1.25 や 1.5。Windows の表示スケールに当たる、既定 1）",
    )
    parser.add_argument(
        "--user", metavar="NAME", help="変更履歴に記録する名前（省略時は OS のユーザー名）"
    )
    parser.add_argument("--takeover", action="store_true", help="異常終了で残ったロックを引き継ぐ")
    parser.add_argument("--read-only", action="store_true", help="読み取り専用で開く（GUI）")
    parser.add_argument(
        "--debug", action="store_true", help="エラー時に詳しい情報（トレースバック）を表示する"
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="コマンド", parser_class=JapaneseParser
    )

    from desktop.cli import catalog_commands, evaluation_commands, file_commands

    catalog_commands.register(subparsers)
    evaluation_commands.register(subparsers)
    file_commands.register(subparsers)
    _register_optional(subparsers)
    return parser


def _window_size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().replace("×", "x").partition("x")
    if sep and width.isascii() and height.isascii() and width.isdigit() and height.isdigit():
        size = (int(width), int(height))
        if 320 <= size[0] <= 8000 and 240 <= size[1] <= 8000:
            return size
    raise argparse.ArgumentTypeError(f"大きさは 1280x800 の形で指定してください（「{text}」）。")


def _scale_factor(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        scale = 0.0
    if not 0.5 <= scale <= 4.0:
        raise argparse.ArgumentTypeError(f"倍率は 0.5〜4 の数で指定してください（「{text}」）。")
    return scale


def _register_optional(subparsers) -> None:
    """Commands whose modules pull in heavier libraries (openpyxl, Qt) register lazily."""
    import importlib

    for name in (
        "workbook_commands",
        "report_commands",
        "year_commands",
        "wording_commands",
        "national_commands",
    ):
        try:
            module = importlib.import_module(f"desktop.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"desktop.cli.{name}":
                raise
            continue
        module.register(subparsers)


def starts_gui(argv: list[str]) -> bool:
    """True when ``argv`` is a plain start of the window: only the options above, no COMMAND.

    The command modules import the store, the session and the catalogs (sqlite-utils,
    PyYAML: about 0.1 s), which the window itself loads only after its first paint;
    building the full parser for a plain start would undo that (benchmarks/README.md).
    Anything else (a command, help, an abbreviated option) gets the full parser, so
    what is accepted and every message stay exactly as before.
    """
    expect_value = False
    for token in argv:
        if expect_value:
            expect_value = False
        elif token in GUI_VALUE_OPTIONS:
            expect_value = True
        elif token not in GUI_FLAGS and token.split("=", 1)[0] not in GUI_VALUE_OPTIONS:
            return False
    return not expect_value


OUTPUT_ERRORS = "hyoka-desk-replace"


def _replace_unencodable(error: UnicodeError) -> tuple[bytes, int]:
    """``?`` for a character the stream cannot encode; bytes a file name carried in
    (surrogate escapes, POSIX) are written back unchanged, as ``surrogateescape`` does."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    replaced = bytearray()
    for character in error.object[error.start : error.end]:
        code = ord(character)
        replaced += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else b"?"
    return bytes(replaced), error.end


def make_output_safe() -> None:
    """Never let printing fail: characters stdout cannot encode become ``?``.

    Python writes redirected output in the locale's encoding with ``errors="strict"``
    (``surrogateescape`` in a C locale, which fails just the same): on a Windows whose
    code page lacks Japanese, or for a character outside cp932, a command whose work
    was done would end in UnicodeEncodeError and exit status 1. stderr already uses
    ``backslashreplace``. The windowed build has no streams (None).
    """
    codecs.register_error(OUTPUT_ERRORS, _replace_unencodable)
    stream = sys.stdout
    if getattr(stream, "errors", None) in ("strict", "surrogateescape") and hasattr(
        stream, "reconfigure"
    ):
        stream.reconfigure(errors=OUTPUT_ERRORS)


def unreadable_argument(argv: list[str]) -> str | None:
    """Which argument holds bytes that are no text, said the way the user typed it.

    On Linux the command line arrives as bytes; Python keeps bytes that are not UTF-8
    as lone surrogates, which no file can store (a name, a memo). They are refused
    here, before anything is opened or locked.
    """
    for position, token in enumerate(argv):
        try:
            token.encode("utf-8")
        except UnicodeEncodeError:
            option, has_value, _value = token.partition("=")
            if token.startswith("--") and has_value:
                return f"{option} の値"
            previous = argv[position - 1] if position else ""
            if previous.startswith("--") and "=" not in previous:
                return f"{previous} の値"
            return f"{position + 1} 番目の引数"
    return None


def main(argv: list[str] | None = None) -> int:
    make_output_safe()
    argv = sys.argv[1:] if argv is None else list(argv)
    where = unreadable_argument(argv)
    if where is not None:
        from desktop.evaluation.errors import unreadable_text_message

        print(f"hyoka-desk: エラー: {unreadable_text_message(where)}", file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser(commands=not starts_gui(argv))
    args = parser.parse_args(join_dash_values(argv, parser))
    if args.command is None:
        return start_gui(args)
    return run_command(args)


def start_gui(args: argparse.Namespace) -> int:
    """The window; on Linux, first a Japanese word on missing system libraries (not Qt's abort)."""
    from desktop import display_libraries as libs

    if not args.screenshot and libs.uses_xcb():
        missing = libs.missing_packages({**libs.GUI_LIBRARIES, **libs.XCB_LIBRARIES})
        if missing:
            return _fail(args, libs.message(missing))
    from desktop import compiled_code_cache
    from desktop.paths import user_cache_folder

    # Kept between starts for start-up speed (a screenshot leaves the user's folders
    # alone): code compiled while PySide loads and for the window's dataclasses, and
    # the parsed catalogs (run_gui).
    cache_folder = None if args.screenshot else user_cache_folder()
    compiled_code_cache.use_folder(cache_folder)
    try:
        with compiled_code_cache.compiling_from_cache():
            from desktop.ui.app import run_gui
    except ImportError as exc:
        packages = libs.package_of_import_error(exc)
        if not packages:
            raise
        return _fail(args, libs.message(packages))
    return run_gui(args, cache_folder=cache_folder)


def run_command(args: argparse.Namespace) -> int:
    with _tracebacks_only_with_debug(args):
        return _run_handler(args)


def _run_handler(args: argparse.Namespace) -> int:
    from desktop.catalog.errors import CatalogError
    from desktop.catalog.registry import UnknownCatalog
    from desktop.cli.common import CommandError
    from desktop.evaluation.errors import StoreError

    try:
        return args.handler(args)
    except (CommandError, StoreError, UnknownCatalog) as exc:
        return _fail(args, str(exc))
    except CatalogError as exc:
        return _fail(args, str(exc))
    except KeyboardInterrupt:
        return _fail(args, "中断しました。")
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an unexpected failure: still one line unless --debug
        return _fail(
            args,
            f"予期しないエラーが起きました（{type(exc).__name__}: {exc}）。--debug で詳細を表示できます。",
        )


@contextlib.contextmanager
def _tracebacks_only_with_debug(args: argparse.Namespace) -> Iterator[None]:
    """No Python traceback reaches the user without --debug, not even a late one.

    An object that fails while being cleaned up (a half-written file's writer after a
    full disk) makes Python print "Exception ignored in …" with a traceback, after the
    command's own clear message. The command's objects are collected before leaving.
    """
    if getattr(args, "debug", False):
        yield
        return
    previous = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        yield
    finally:
        gc.collect()
        sys.unraisablehook = previous


def _fail(args: argparse.Namespace, message: str) -> int:
    if getattr(args, "debug", False):
        traceback.print_exc()
    print(f"hyoka-desk: エラー: {message}", file=sys.stderr)
    return EXIT_ERROR
