"""What Windows does to files that POSIX does not, told in the app's words.

- **Files held open by another program.** Excel keeps an open workbook locked: Windows
  then refuses to replace, rename or delete it (and, when the program denies all
  sharing, even to read it). Python reports that as a plain ``PermissionError``
  (``[WinError 5] Access denied`` for a replace, ``EACCES`` for an open), which
  looks exactly like a missing permission. :func:`is_held_open` asks Windows itself:
  it opens the file as the app would, sharing everything, which fails with a
  *sharing violation* only when another program's handle is in the way.
- **Names Windows forbids** (``? * : < > | "``, ``CON``, ``NUL``, ``COM1``, a trailing
  dot or space): Windows refuses them, or worse, ``NUL.xlsx`` "saves" into nothing.
  :func:`name_problem` says what is wrong before anything is written.

Both checks do nothing on other systems (a ``?`` is a fine character on Linux), so the
callers need no platform test of their own.
"""

from __future__ import annotations

import sys
from pathlib import Path

IS_WINDOWS = sys.platform == "win32"

# The sentence the user sees for a file held open, wherever it happens (export, report,
# backup, restore, import).
HELD_OPEN = "Excel などで開かれています。閉じてからもう一度実行してください。"

# The rule for names, once for the app (attachment names use it too: attachment_files).
# Characters Windows does not allow in a file name (the separators among them).
FORBIDDEN_CHARACTERS = frozenset('<>:"/\\|?*')
# Device names Windows reserves with or without an extension (CON.txt is the console too).
RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}) | {
    f"{kind}{n}" for kind in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")
}

_ERROR_SHARING_VIOLATION = 32
_ERROR_LOCK_VIOLATION = 33
_HELD_OPEN_ERRORS = frozenset({_ERROR_SHARING_VIOLATION, _ERROR_LOCK_VIOLATION})


def held_open_message(path: str | Path) -> str:
    return f"{path} は{HELD_OPEN}"


def is_held_open(path: str | Path) -> bool:
    """True on Windows when another program has ``path`` open and will not share it."""
    if not IS_WINDOWS:
        return False
    return _sharing_violation_on_open(str(path))


def error_is_held_open(exc: BaseException, path: str | Path) -> bool:
    """``exc`` came from reading, replacing or deleting ``path``: was the file held open?

    A sharing or lock violation says so itself; a bare "access denied" (what a replace
    onto an open file reports) is checked by asking Windows about ``path``.
    """
    if not IS_WINDOWS or not isinstance(exc, OSError):
        return False
    if getattr(exc, "winerror", None) in _HELD_OPEN_ERRORS:
        return True
    return isinstance(exc, PermissionError) and is_held_open(path)


def windows_name_problem(path: str | Path) -> str | None:
    """Why Windows would refuse the last part of ``path`` as a file name, or None.

    Platform-independent (tests and callers on any system may ask); :func:`name_problem`
    applies it only where it matters.
    """
    name = Path(path).name
    if not name:
        return None
    bad = sorted({c for c in name if c in FORBIDDEN_CHARACTERS or ord(c) < 32})
    if bad:
        shown = " ".join("制御文字" if ord(c) < 32 else c for c in bad)
        return (
            f"ファイル名「{name}」には Windows で使えない文字（{shown}）が含まれています。"
            "別の名前にしてください。"
        )
    if name.endswith((".", " ")):
        return f"ファイル名「{name}」は末尾が点か空白です。Windows では使えません。別の名前にしてください。"
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in RESERVED_NAMES:
        return (
            f"ファイル名「{name}」は Windows が装置の名前として予約しているため使えません。"
            "別の名前にしてください。"
        )
    return None


def name_problem(path: str | Path) -> str | None:
    """:func:`windows_name_problem` on Windows; None elsewhere."""
    return windows_name_problem(path) if IS_WINDOWS else None


def _sharing_violation_on_open(path: str) -> bool:
    """Open ``path`` the way the app itself would (read and write, sharing everything).

    Another SQLite connection shares reading and writing, so it never counts; Excel
    (which shares reading only) or a program that shares nothing does. A file we may
    only read (read-only attribute, permissions) is asked again for reading alone.
    """
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    create_file = kernel32.CreateFileW
    create_file.restype = wintypes.HANDLE
    create_file.argtypes = [
        wintypes.LPCWSTR,
        wintypes.DWORD,
        wintypes.DWORD,
        ctypes.c_void_p,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.HANDLE,
    ]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    generic_read, generic_write = 0x80000000, 0x40000000
    share_everything = 0x1 | 0x2 | 0x4  # read, write, delete
    open_existing = 3
    error_access_denied = 5
    for access in (generic_read | generic_write, generic_read):
        handle = create_file(path, access, share_everything, None, open_existing, 0, None)
        if handle is not None and handle != wintypes.HANDLE(-1).value:
            kernel32.CloseHandle(handle)
            return False
        last_error = ctypes.get_last_error()
        if last_error in _HELD_OPEN_ERRORS:
            return True
        if last_error != error_access_denied:
            return False
    return False
