"""The start-up caches' folder, found without Qt, is the one Qt names (README's table).

Found without Qt because part of what it keeps is used while PySide loads
(desktop/compiled_code_cache.py). Checked in a fresh process against
``QStandardPaths.CacheLocation`` with the app's organisation and name, on Linux with the
XDG variable set, unset and relative, and with the Windows Python as it runs (CI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json
from PySide6.QtCore import QCoreApplication, QStandardPaths
from desktop import APP_NAME, ORG_NAME
from desktop.paths import user_cache_folder

# The names only, no application object (under Wine, one made in a child of pytest hangs).
QCoreApplication.setOrganizationName(ORG_NAME)
QCoreApplication.setApplicationName(APP_NAME)
ours = user_cache_folder()
print(json.dumps({
    "qt": QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation),
    "ours": None if ours is None else str(ours),
}))
"""


def folders(**environment: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in environment}
    env.update({key: value for key, value in environment.items() if value is not None})
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["QT_QPA_PLATFORM"] = "offscreen"
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.splitlines()[-1])


def same_folder(found: dict) -> bool:
    return found["ours"] is not None and Path(found["ours"]) == Path(found["qt"])


@pytest.mark.skipif(sys.platform != "win32", reason="the Windows rule (LOCALAPPDATA)")
def test_on_windows_it_is_qts_folder():
    found = folders()
    assert same_folder(found)
    assert Path(found["ours"]).parts[-3:] == ("HyokaDesk", "Hyoka Desk", "cache")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG rule")
def test_on_linux_it_is_qts_folder(tmp_path):
    home, xdg = tmp_path / "home", tmp_path / "xdg-cache"
    found = folders(HOME=str(home), XDG_CACHE_HOME=str(xdg))
    assert same_folder(found)
    assert Path(found["ours"]) == xdg / "HyokaDesk" / "Hyoka Desk"
    without = folders(HOME=str(home), XDG_CACHE_HOME=None)
    assert same_folder(without)
    assert Path(without["ours"]) == home / ".cache" / "HyokaDesk" / "Hyoka Desk"
    relative = folders(HOME=str(home), XDG_CACHE_HOME="relative/cache")  # ignored by both
    assert same_folder(relative)
    assert Path(relative["ours"]) == home / ".cache" / "HyokaDesk" / "Hyoka Desk"
