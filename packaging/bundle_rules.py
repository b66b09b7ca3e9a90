"""What the frozen build leaves out, kept apart from ``build.spec`` so that tests can read it.

The app uses QtCore, QtGui (with ``QPdfWriter`` for PDFs) and QtWidgets only. PyInstaller's
Qt hooks collect every plugin type and every translation of the modules in use, and then
every library those plugins link to (the GTK theme plugin alone drags in GTK, cairo and
pango). So the filter runs twice: in our own hooks (``packaging/hooks/``, which replace
PyInstaller's for QtCore, QtGui and QtWidgets), before PyInstaller follows a plugin's
links, and again in ``build.spec`` over everything collected, as a safety net.
``keep(path)`` decides per destination path (``PySide6/Qt/plugins/platforms/libqxcb.so``
on Linux, ``PySide6/plugins/platforms/qwindows.dll`` on Windows) what stays.

Using a new Qt module (QtSvg for SVG icons, QtPrintSupport for QPrinter …)? Remove it
from ``EXCLUDED_QT_MODULES``, add its library to ``KEPT_QT_LIBRARIES`` and its plugins
below, and run ``.ci/run``, whose smoke test starts the built program.
"""

from __future__ import annotations

import os
import re

# Python modules never frozen. PyInstaller only follows imports, so most of these are
# absent anyway: the list guards against a stray import pulling in a large module.
EXCLUDED_QT_MODULES = [
    f"PySide6.{name}"
    for name in [
        "Qt3DAnimation",
        "Qt3DCore",
        "Qt3DExtras",
        "Qt3DInput",
        "Qt3DLogic",
        "Qt3DRender",
        "QtAxContainer",
        "QtBluetooth",
        "QtCanvasPainter",
        "QtCharts",
        "QtConcurrent",
        "QtDataVisualization",
        "QtDBus",
        "QtDesigner",
        "QtGraphs",
        "QtGraphsWidgets",
        "QtHelp",
        "QtHttpServer",
        "QtLabsStyleKit",
        "QtLocation",
        "QtMultimedia",
        "QtMultimediaWidgets",
        "QtNetwork",
        "QtNetworkAuth",
        "QtNfc",
        "QtOpenGL",
        "QtOpenGLWidgets",
        "QtPdf",
        "QtPdfWidgets",
        "QtPositioning",
        "QtPrintSupport",
        "QtQml",
        "QtQmlFeatures",
        "QtQuick",
        "QtQuick3D",
        "QtQuickControls2",
        "QtQuickTest",
        "QtQuickWidgets",
        "QtRemoteObjects",
        "QtScxml",
        "QtSensors",
        "QtSerialBus",
        "QtSerialPort",
        "QtSpatialAudio",
        "QtSql",
        "QtStateMachine",
        "QtSvg",
        "QtSvgWidgets",
        "QtTest",
        "QtTextToSpeech",
        "QtUiTools",
        "QtWebChannel",
        "QtWebEngineCore",
        "QtWebEngineQuick",
        "QtWebEngineWidgets",
        "QtWebSockets",
        "QtWebView",
        "QtXml",
    ]
]
EXCLUDED_MODULES = [
    *EXCLUDED_QT_MODULES,
    # Tk and the interactive tools of the standard library.
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "lib2to3",
    # openpyxl and sqlite-utils import these only when present; a developer's venv may
    # have them, and they would add 30–80 MB for nothing.
    "numpy",
    "pandas",
    # OpenSSL (about 5.5 MB): the app never opens a network connection, by design, and
    # hashlib falls back to Python's built-in sha256/sha512/blake2 without _hashlib.
    "ssl",
    "_ssl",
    "_hashlib",
    # pypdf's optional AES decryption (11.5 MB with its Rust core). The app refuses every
    # encrypted PDF before decrypting (desktop/wording/document.py), and cryptography is
    # not a dependency of ours: a build venv that has it for another reason adds it.
    "cryptography",
    # Test tools that live in the same venv during CI.
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
]

# Qt shared libraries (Qt6Core.dll, libQt6Core.so.6 …) by module name. DBus and XcbQpa
# are Linux-only dependencies of QtGui and of the xcb platform plugin.
KEPT_QT_LIBRARIES = {"Core", "Gui", "Widgets", "DBus", "XcbQpa"}

# Plugin types kept, each with the plugins kept (None: all of that type).
KEPT_PLUGINS: dict[str, set[str] | None] = {
    # windows on Windows; xcb for a Linux desktop; offscreen and minimal for
    # --screenshot and headless runs.
    "platforms": {"qwindows", "qxcb", "qoffscreen", "qminimal"},
    # The native Windows look (qmodernwindowsstyle) is a plugin.
    "styles": None,
    # PNG is built into QtGui; ICO for the window icon on Windows.
    "imageformats": {"qico"},
    # Japanese input (ibus) and dead keys on Linux; Windows IME needs no plugin.
    "platforminputcontexts": {
        "composeplatforminputcontextplugin",
        "ibusplatforminputcontextplugin",
    },
}

# Qt's own strings in Japanese (the app loads qtbase_ja) and the English originals.
KEPT_TRANSLATIONS = {"qtbase_ja.qm", "qt_ja.qm", "qtbase_en.qm", "qt_en.qm"}

# A widgets-only app never needs Qt's software OpenGL or the Direct3D shader compiler
# (about 25 MB on Windows).
DROPPED_FILES = {"opengl32sw.dll", "d3dcompiler_47.dll"}

# Linux: libraries every desktop has, taken from the system, as a pip-installed PySide6
# takes them (AppImage's exclude list leaves them out for the same reason): X11 and xcb,
# xkbcommon, fontconfig and freetype with what they link to, and D-Bus with the systemd
# chain behind it (about 7 MB). A bundled copy older or newer than the system's X and
# D-Bus servers expect helps nobody; when one is missing, the app names the Debian
# package to install (desktop/display_libraries.py, README).
LINUX_SYSTEM_LIBRARIES = {
    "libX11.so.6",
    "libX11-xcb.so.1",
    "libXau.so.6",
    "libXdmcp.so.6",
    "libbsd.so.0",
    "libmd.so.0",
    "libxkbcommon.so.0",
    "libxkbcommon-x11.so.0",
    "libfontconfig.so.1",
    "libexpat.so.1",
    "libfreetype.so.6",
    "libpng16.so.16",
    "libbrotlidec.so.1",
    "libbrotlicommon.so.1",
    "libdbus-1.so.3",
    "libsystemd.so.0",
    "libgcrypt.so.20",
    "libgpg-error.so.0",
    "liblz4.so.1",
    "libcap.so.2",
}
_XCB_LIBRARY = re.compile(r"^libxcb(?:-[a-z0-9-]+)?\.so(?:\.[\d.]+)?$")

_QT_LIBRARY = re.compile(r"^(?:lib)?Qt6([A-Za-z0-9]+?)(?:\.so(?:\.[\d.]*)?|\.dll)$")
_PLUGIN = re.compile(r"(?:^|/)plugins/([^/]+)/(?:lib)?([^/.]+)[^/]*$")


def keep(destination: str) -> bool:
    """Whether a file the hooks collected at this path inside the build stays in it."""
    path = destination.replace("\\", "/")
    name = path.rsplit("/", 1)[-1]
    if name.lower() in DROPPED_FILES:
        return False
    if name in LINUX_SYSTEM_LIBRARIES or _XCB_LIBRARY.match(name):
        return False
    plugin = _PLUGIN.search(path)
    if plugin:
        plugin_type, plugin_name = plugin.groups()
        if plugin_type not in KEPT_PLUGINS:
            return False
        kept = KEPT_PLUGINS[plugin_type]
        return kept is None or plugin_name in kept
    if "/translations/" in f"/{path}" and name.endswith(".qm"):
        return name in KEPT_TRANSLATIONS
    library = _QT_LIBRARY.match(name)
    if library:
        return library.group(1) in KEPT_QT_LIBRARIES
    return True


def keep_collected(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Filter a hook's ``(source file, destination folder)`` pairs with ``keep``."""
    return [
        (source, folder)
        for source, folder in entries
        if keep(f"{folder}/{os.path.basename(source)}")
    ]


def filtered_qt_dependencies(hook_file: str):
    """What PyInstaller's own hook for this Qt module collects, less what we leave out."""
    from PyInstaller.utils.hooks.qt import add_qt_dependencies

    hiddenimports, binaries, datas = add_qt_dependencies(hook_file)
    hiddenimports = [name for name in hiddenimports if name not in EXCLUDED_MODULES]
    return hiddenimports, keep_collected(binaries), keep_collected(datas)
