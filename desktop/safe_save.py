"""Saving an output file so that it is replaced only when it is completely written.

Workbooks and reports are written to a temporary file beside the target and renamed
over it at the end: a failure (disk full, the file open in Excel) never leaves a
half-written file where the user expects the last good one.

Before anything is written, the target is checked against the files that must never
be written over (:mod:`desktop.output_target`): the evaluation file, its lock and
backups, any other evaluation file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from desktop.output_target import protection_problem


class SaveError(Exception):
    """An output file could not be saved; the message says where and what to do."""


def check_output_target(
    path: str | Path,
    *,
    evaluation_file: str | Path | None = None,
    error: type[Exception] = SaveError,
) -> None:
    """Raise ``error`` when ``path`` is a file no export may write over; nothing is written.

    ``evaluation_file`` is the evaluation open in this session (the ``--db`` of a
    command): it, its lock and its backup folder are refused however they are spelled.
    Any existing SQLite file is refused too. Every writer of a user-chosen file calls
    this (``save_atomically`` does it itself).
    """
    problem = protection_problem(path, evaluation_file)
    if problem:
        raise error(problem)


def save_atomically(
    path: str | Path,
    write: Callable[[str], None],
    *,
    error: type[SaveError] = SaveError,
    opened_in: str = "Excel など",
    evaluation_file: str | Path | None = None,
) -> Path:
    """Call ``write(temporary_path)``, then move the result over ``path``.

    ``evaluation_file``: the open evaluation, never to be written over (see
    :func:`check_output_target`).
    """
    path = Path(path)
    check_output_target(path, evaluation_file=evaluation_file, error=error)
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
    except PermissionError:
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
