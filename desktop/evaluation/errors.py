"""The errors an evaluation file can raise, for the layers above the store.

Each is a :class:`StoreError` with a Japanese message that names the file and says
what to do. This module loads no database code, so the window imports it at start-up.
"""

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
