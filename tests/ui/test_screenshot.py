"""`hyoka-desk --db FILE --screenshot out.png`, and the window's fit at 1280×800."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage

SCREEN_W, SCREEN_H = 1280, 800


def run_screenshot(db_path, out, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),  # settings of this run stay in the test's folder
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db_path), "--screenshot", str(out)],
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


def test_screenshot_of_an_empty_file_shows_the_start_page(db_path, tmp_path):
    out = tmp_path / "start.png"
    result = run_screenshot(db_path, out, tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (SCREEN_W, SCREEN_H)
    assert distinct_colours(image, 200, 1000) > 10  # the title, message and buttons


def test_nothing_is_cut_off_at_1280_by_800(make_window, half_file, r8):
    window = make_window()
    window.open_path(half_file)
    window.resize(SCREEN_W, SCREEN_H)
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
