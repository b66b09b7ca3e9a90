"""`hyoka-desk --db FILE --screenshot out.png`, and the window's fit at 1280×800."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

SCREEN_W, SCREEN_H = 1280, 800


def run_screenshot(db_path, out, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),  # settings of this run stay in the test's folder
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db_path), "--screenshot", str(out), *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def distinct_colours(image: QImage, left: int, right: int) -> int:
    """How many different colours a vertical band holds (sampled): text and bars give many."""
    colours = set()
    for x in range(left, right, 3):
        for y in range(60, image.height() - 40, 3):
            colours.add(image.pixel(x, y))
    return len(colours)


def test_screenshot_of_a_half_answered_evaluation(half_file, tmp_path):
    out = tmp_path / "main.png"
    result = run_screenshot(half_file, out, tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (SCREEN_W, SCREEN_H)
    # the three areas (tree, panel, dashboard) each hold text: many colours in every band
    for left, right in ((0, 360), (380, 760), (800, 1270)):
        assert distinct_colours(image, left, right) > 40, (left, right)
    assert not list((tmp_path / "config").rglob("*.conf"))  # a screenshot run remembers nothing


def test_screenshot_at_another_size_and_scale(half_file, tmp_path):
    """1920×1080 at 150 %: 1280×720 logical pixels, drawn at 1.5× (no blurry bitmap)."""
    out = tmp_path / "scaled.png"
    result = run_screenshot(half_file, out, tmp_path, "--size", "1280x720", "--scale", "1.5")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 1080)
    for left, right in ((0, 540), (570, 1140), (1200, 1900)):
        assert distinct_colours(image, left, right) > 40, (left, right)


def test_screenshot_size_must_be_given_as_width_x_height(half_file, tmp_path):
    result = run_screenshot(half_file, tmp_path / "x.png", tmp_path, "--size", "wide")
    assert result.returncode == 2
    assert "1280x800 の形" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_screenshot_of_an_empty_file_shows_the_start_page(db_path, tmp_path):
    out = tmp_path / "start.png"
    result = run_screenshot(db_path, out, tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (SCREEN_W, SCREEN_H)
    assert distinct_colours(image, 200, 1000) > 10  # the title, message and buttons


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768), (1280, 720)])
def test_nothing_is_cut_off_on_laptop_screens(make_window, half_file, r8, size):
    window = make_window()
    window.open_path(half_file)
    window.resize(*size)
    assert (window.width(), window.height()) == size  # the window's minimum fits the screen
    for indicator in r8.all_indicators():
        window.jump_to(indicator.id)
        content = window.panel.scroll.widget()
        viewport = window.panel.scroll.viewport()
        assert content.minimumSizeHint().width() <= viewport.width(), indicator.id
    table = window.dashboard.table
    assert not table.horizontalScrollBar().isVisible()
    header = window.navigation.view.header()
    char = window.fontMetrics().horizontalAdvance("あ")
    assert header.sectionSize(0) >= char * 8  # the tree's names stay readable


def test_a_screenshot_never_replaces_the_evaluation_file(half_file, tmp_path):
    before = half_file.read_bytes()
    result = run_screenshot(half_file, half_file, tmp_path)
    assert result.returncode == 1
    assert "開いている評価ファイルそのもの" in result.stderr
    assert "Traceback" not in result.stderr
    assert half_file.read_bytes() == before
