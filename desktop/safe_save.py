"""Saving an output file so that it is replaced only when it is completely written.

Workbooks and reports are written to a temporary file beside the target and renamed
over it at the end: a failure (disk full, the file open in Excel) never leaves a
half-written file where the user expects the last good one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from desktop.windows_files import error_is_held_open, held_open_message, name_problem


class SaveError(Exception):
    """An output file could not be saved; the message says where and what to do."""


def save_atomically(
    path: str | Path,
    write: Callable[[str], None],
    *,
    error: type[SaveError] = SaveError,
    opened_in: str = "Excel など",
) -> Path:
    """Call ``write(temporary_path)``, then move the result over ``path``."""
    path = Path(path)
    if problem := name_problem(path):
        raise error(problem)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise error(f"保存先のフォルダ {folder} がありません。")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".~hyoka-", suffix=path.suffix, dir=folder)
    except OSError as exc:
        raise error(f"{folder} に書き込めません（{_reason(exc)}）。") from None
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except PermissionError as exc:
        if error_is_held_open(exc, path):  # Windows: Excel or a viewer has the file open
            raise error(held_open_message(path)) from None
        raise error(
            f"{path} に保存できません。{opened_in}で開いている場合は閉じてから、もう一度保存してください。"
        ) from None
    except OSError as exc:
        raise error(f"{path} に保存できません（{_reason(exc)}）。") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return path


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "ディスクの空き容量が足りません"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "書き込む権限がありません"
    return exc.strerror or str(exc)
