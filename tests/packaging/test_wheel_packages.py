"""The wheel's package list in pyproject.toml names every package of the app.

setuptools is given an explicit list (catalogs/ and resources/ are mapped in under
desktop.bundled), so a new package on disk that is not added there installs without
its code: the installed app then fails on its first import of it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_package_under_desktop_is_in_the_wheel():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "desktop").rglob("__init__.py")
    }
    assert on_disk, "no packages found under desktop/"
    assert sorted(on_disk - listed) == []
