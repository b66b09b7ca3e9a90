"""Without --db the app opens the last file used, or the embedded default."""

from __future__ import annotations

from PySide6.QtCore import QSettings

import desktop.ui.settings as settings_module
from desktop.ui import app as app_module


def use_settings(monkeypatch, path):
    original = settings_module.UiSettings

    def ini_settings(settings=None):
        return original(QSettings(str(path), QSettings.Format.IniFormat))

    monkeypatch.setattr(settings_module, "UiSettings", ini_settings)


def test_the_last_file_is_opened_when_it_still_exists(qapp, tmp_path, monkeypatch):
    use_settings(monkeypatch, tmp_path / "settings.ini")
    monkeypatch.setattr(app_module, "default_database_path", lambda: tmp_path / "default.sqlite")
    last = tmp_path / "前回.sqlite"
    last.write_bytes(b"")
    settings_module.UiSettings().qsettings.setValue(settings_module.KEY_LAST, str(last))
    assert app_module.startup_path() == last
    assert app_module.startup_path(remembered=False) == tmp_path / "default.sqlite"
    last.unlink()
    assert app_module.startup_path() == tmp_path / "default.sqlite"
