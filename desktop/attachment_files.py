"""Attached files on their way out of the evaluation file: safe names, private copies.

An evaluation file travels between people, so the name stored with an attachment is
untrusted: it could hold a path (``../../スタートアップ/x.bat``, ``C:\\...``), characters
Windows refuses or hides, a device name such as ``CON``, or a program type that the
OS would run instead of show. Every name goes through :func:`safe_file_name` when an
attachment is added, copied for opening, or offered for saving; programs and scripts
(:func:`is_program_file`) are never handed to the OS, only saved as a copy.

No Qt here.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

from desktop.windows_files import FORBIDDEN_CHARACTERS, RESERVED_NAMES

FALLBACK_NAME = "添付資料"
MAX_NAME_CHARACTERS = 120  # well inside Windows' 260-character paths, even in a deep temp folder
PRIVATE_FOLDER_PREFIX = "hyoka-desk-attachment-"

# What Windows forbids in a name, and the device names it reserves: one rule, there.
_FORBIDDEN = FORBIDDEN_CHARACTERS
_RESERVED = RESERVED_NAMES
# Types the OS runs (or lets run code) when a file is opened: never opened from here.
# fmt: off
PROGRAM_SUFFIXES = frozenset({
    # Windows programs, installers and shortcuts
    ".exe", ".com", ".scr", ".pif", ".cpl", ".msi", ".msp", ".mst", ".msc", ".dll", ".lnk",
    ".url", ".scf", ".appref-ms", ".application", ".gadget", ".settingcontent-ms", ".inf",
    ".reg", ".sys", ".drv", ".ocx",
    # scripts
    ".bat", ".cmd", ".ps1", ".ps1xml", ".ps2", ".ps2xml", ".psc1", ".psc2", ".psd1", ".psm1",
    ".vbs", ".vbe", ".vb", ".js", ".jse", ".wsf", ".wsh", ".wsc", ".ws", ".sct", ".hta",
    ".chm", ".jar", ".py", ".pyw", ".pyz", ".pyc", ".sh", ".bash", ".command", ".desktop",
    ".run", ".app", ".pl", ".rb",
    # disk images (opening mounts them and hides what is inside)
    ".iso", ".img", ".vhd", ".vhdx",
    # Office files that carry macros or add-ins (run by opening them: .xll is a DLL)
    ".xlsm", ".xltm", ".xlam", ".xla", ".xll", ".xlsb", ".docm", ".dotm", ".pptm", ".potm",
    ".ppam", ".ppsm", ".sldm",
})
# fmt: on


def visible_text(text: str | None) -> str:
    """``text`` without control and invisible formatting characters, for showing a name.

    A right-to-left mark in a stored name could make ``x‮fdp.exe`` read as a PDF in the list.
    """
    return "".join(ch for ch in str(text or "") if not _hidden(ch))


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def safe_file_name(name: str | None, fallback: str = FALLBACK_NAME) -> str:
    """A plain base name that is safe to create in a folder on Windows and elsewhere.

    Keeps the last path component only; removes control and invisible formatting
    characters (a right-to-left mark can make ``x‮fdp.exe`` look like a PDF); turns the
    characters Windows refuses into ``_``; drops trailing dots and spaces (Windows
    drops them itself, which would turn ``x.exe.`` into ``x.exe``); renames device
    names (``CON``, ``NUL.txt``, ``COM1``); never returns ``.``, ``..`` or an empty name.
    """
    text = str(name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join("_" if ch in _FORBIDDEN else ch for ch in text if not _hidden(ch))
    text = text.strip().rstrip(". ").lstrip()
    if not text.strip("."):
        text = fallback
    stem = text.split(".", 1)[0].rstrip(" ")
    if stem.upper() in _RESERVED:
        text = "_" + text
    return _shortened(text)


def _shortened(name: str) -> str:
    if len(name) <= MAX_NAME_CHARACTERS:
        return name
    suffix = Path(name).suffix
    if len(suffix) > 20:  # not a real extension: cut the whole name
        suffix = ""
    return name[: MAX_NAME_CHARACTERS - len(suffix)].rstrip(". ") + suffix


def is_program_file(name: str | None) -> bool:
    """True when opening a file of this name would run something (checked case-insensitively).

    The name is made safe first, so ``x.pdf.exe``, ``X.EXE``, ``x.exe.`` and
    ``dir/x.exe`` all count as programs.
    """
    return Path(safe_file_name(name)).suffix.lower() in PROGRAM_SUFFIXES


def private_folder() -> Path:
    """A new folder only this user can read (0700), for copies handed to the OS to open."""
    folder = Path(tempfile.mkdtemp(prefix=PRIVATE_FOLDER_PREFIX))
    if os.name != "nt":
        os.chmod(folder, 0o700)  # mkdtemp does this already; say it, since it matters here
    return folder
