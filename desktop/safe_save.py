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
from collections.abc import Callable
from pathlib import Path

from desktop.output_target import protection_problem
from desktop.windows_files import error_is_held_open, held_open_message, name_problem


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
    # A name Windows forbids first: opening AUX or CON.xlsx to look at it would wait on a device.
    problem = name_problem(path) or protection_problem(path, evaluation_file)
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
    remove_stale_temporaries(folder)  # also swept beside the evaluation file when it opens
    try:
        temporary = _create_temporary(folder, path.suffix)
    except OSError as exc:
        raise error(f"{folder} に書き込めません（{_reason(exc)}）。") from None
    message = None
    try:
        write(str(temporary))
        os.replace(temporary, path)
    except PermissionError as exc:
        if error_is_held_open(exc, path):  # Windows: Excel or a viewer has the file open
            message = held_open_message(path)
        else:
            message = f"{path} に保存できません。{opened_in}で開いている場合は閉じてから、もう一度保存してください。"
        _release_failed_writer(exc)
    except OSError as exc:
        message = f"{path} に保存できません（{_reason(exc)}）。"
        _release_failed_writer(exc)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    if message is not None:
        raise error(message)
    return path


# --- temporary files: ours only, created like any file the user saves ------------------------------
TEMPORARY_PREFIX = ".~hyoka-"
# A temporary file of ours untouched this long was left by a write that was killed
# (power cut, task manager): a write in progress touches its file every few seconds.
STALE_TEMPORARY_SECONDS = 15 * 60
_RANDOM_LENGTH = 8  # characters of the random part of the name


def _create_temporary(folder: Path, suffix: str) -> Path:
    """A new, empty file beside the target, created with the user's umask (mode 0666 - umask).

    ``tempfile.mkstemp`` would create it 0600 and the rename would keep that: a
    workbook saved to a shared folder would be unreadable for colleagues. The name
    is one :func:`remove_stale_temporaries` recognises.
    """
    for _attempt in range(100):
        # os.urandom as secrets.token_hex uses, without importing secrets (hmac, OpenSSL).
        candidate = folder / f"{TEMPORARY_PREFIX}{os.urandom(_RANDOM_LENGTH // 2).hex()}{suffix}"
        try:
            handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
        except FileExistsError:
            continue
        os.close(handle)
        return candidate
    raise FileExistsError(errno.EEXIST, "一時ファイルの名前を決められません", str(folder))


_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def is_own_temporary(name: str) -> bool:
    """True for a name this module creates: ``.~hyoka-`` + 8 random characters + a suffix."""
    if not name.startswith(TEMPORARY_PREFIX):
        return False
    rest = name[len(TEMPORARY_PREFIX) :]
    random_part, _dot, _suffix = rest.partition(".")
    return len(random_part) == _RANDOM_LENGTH and all(
        c.isascii() and (c.isalnum() or c == "_") for c in random_part
    )


def remove_stale_temporaries(folder: str | Path, *, older_than: float | None = None) -> list[Path]:
    """Delete our own temporary files left in ``folder`` by a write that was killed.

    Only names :func:`is_own_temporary` recognises, only regular files, and only those
    untouched for :data:`STALE_TEMPORARY_SECONDS` (another person's export in progress
    on a shared folder is left alone). Failing to delete one is not an error.
    """
    import time

    limit = (time.time() if older_than is None else older_than) - STALE_TEMPORARY_SECONDS
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not is_own_temporary(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat().st_mtime > limit:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _release_failed_writer(exc: BaseException) -> None:
    """Let go of what the failed writer still holds, now and quietly.

    A writer that failed part-way (openpyxl's zip archive on a full disk) stays alive
    through the exception's traceback; when it is finally collected it tries to finish
    its file, fails again and Python prints a traceback after our clear message. It
    also keeps the temporary file open, which Windows then cannot delete. Clearing the
    frames collects it here, where its second failure is expected and not shown.
    """
    import gc
    import sys
    import traceback

    previous = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        traceback.clear_frames(exc.__traceback__)
        exc.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = previous


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "ディスクの空き容量が足りません"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "書き込む権限がありません"
    return exc.strerror or str(exc)
