"""Composition root of the GUI: Qt application, fonts, translations, the evaluation file.

Kept small so that start-up stays fast: heavy modules (openpyxl, the report) are
imported only when their menu entries are used.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSize, QStandardPaths, Qt, QTranslator
from PySide6.QtGui import QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from desktop import (
    APP_NAME,
    APP_NAME_JA,
    ORG_NAME,
    __version__,
    start_collector,
)
from desktop.paths import resource
from desktop.ui.crash import default_log_dir, install_excepthook
from desktop.ui.fonts import BUNDLED_FAMILY, register_bundled_font

DEFAULT_FILE_NAME = "hyoka-desk.sqlite"
SCREENSHOT_SIZE = (1280, 800)
# Qt picks its CJK fallback from the Windows display language; name Japanese fonts
# explicitly so kanji never come out in Chinese glyph shapes. The bundled font comes
# first (desktop/ui/fonts.py): the window looks the same on every machine.
UI_FONT_FAMILIES = [
    BUNDLED_FAMILY,
    "Yu Gothic UI",
    "Meiryo UI",
    "Meiryo",
    "Noto Sans CJK JP",
    "IPAGothic",
]


def default_database_path() -> Path:
    """The embedded default: a SQLite file in the user's data folder, created on first start."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DEFAULT_FILE_NAME


def startup_path(*, remembered: bool = True) -> Path:
    """The file to open without --db: the last one used if it still exists, else the default."""
    if remembered:
        from desktop.ui.settings import UiSettings

        last = UiSettings().last_file()
        if last is not None and last.is_file():
            return last
    return default_database_path()


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        # Fractional scaling (125 %, 150 %) as Windows sets it; Qt does the rest.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME_JA)
    app.setApplicationVersion(__version__)
    configure_fonts(app)
    install_translations(app)
    app.setWindowIcon(application_icon())
    return app


def application_icon() -> QIcon:
    """The icon at every size we ship (PNG: the build leaves SVG support out)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        path = resource("icons", f"hyoka-desk-{size}.png")
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def configure_fonts(app: QApplication) -> None:
    register_bundled_font()
    font = QFont(app.font())
    font.setFamilies(UI_FONT_FAMILIES)
    if font.pointSizeF() < 9:
        font.setPointSizeF(9)
    app.setFont(font)


def install_translations(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_ja", folder):
        app.installTranslator(translator)
        app._qtbase_translator = translator  # keep a reference for the app's lifetime


def run_gui(args: argparse.Namespace, *, cache_folder: Path | None = None) -> int:
    """The window, on the file of ``args``; ``cache_folder``: where start-up caches are kept."""
    if not args.screenshot:  # until the evaluation is on screen (MainWindow._open_pending)
        start_collector.pause()
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if args.scale != 1:
            # Only for a screenshot: shows the window as a 125 % / 150 % display would.
            os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    app = create_application()
    if not args.screenshot:
        # A windowed build has no console: log unexpected errors and tell the user.
        # (A --screenshot run is unattended: errors go to stderr and the exit status.)
        install_excepthook(default_log_dir())
    from desktop.catalog import parsed_cache

    # The parsed catalogs (no YAML) are kept with the start-up caches (desktop.cli.start_gui).
    parsed_cache.use_folder(cache_folder / "catalogs" if cache_folder else None)
    from desktop.ui.main_window import MainWindow

    path = Path(args.db) if args.db else startup_path(remembered=not args.screenshot)
    if args.screenshot:
        from desktop.safe_save import SaveError, check_output_target

        try:  # before the file is opened: a PNG never replaces an evaluation
            check_output_target(args.screenshot, evaluation_file=path)
        except SaveError as exc:
            print(f"hyoka-desk: エラー: {exc}", file=sys.stderr)
            return 1
    from desktop.ui.settings import UiSettings

    # Who changes are recorded as: --user, else the name set in the app, else the OS user.
    user = args.user or (None if args.screenshot else UiSettings().recorded_name())
    window = MainWindow(user=user)
    # Shared wording packs: also those the user (or the prefecture) put in the data folder.
    data_folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    if data_folder and not args.screenshot:
        window.pack_folders.append(Path(data_folder) / "wording")
    window.open_path(
        path, read_only=args.read_only, takeover=args.takeover, interactive=not args.screenshot
    )
    if args.screenshot:
        return save_screenshot(app, window, Path(args.screenshot), args.size)
    window.show()
    return app.exec()


def save_screenshot(
    app: QApplication, window, out: Path, size: tuple[int, int] = SCREENSHOT_SIZE
) -> int:
    from desktop.safe_save import SaveError, save_atomically

    window.resize(*size)
    window.show()
    for _ in range(3):
        app.processEvents()
    image = window.grab()

    def write(temporary: str) -> None:
        if not image.save(temporary, "PNG"):
            raise OSError(errno.EIO, "PNG を書けません")

    try:
        save_atomically(out, write, opened_in="画像を表示するソフト", evaluation_file=window.path)
    except SaveError as exc:
        print(f"hyoka-desk: エラー: {exc}", file=sys.stderr)
        return 1
    finally:
        window.close()
    return 0
