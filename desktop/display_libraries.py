"""Which system libraries the window needs on Linux, and a Japanese message when some are missing.

Qt aborts with an English message when its xcb platform plugin cannot load its
libraries ("Could not load the Qt platform plugin "xcb" … "), and importing QtGui fails
with an ImportError when libEGL or libfontconfig are missing. Neither tells a municipal
IT desk what to install. This module checks the libraries before Qt starts (dlopen of
each, which is quick) and names the Debian/Ubuntu packages that provide them.
No Qt here: it must run when Qt itself cannot be imported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# soname → Debian/Ubuntu package (README lists the same). Debian 13 renamed a few (t64).
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    # What those need in turn (the plugin fails on these too, with Qt's English abort).
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
}
GUI_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
}


def uses_xcb(environ=os.environ) -> bool:
    """Whether Qt will try the X11 (xcb) plugin: Linux with an X display, no other platform."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def missing_packages(libraries: dict[str, str], load=None) -> list[str]:
    """The packages of the libraries that cannot be loaded, in a stable order."""
    load = load or _loadable
    return sorted({package for soname, package in libraries.items() if not load(soname)})


def message(packages: list[str]) -> str:
    return (
        "画面を表示するためのシステムのライブラリが足りないため、起動できません。"
        "次のパッケージを入れてください（管理者に依頼してください）:\n"
        f"  sudo apt install {' '.join(packages)}\n"
        "（コマンドラインの機能は、このままでも使えます。）"
    )


def package_of_import_error(exc: ImportError) -> list[str]:
    """An ImportError from Qt names a missing library (libEGL.so.1: cannot open …)."""
    text = str(exc)
    return sorted({p for soname, p in GUI_LIBRARIES.items() if soname in text})


def _loadable(soname: str) -> bool:
    for folder in _bundled_library_folders():
        if (folder / soname).exists():
            return True
    import ctypes  # only when checking: not on Windows, macOS or offscreen (start-up speed)

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _bundled_library_folders() -> list[Path]:
    """Where a frozen build or the PySide6 wheel may carry libraries of their own."""
    folders = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders += [Path(bundle), Path(bundle) / "PySide6" / "Qt" / "lib"]
    return folders
