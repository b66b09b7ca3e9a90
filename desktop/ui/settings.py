"""What the window remembers between sessions (QSettings): layout, recent and last file.

The organisation and application names are set by ``desktop.ui.app``; tests pass
their own QSettings (an ini file in a temporary folder) so that they never touch
the user's real settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8

KEY_RECENT = "files/recent"
KEY_LAST = "files/last"
KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"
KEY_SPLITTER = "window/splitter"
KEY_RECORDED_NAME = "user/recorded_name"


def _as_list(value) -> list[str]:
    # QSettings gives a str for a one-element list on some back ends, None when unset.
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]


class UiSettings:
    def __init__(self, settings: QSettings | None = None):
        self.qsettings = settings if settings is not None else QSettings()

    # --- files -------------------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        return [Path(p) for p in _as_list(self.qsettings.value(KEY_RECENT))]

    def add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        before = _as_list(self.qsettings.value(KEY_RECENT))
        recent = [text, *(p for p in before if p != text)][:MAX_RECENT]
        if recent == before and self.qsettings.value(KEY_LAST) == text:
            return  # the same file again: no write to the settings file while it opens
        self.qsettings.setValue(KEY_RECENT, recent)
        self.qsettings.setValue(KEY_LAST, text)

    def remove_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        recent = [p for p in _as_list(self.qsettings.value(KEY_RECENT)) if p != text]
        self.qsettings.setValue(KEY_RECENT, recent)

    def clear_recent(self) -> None:
        self.qsettings.setValue(KEY_RECENT, [])

    def last_file(self) -> Path | None:
        value = self.qsettings.value(KEY_LAST)
        return Path(str(value)) if value else None

    # --- who changes are recorded as ------------------------------------------------------
    def recorded_name(self) -> str | None:
        """The name set in the app for the change history; None: the OS user name."""
        value = self.qsettings.value(KEY_RECORDED_NAME)
        return str(value).strip() or None if value else None

    def set_recorded_name(self, name: str | None) -> None:
        self.qsettings.setValue(KEY_RECORDED_NAME, (name or "").strip())

    # --- layout -----------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        return self._bytes(KEY_GEOMETRY)

    def window_state(self) -> QByteArray | None:
        return self._bytes(KEY_STATE)

    def splitter_state(self) -> QByteArray | None:
        return self._bytes(KEY_SPLITTER)

    def save_layout(
        self, geometry: QByteArray, state: QByteArray, splitter: QByteArray | None
    ) -> None:
        self.qsettings.setValue(KEY_GEOMETRY, geometry)
        self.qsettings.setValue(KEY_STATE, state)
        if splitter is not None:  # None: the work area was never built this time
            self.qsettings.setValue(KEY_SPLITTER, splitter)
        self.qsettings.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, (bytes, bytearray)) and value:
            return QByteArray(bytes(value))
        return None

    def sync(self) -> None:
        self.qsettings.sync()
