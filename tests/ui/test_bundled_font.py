"""The shipped Japanese font: used by the window and embedded in the PDF, with no system fonts.

Runs the app in a subprocess whose fontconfig sees no font folder at all (as on a PC
without any Japanese font), so only the font registered from resources/fonts exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from desktop.paths import resource
from desktop.ui.fonts import BUNDLED_FAMILY, BUNDLED_FONT

pytestmark = pytest.mark.slow


PROBE = textwrap.dedent(
    """
    import sys
    from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
    from desktop.ui.app import create_application

    app = create_application(["hyoka-desk"])
    system = [f for f in QFontDatabase.families() if f != "{family}"]
    font = app.font()
    print("FAMILY", QFontInfo(font).family())
    print("KANJI", all(QFontMetrics(font).inFontUcs4(ord(ch)) for ch in "交付金評価"))
    print("SYSTEM", ",".join(system))
    """
)


def _no_fonts_env(tmp_path) -> dict[str, str]:
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    env = dict(os.environ)
    env.update(
        FONTCONFIG_FILE=str(config),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join([str(resource().parent), env.get("PYTHONPATH", "")]),
        HOME=str(tmp_path),  # no ~/.fonts either
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    return env


def test_the_font_file_and_its_licence_are_shipped():
    assert resource(*BUNDLED_FONT).stat().st_size > 1_000_000
    licence = resource("fonts", "IPA_Font_License_Agreement_v1.0.txt").read_text(encoding="utf-8")
    assert "IPA Font License Agreement v1.0" in licence


def test_window_uses_the_bundled_font_without_system_fonts(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", PROBE.replace("{family}", BUNDLED_FAMILY)],
        env=_no_fonts_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert lines["FAMILY"] == BUNDLED_FAMILY
    assert lines["KANJI"] == "True"
    # No Japanese system font was visible: the kanji can only come from the bundled file.
    assert "Gothic" not in lines.get("SYSTEM", "") and "CJK" not in lines.get("SYSTEM", "")


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts がありません")
def test_pdf_embeds_the_bundled_font_without_system_fonts(tmp_path):
    env = _no_fonts_env(tmp_path)
    db = tmp_path / "評価.sqlite"
    out = tmp_path / "評価結果.pdf"
    cli = [sys.executable, "-m", "desktop"]
    steps = [
        [*cli, "new", "--db", str(db), "--catalog", "municipal-r8", "--municipality", "架空町"],
        [*cli, "report", "--db", str(db), "--out", str(out)],
    ]
    for step in steps:
        done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True)
    embedded = [line for line in fonts.stdout.splitlines()[2:] if line.split()]
    assert embedded, fonts.stdout
    assert all(BUNDLED_FAMILY in line for line in embedded), fonts.stdout
    assert all(" yes " in f" {line} " for line in embedded), fonts.stdout
