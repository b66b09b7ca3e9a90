"""Where the app finds what it ships (catalogs, resources) and where it keeps data.

One place for this, because the same code runs from a source checkout, from an
installed wheel (``desktop/bundled/…``) and from the PyInstaller one-folder build
(``sys._MEIPASS``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop import APP_NAME, ORG_NAME

_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE_DIR.parent


def _bundled(name: str) -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / name
    in_checkout = _SOURCE_ROOT / name
    if in_checkout.is_dir() and (_SOURCE_ROOT / "pyproject.toml").is_file():
        return in_checkout
    return _PACKAGE_DIR / "bundled" / name


def catalogs_dir() -> Path:
    """The folder holding the shipped catalogs (``municipal/r8.yaml`` …)."""
    override = os.environ.get("HYOKA_CATALOGS_DIR")
    return Path(override) if override else _bundled("catalogs")


def resources_dir() -> Path:
    return _bundled("resources")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


NATIONAL_LIBRARY_FILE_NAME = "hyoka-desk-national.sqlite"


def national_library_path(evaluation_file: str | os.PathLike) -> Path:
    """Where the imported national results live: one file beside the evaluation file.

    The national results are public and the same for everyone; keeping them out of the
    evaluation file keeps that file (copied, shared and backed up every hour) small,
    and lets every evaluation file in a folder (a prefecture officer's or consultant's
    30–180 municipalities) share one import per year.
    """
    return Path(evaluation_file).resolve().parent / NATIONAL_LIBRARY_FILE_NAME


def user_cache_folder() -> Path | None:
    """The user's cache folder for the app: where start-up caches are kept, or None.

    The folder Qt names ``QStandardPaths.CacheLocation`` once the application's
    organisation and name are set (README: 起動を速くするための控え), found without Qt
    because part of what it keeps is used while PySide itself loads
    (:mod:`desktop.compiled_code_cache`). None when the platform's variable is missing or
    not an absolute path: the app then starts without the caches, only more slowly.
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "")
        folder = Path(base, ORG_NAME, APP_NAME, "cache")
    elif sys.platform == "darwin":
        base = os.environ.get("HOME", "")
        folder = Path(base, "Library", "Caches", ORG_NAME, APP_NAME)
    else:  # the XDG rule: a relative XDG_CACHE_HOME is ignored
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):
            base = os.path.join(os.environ.get("HOME", ""), ".cache")
        folder = Path(base, ORG_NAME, APP_NAME)
    return folder if os.path.isabs(base) else None
