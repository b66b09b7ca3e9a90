"""Which files an export may never write over: the rule for every file the app writes.

Exports, reports, attachment copies and wording files are written where the user
says. A slip of the hand (``--out`` naming the evaluation file, a save dialog on the
wrong file) or a crafted name must never replace an evaluation, its lock or its
backups: those hold the only copy of the work. The rule is checked before anything
is written; :func:`desktop.safe_save.check_output_target` raises it as an error.

Protected are:

* the open evaluation file itself, however it is spelled (another relative path, a
  symlink, a hard link, another letter case on Windows);
* its lock file, its rollback journal and its backup folder with everything inside;
* any existing SQLite file (an evaluation file of someone else, under any name), and
  the lock, journal and backup folder of any such file beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

LOCK_SUFFIX = ".lock"  # desktop.store.lock.lock_path: <file>.lock
JOURNAL_SUFFIX = "-journal"  # SQLite's rollback journal: <file>-journal
BACKUPS_SUFFIX = ".backups"  # desktop.store.backup.backup_dir: <file>.backups/


def protection_problem(target: str | Path, evaluation_file: str | Path | None = None) -> str | None:
    """Why ``target`` must not be written (a Japanese sentence), or None when it may be."""
    target = Path(target)
    if evaluation_file is not None:
        problem = _problem_with_open_file(target, Path(evaluation_file))
        if problem:
            return problem
    if is_sqlite_file(target):
        return (
            f"{target} は評価ファイル（データベース）です。上書きすると中の評価が失われるため、"
            "出力しませんでした。別のファイル名を指定してください。"
        )
    return _problem_with_companion_of_any_evaluation(target)


def is_sqlite_file(path: str | Path) -> bool:
    """True when ``path`` exists and starts with SQLite's header (whatever its name)."""
    from desktop.store.database import SQLITE_HEADER

    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:  # missing, a folder, unreadable: not a file we could destroy by mistake
        return False


def _problem_with_open_file(target: Path, evaluation: Path) -> str | None:
    if same_file(target, evaluation):
        return (
            f"{target} は開いている評価ファイルそのものです。上書きすると評価が失われるため、"
            "出力しませんでした。別のファイル名を指定してください。"
        )
    for companion in _companions(evaluation):
        if same_file(target, companion):
            return _companion_message(target)
    if is_inside(target, _backup_folder(evaluation)):
        return _backup_message(target)
    return None


def _problem_with_companion_of_any_evaluation(target: Path) -> str | None:
    """The lock, journal or backup folder of any evaluation file, open here or not."""
    for suffix in (LOCK_SUFFIX, JOURNAL_SUFFIX):
        owner = _owner_by_suffix(target, suffix)
        if owner is not None and is_sqlite_file(owner):
            return _companion_message(target)
    for folder in Path(os.path.abspath(target)).parents:
        owner = _owner_by_suffix(folder, BACKUPS_SUFFIX)
        if owner is not None and is_sqlite_file(owner):
            return _backup_message(target)
    return None


def _owner_by_suffix(path: Path, suffix: str) -> Path | None:
    """``X`` for ``X.lock`` (and the like): the file whose companion ``path`` would be."""
    if path.name.endswith(suffix) and len(path.name) > len(suffix):
        return path.with_name(path.name[: -len(suffix)])
    return None


def _companions(evaluation: Path) -> list[Path]:
    names = [evaluation, Path(os.path.realpath(evaluation))]
    return [p.with_name(p.name + s) for p in names for s in (LOCK_SUFFIX, JOURNAL_SUFFIX)]


def _backup_folder(evaluation: Path) -> Path:
    return evaluation.with_name(evaluation.name + BACKUPS_SUFFIX)


def _companion_message(target: Path) -> str:
    return (
        f"{target} は評価ファイルの使用中の印（ロック）または作業用のファイルです。"
        "出力しませんでした。別のファイル名を指定してください。"
    )


def _backup_message(target: Path) -> str:
    return (
        f"{target} は評価ファイルのバックアップのフォルダの中です。バックアップを守るため、"
        "出力しませんでした。別の場所を指定してください。"
    )


def _normalized(path: Path) -> str:
    """The resolved, case-folded (on Windows) spelling of a path, existing or not."""
    return os.path.normcase(os.path.realpath(path))


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` name one file: by resolved path, or by identity on disk."""
    if _normalized(Path(a)) == _normalized(Path(b)):
        return True
    try:
        return os.path.samefile(a, b)  # hard links, 8.3 names, case-insensitive drives
    except (OSError, ValueError):
        return False


def is_inside(target: str | Path, folder: str | Path) -> bool:
    """True when ``target`` is ``folder`` or anything below it (after resolving both)."""
    resolved_folder = _normalized(Path(folder))
    candidate = Path(_normalized(Path(target)))
    if str(candidate) == resolved_folder:
        return True
    if any(_normalized(parent) == resolved_folder for parent in candidate.parents):
        return True
    if Path(folder).is_dir():
        # The same folder reached by another route (a hard-linked or case-folded parent).
        for parent in Path(os.path.abspath(target)).parents:
            try:
                if parent.exists() and os.path.samefile(parent, folder):
                    return True
            except (OSError, ValueError):
                continue
    return False
