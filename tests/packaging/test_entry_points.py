"""The installed entry points, started as a user starts them: in a new process."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import desktop


def console_script() -> Path:
    """The hyoka-desk command the install put next to this Python."""
    folder = Path(sys.executable).parent
    for name in ("hyoka-desk", "hyoka-desk.exe"):
        if (folder / name).is_file():
            return folder / name
    found = shutil.which("hyoka-desk")
    if found is None:
        pytest.fail("hyoka-desk コマンドがありません（pip install . を実行しましたか）")
    return Path(found)


def run(command, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
        check=False,
        **kwargs,
    )


def test_python_m_desktop_prints_the_version(tmp_path):
    result = run([sys.executable, "-m", "desktop", "--version"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"hyoka-desk {desktop.__version__}"
    assert result.stderr == ""


def test_console_script_prints_the_version(tmp_path):
    result = run([str(console_script()), "--version"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"hyoka-desk {desktop.__version__}"


@pytest.mark.slow
def test_screenshot_writes_a_1280_by_800_png(tmp_path, packaging_module):
    db = tmp_path / "評価.sqlite"
    png = tmp_path / "画面.png"
    result = run([str(console_script()), "--db", str(db), "--screenshot", str(png)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 800)
    assert db.is_file()  # the file was created on first start
    # The same stderr rule as for the built program in .ci/run.
    assert packaging_module("smoke_test").unexpected_stderr(result.stderr) == []
