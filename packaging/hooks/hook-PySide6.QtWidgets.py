"""Replaces PyInstaller's hook for PySide6.QtWidgets: the same collection, less the Qt plugins,
libraries and translations this app leaves out (see packaging/bundle_rules.py)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "_hyoka_bundle_rules", Path(__file__).resolve().parent.parent / "bundle_rules.py"
)
_rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rules)

hiddenimports, binaries, datas = _rules.filtered_qt_dependencies(__file__)
