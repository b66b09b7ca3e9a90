"""The errors an evaluation file can raise, for the layers above the store.

Each is a :class:`StoreError` with a Japanese message that names the file and says
what to do. This module loads no database code. It loads the error types themselves
(:mod:`desktop.store.errors`, about 2.5 ms) only when one is first named: the window's
modules import this module at the top (``from desktop.evaluation import errors``) and
write ``except errors.StoreError``, which Python evaluates only when an exception is
matched, so the window's first paint does not wait for them.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the names are, for readers and checkers; loaded by __getattr__
    from desktop.store.errors import (
        Busy,
        CannotOpen,
        DamagedFile,
        DiskFull,
        FileLocked,
        FileUnavailable,
        InterruptedSave,
        InvalidInput,
        LockHolder,
        LockLost,
        MigrationFailed,
        NoEvaluation,
        NotADatabase,
        OpenElsewhere,
        OtherMunicipality,
        ReadOnlyFile,
        ReadOnlySession,
        SaveFailed,
        SeveralNames,
        StoreError,
        TooNew,
        describe_os_error,
        is_readable_text,
        unreadable_text_message,
    )

__all__ = [
    "Busy",
    "CannotOpen",
    "DamagedFile",
    "DiskFull",
    "FileLocked",
    "FileUnavailable",
    "InterruptedSave",
    "InvalidInput",
    "LockHolder",
    "LockLost",
    "MigrationFailed",
    "NoEvaluation",
    "NotADatabase",
    "OpenElsewhere",
    "OtherMunicipality",
    "ReadOnlyFile",
    "ReadOnlySession",
    "SaveFailed",
    "SeveralNames",
    "StoreError",
    "TooNew",
    "describe_os_error",
    "is_readable_text",
    "unreadable_text_message",
]


def __getattr__(name: str):
    if name in __all__:
        from desktop.store import errors as store_errors

        value = getattr(store_errors, name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
