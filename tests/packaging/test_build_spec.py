"""build.spec and the rules that decide what goes into the one-folder build.

The spec is executed here with stand-ins for PyInstaller's Analysis/EXE/COLLECT, so the
test sees exactly the arguments PyInstaller would get, on Linux and as on Windows,
without running a build (that is .ci/run's job).
"""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import pytest


class Recorder:
    """Stands in for a PyInstaller build class; remembers how it was called."""

    calls: list[tuple[str, tuple, dict]]

    def __init__(self, calls, name):
        self.calls = calls
        self.name = name

    def __call__(self, *args, **kwargs):
        self.calls.append((self.name, args, kwargs))
        result = types.SimpleNamespace(args=args, kwargs=kwargs, binaries=[], datas=[])
        result.pure = []
        result.scripts = []
        return result


FULL_LIST = ["desktop", "desktop.cli", "desktop.cli.workbook_commands", "desktop.ui.main_window"]


def run_spec(repo_root: Path, work: Path, monkeypatch, platform: str, submodules=FULL_LIST):
    calls: list[tuple[str, tuple, dict]] = []
    fake_hooks = types.ModuleType("PyInstaller.utils.hooks")
    fake_hooks.collect_submodules = lambda package: [
        name for name in submodules if name.split(".")[0] == package
    ]
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec puts the checkout first
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", fake_hooks)
    monkeypatch.setattr(sys, "platform", platform)
    namespace = {
        "__name__": "__main__",
        "SPECPATH": str(repo_root),
        "workpath": str(work),
        **{name: Recorder(calls, name) for name in ("Analysis", "PYZ", "EXE", "COLLECT")},
    }
    source = (repo_root / "build.spec").read_text(encoding="utf-8")
    exec(compile(source, "build.spec", "exec"), namespace)
    return {
        name: [(a, k) for n, a, k in calls if n == name] for name in ("Analysis", "EXE", "COLLECT")
    }


def test_a_package_list_without_the_command_modules_stops_the_build(
    repo_root, tmp_path, monkeypatch
):
    """collect_submodules lists only what it can import: run where "desktop" is not
    importable, it used to return almost nothing, and the build then lacked export,
    import, report and the other command modules without a word."""
    with pytest.raises(SystemExit, match="一覧が不完全"):
        run_spec(repo_root, tmp_path, monkeypatch, "linux", submodules=["desktop"])


@pytest.fixture
def linux_build(repo_root, tmp_path, monkeypatch):
    return run_spec(repo_root, tmp_path, monkeypatch, "linux")


@pytest.fixture
def windows_build(repo_root, tmp_path, monkeypatch):
    return run_spec(repo_root, tmp_path, monkeypatch, "win32")


def test_bundles_catalogs_and_resources_where_paths_looks(linux_build, repo_root):
    ((_args, kwargs),) = linux_build["Analysis"]
    datas = {Path(source): target for source, target in kwargs["datas"]}
    # desktop/paths.py looks in sys._MEIPASS/catalogs and sys._MEIPASS/resources.
    assert datas[repo_root / "catalogs"] == "catalogs"
    assert datas[repo_root / "resources"] == "resources"
    assert (repo_root / "catalogs" / "municipal" / "r8.yaml").is_file()


def test_entry_point_imports_and_hooks(linux_build, repo_root):
    ((args, kwargs),) = linux_build["Analysis"]
    assert [Path(p) for p in args[0]] == [repo_root / "desktop" / "__main__.py"]
    assert Path(kwargs["pathex"][0]) == repo_root  # the checkout, not an installed copy
    # Optional CLI modules are registered with importlib: the whole package is named.
    assert kwargs["hiddenimports"] == FULL_LIST
    assert [Path(p) for p in kwargs["hookspath"]] == [repo_root / "packaging" / "hooks"]
    # Run before PyInstaller's own PySide6 hook: Qt loads with the compiled-code cache
    # (what the hook does: tests/test_compiled_code_cache.py).
    hooks = [Path(p) for p in kwargs["runtime_hooks"]]
    assert hooks == [repo_root / "packaging" / "pyi_rth_compiled_code.py"]
    assert hooks[0].is_file()
    for module in (
        "tkinter",
        "PySide6.QtNetwork",
        "PySide6.QtQml",
        "PySide6.QtQuick",
        "PySide6.QtPdf",
        "PySide6.Qt3DCore",
        "PySide6.QtMultimedia",
        "PySide6.QtWebEngineCore",
    ):
        assert module in kwargs["excludes"], module


def test_one_folder_console_build_on_linux(linux_build):
    ((_exe_args, exe),) = linux_build["EXE"]
    assert exe["exclude_binaries"] is True  # one-folder: COLLECT gathers the binaries
    assert exe["name"] == "hyoka-desk"
    assert exe["upx"] is False
    assert exe["strip"] is True
    assert exe["console"] is True
    ((_collect_args, collect),) = linux_build["COLLECT"]
    assert collect["name"] == "hyoka-desk"
    assert collect["upx"] is False and collect["strip"] is True


def test_windowed_build_with_icon_and_version_on_windows(windows_build, repo_root, tmp_path):
    app, cli = (kwargs for _, kwargs in windows_build["EXE"])
    assert app["name"] == "hyoka-desk" and app["console"] is False
    assert cli["name"] == "hyoka-desk-cli" and cli["console"] is True
    for exe in (app, cli):
        assert exe["strip"] is False and exe["upx"] is False
        assert Path(exe["icon"]) == repo_root / "resources" / "icons" / "hyoka-desk.ico"
        assert Path(exe["version"]) == tmp_path / "version_info.txt"
    assert "ProductVersion" in (tmp_path / "version_info.txt").read_text(encoding="utf-8")
    ((collect_args, _),) = windows_build["COLLECT"]
    assert len([a for a in collect_args if isinstance(a, types.SimpleNamespace)]) == 2


# --- bundle rules ----------------------------------------------------------------------


KEPT = [
    # Linux wheel layout
    "PySide6/Qt/lib/libQt6Core.so.6",
    "PySide6/Qt/lib/libQt6Gui.so.6",
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6DBus.so.6",
    "PySide6/Qt/lib/libQt6XcbQpa.so.6",
    "PySide6/Qt/lib/libicudata.so.73",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforms/libqminimal.so",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/imageformats/libqico.so",
    "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
    "PySide6/Qt/translations/qtbase_ja.qm",
    "PySide6/Qt/translations/qt_ja.qm",
    "PySide6/Qt/translations/qtbase_en.qm",
    "PySide6/QtWidgets.abi3.so",
    # Windows wheel layout
    "PySide6\\Qt6Core.dll",
    "PySide6\\Qt6Gui.dll",
    "PySide6\\Qt6Widgets.dll",
    "PySide6\\plugins\\platforms\\qwindows.dll",
    "PySide6\\plugins\\styles\\qmodernwindowsstyle.dll",
    "PySide6\\plugins\\imageformats\\qico.dll",
    "PySide6\\translations\\qtbase_ja.qm",
    "PySide6\\QtGui.pyd",
    # ours and Python's
    "catalogs/municipal/r8.yaml",
    "resources/icons/hyoka-desk.ico",
    "libpython3.11.so.1.0",
    "python311.dll",
    # Linux libraries that not every system has, or that Qt needs at a version of its own
    "libzstd.so.1",
    "liblzma.so.5",
    "libglib-2.0.so.0",
    "libicudata.so.73",
    "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
]

DROPPED = [
    # Linux desktop libraries, taken from the system like a pip-installed PySide6 does
    "libX11.so.6",
    "libxcb.so.1",
    "libxcb-render-util.so.0",
    "libxkbcommon-x11.so.0",
    "libfontconfig.so.1",
    "libfreetype.so.6",
    "libdbus-1.so.3",
    "libsystemd.so.0",
    "libgcrypt.so.20",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",  # would drag in GTK, cairo, pango
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
    "PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so",
    "PySide6/Qt/plugins/generic/libqevdevmouseplugin.so",
    "PySide6/Qt/plugins/tls/libqopensslbackend.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/lib/libQt6Network.so.6",
    "PySide6/Qt/lib/libQt6Pdf.so.6",
    "PySide6/Qt/lib/libQt6Qml.so.6",
    "PySide6/Qt/lib/libQt6OpenGL.so.6",
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt/translations/qt_zh_CN.qm",
    "PySide6\\Qt6Network.dll",
    "PySide6\\Qt6Quick.dll",
    "PySide6\\opengl32sw.dll",
    "PySide6\\d3dcompiler_47.dll",
    "PySide6\\plugins\\imageformats\\qgif.dll",
    "PySide6\\plugins\\multimedia\\ffmpegmediaplugin.dll",
    "PySide6\\translations\\qtbase_fr.qm",
]


@pytest.mark.parametrize("path", KEPT)
def test_kept_in_the_build(packaging_module, path):
    assert packaging_module("bundle_rules").keep(path)


@pytest.mark.parametrize("path", DROPPED)
def test_left_out_of_the_build(packaging_module, path):
    assert not packaging_module("bundle_rules").keep(path)


def test_hook_pairs_are_filtered_by_destination(packaging_module):
    rules = packaging_module("bundle_rules")
    collected = [
        ("/venv/PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms"),
        ("/venv/PySide6/Qt/plugins/platforms/libqvnc.so", "PySide6/Qt/plugins/platforms"),
        ("/venv/PySide6/Qt/translations/qtbase_ja.qm", "PySide6/Qt/translations"),
        ("/venv/PySide6/Qt/translations/qtbase_ko.qm", "PySide6/Qt/translations"),
    ]
    assert rules.keep_collected(collected) == [collected[0], collected[2]]


def test_every_qt_module_the_app_imports_is_bundled(packaging_module, repo_root):
    """If someone starts using a new Qt module, this says where the build must change."""
    rules = packaging_module("bundle_rules")
    used = set()
    for source in (repo_root / "desktop").rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("PySide6.Qt"):
                    used.add((name.split(".")[1], source.relative_to(repo_root).as_posix()))
    assert {module for module, _ in used} >= {"QtCore", "QtGui", "QtWidgets"}
    for module, where in sorted(used):
        assert f"PySide6.{module}" not in rules.EXCLUDED_MODULES, (
            f"{where} が PySide6.{module} を使っていますが、packaging/bundle_rules.py で除外されています。"
        )
        assert module.removeprefix("Qt") in rules.KEPT_QT_LIBRARIES, (
            f"{where} が PySide6.{module} を使っています: packaging/bundle_rules.py の "
            "KEPT_QT_LIBRARIES（と必要ならプラグイン）に加えてください。"
        )


def test_our_hooks_replace_pyinstallers_for_the_modules_in_use(repo_root):
    hooks = sorted(p.name for p in (repo_root / "packaging" / "hooks").glob("hook-*.py"))
    assert hooks == [
        "hook-PySide6.QtCore.py",
        "hook-PySide6.QtGui.py",
        "hook-PySide6.QtWidgets.py",
    ]
    for hook in hooks:
        text = (repo_root / "packaging" / "hooks" / hook).read_text(encoding="utf-8")
        assert "filtered_qt_dependencies(__file__)" in text
