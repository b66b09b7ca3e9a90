"""The window's start: what waits until after the first paint, and is there when needed."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

from desktop import compiled_code_cache

REPO_ROOT = Path(__file__).resolve().parents[2]

# Runs what `hyoka-desk --db FILE` runs, with a MainWindow subclass noting at its first
# paint which modules are loaded, and once the evaluation is on screen where packs are
# read from and whether the parsed catalog came from the cache. The subclass is put in
# place right after the app imports the window's module: PySide is imported by the app,
# as for users (part of it comes from the compiled-code cache).
SCRIPT = r"""
import gc, json, sys
from importlib.machinery import PathFinder

seen = {}

def watch(main_window):
    from PySide6.QtCore import QTimer

    class Watched(main_window.MainWindow):
        def paintEvent(self, event):
            if "first_paint" not in seen:
                seen["first_paint"] = sorted(
                    m for m in ("desktop.wording.packs", "desktop.store.evaluation_file", "desktop.store.errors", "yaml") if m in sys.modules
                )
            super().paintEvent(event)
            if self.session is not None and "shown" not in seen:
                from desktop import compiled_code_cache
                from desktop.wording.packs import pack_folders
                seen["shown"] = {
                    "texts_compiled": compiled_code_cache.new_texts(),
                    "title": self.windowTitle(),
                    "pack_folders": [str(f) for f in pack_folders()],
                    "loader": "desktop.catalog.loader" in sys.modules,
                    "openssl": "_hashlib" in sys.modules,
                    "prompts": "desktop.ui.prompts" in sys.modules,
                    "qt_types": sorted(
                        name
                        for module in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets")
                        for name, value in vars(sys.modules[module]).items()
                        if isinstance(value, type)
                    ),
                }
                seen["collector_while_starting"] = gc.isenabled()
                QTimer.singleShot(400, self._after)  # after the work done once it is shown

        def _after(self):
            seen["collector_after"] = [gc.isenabled(), gc.get_freeze_count() > 0]
            self.close()

    main_window.MainWindow = Watched

class AfterWindowModule:
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "desktop.ui.main_window":
            return None
        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(fullname, path)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            watch(module)
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, AfterWindowModule())
from desktop.cli import main
assert "shiboken6" not in sys.modules
main(["--db", sys.argv[1]])
print("RESULT " + json.dumps(seen, ensure_ascii=False))
"""


# PySide builds a class's type with all its enums when a module first names it.
NOT_BUILT_FOR_THE_EVALUATION = {
    "QFileDialog",
    "QMessageBox",
    "QProgressDialog",
    "QEventLoop",
    "QUrl",
    "QGradient",
    "QScrollBar",
    "QDialog",
    "QMetaMethod",
    "QElapsedTimer",
}


def start(db: Path, home: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "PYTHONPATH": str(REPO_ROOT),
        }
    )
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = [x for x in completed.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line.removeprefix("RESULT "))


def test_the_shell_paints_first_and_the_packs_folder_is_registered_for_the_evaluation(
    tmp_path, session_r8, store
):
    store.close()
    home = tmp_path / "home"
    first = start(store.path, home)
    # The first paint (the shell) comes before the store (even its error types), the wording
    # packs and PyYAML.
    assert first["first_paint"] == []
    shown = first["shown"]
    assert shown["title"].startswith("北塩原村 令和8年度")
    # The user's own pack folder is read for the evaluation, as before.
    assert any(Path(f).parts[-1] == "wording" and str(home) in f for f in shown["pack_folders"])
    assert shown["loader"] is True  # first start: the catalog text was parsed
    # and dataclasses compiled their methods, PySide its support modules
    assert shown["texts_compiled"] > 100
    (kept,) = (home / "cache").rglob(compiled_code_cache.FILE_NAME)
    header, codes, patterns = marshal.loads(kept.read_bytes())
    assert header == compiled_code_cache._HEADER
    assert sum(name.startswith("shibokensupport/") for _, name, *_ in codes) >= 10
    assert sum(name == "<string>" for _, name, *_ in codes) > 100
    assert len(patterns) >= 5  # the regular expressions those modules compile as they load
    again = start(store.path, home)
    assert again["shown"]["loader"] is False  # a returning start reads the parsed catalog
    assert again["shown"]["texts_compiled"] == 0  # and the compiled code: nothing compiled
    # The catalog text's hash is checked without loading OpenSSL through hashlib.
    assert again["shown"]["openssl"] is False
    # The lock prompts' dialog module is imported only when a file is locked.
    assert again["shown"]["prompts"] is False
    assert again["shown"]["pack_folders"] == shown["pack_folders"]
    # Qt classes the evaluation does not show are not built on the way (desktop/ui/__init__.py).
    built = set(again["shown"]["qt_types"])
    assert {"QTreeView", "QMainWindow", "QPainter"} <= built  # the probe sees built types
    assert not built & NOT_BUILT_FOR_THE_EVALUATION
    # The cycle collector waits until the evaluation is shown, then runs again, sparing
    # the objects of the start.
    for run in (first, again):
        assert run["collector_while_starting"] is False
        assert run["collector_after"] == [True, True]
