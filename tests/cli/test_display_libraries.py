"""A missing X11 library gets a Japanese message naming the package, not Qt's abort."""

from __future__ import annotations

import sys

import pytest

from desktop import display_libraries as libs
from desktop.cli import main


def test_only_an_x11_session_uses_xcb(monkeypatch):
    monkeypatch.setattr(libs.sys, "platform", "linux")
    assert libs.uses_xcb({"DISPLAY": ":0"})
    assert not libs.uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert not libs.uses_xcb({})
    assert not libs.uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert libs.uses_xcb({"QT_QPA_PLATFORM": "xcb"})
    monkeypatch.setattr(libs.sys, "platform", "win32")
    assert not libs.uses_xcb({"DISPLAY": ":0"})


def test_missing_libraries_name_their_packages():
    present = {"libxcb-icccm.so.4", "libEGL.so.1"}
    missing = libs.missing_packages(
        {**libs.GUI_LIBRARIES, **libs.XCB_LIBRARIES}, load=lambda soname: soname in present
    )
    assert "libxcb-cursor0" in missing and "libxkbcommon-x11-0" in missing
    assert "libxcb-icccm4" not in missing and "libegl1" not in missing
    assert libs.missing_packages(libs.XCB_LIBRARIES, load=lambda _soname: True) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 のライブラリは Linux だけの話")
def test_a_real_library_loads():
    assert libs._loadable("libc.so.6")
    assert not libs._loadable("libno-such-library-for-hyoka.so.9")


def test_the_window_does_not_start_and_says_what_to_install(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(libs, "uses_xcb", lambda environ=None: True)
    monkeypatch.setattr(libs, "_loadable", lambda soname: soname != "libxcb-cursor.so.0")
    status = main(["--db", str(tmp_path / "x.sqlite")])
    err = capsys.readouterr().err
    assert status == 1
    assert "sudo apt install libxcb-cursor0" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.sqlite").exists()  # nothing was opened or created


def test_a_qt_import_error_is_explained():
    error = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    assert libs.package_of_import_error(error) == ["libegl1"]
    assert libs.package_of_import_error(ImportError("something else")) == []


def test_the_readme_lists_every_package_the_check_names():
    """The README's apt line is what an IT desk copies: the same packages as the check."""
    import re
    from pathlib import Path

    from desktop.display_libraries import GUI_LIBRARIES, XCB_LIBRARIES

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    command = re.search(r"sudo apt install (libegl1[^`]*?)\n```", readme, re.S).group(1)
    listed = set(command.replace("\\", " ").split())
    assert listed == set(GUI_LIBRARIES.values()) | set(XCB_LIBRARIES.values())
    assert {"libxcb-sync1", "libxcb-util1"} <= listed  # what the xcb plugin needs in turn
