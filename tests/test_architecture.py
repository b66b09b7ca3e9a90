"""The layers of docs/architecture.md, checked on the source: who may import what.

Imports are read with ``ast`` (every import statement, also inside functions and
``if TYPE_CHECKING``), so a rule is broken by writing the import, not only by running it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

DESKTOP = Path(__file__).resolve().parents[1] / "desktop"

# Only desktop.evaluation (and the store itself) may open the store; these never do.
NO_STORE = ("ui", "workbook", "report", "national", "wording")
# The PDF entry point renders through Qt's printing; nothing else outside desktop/ui does.
QT_ALLOWED_OUTSIDE_UI = {"desktop/cli/report_commands.py"}
QT_FREE_PACKAGES = (
    "catalog",
    "scoring",
    "store",
    "evaluation",
    "workbook",
    "report",
    "records",
    "formats",
    "cli",
    "national",
    "wording",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(DESKTOP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement in ``path`` names (``from a import b`` names a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def sources(*packages: str) -> list[Path]:
    files: list[Path] = []
    for name in packages:
        folder = DESKTOP / name
        if folder.is_dir():
            files.extend(sorted(folder.rglob("*.py")))
        elif (DESKTOP / f"{name}.py").exists():
            files.append(DESKTOP / f"{name}.py")
    return files


def relative(path: Path) -> str:
    return path.relative_to(DESKTOP.parent).as_posix()


def test_imported_modules_sees_every_kind_of_import(tmp_path):
    sample = DESKTOP / "ui" / "__sample_for_test.py"
    try:
        sample.write_text(
            "import desktop.store.errors\n"
            "from desktop import store\n"
            "def later():\n"
            "    from ..store import backup\n",
            encoding="utf-8",
        )
        found = imported_modules(sample)
    finally:
        sample.unlink()
    assert {"desktop.store.errors", "desktop.store", "desktop.store.backup"} <= found


@pytest.mark.parametrize("package", NO_STORE)
def test_only_the_application_layer_reaches_the_store(package):
    offenders = {
        relative(path): sorted(m for m in imported_modules(path) if _is_store(m))
        for path in sources(package)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_store_is_private_to_the_application_layer():
    """Only desktop/evaluation opens the store (the store's own modules aside)."""
    # output_target.py only reads SQLite's file header constant, to never overwrite a database.
    allowed = {"desktop/output_target.py"}
    offenders = {}
    for path in sorted(DESKTOP.rglob("*.py")):
        where = relative(path)
        if where.startswith(("desktop/store/", "desktop/evaluation/")) or where in allowed:
            continue
        names = sorted(m for m in imported_modules(path) if _is_store(m))
        if names:
            offenders[where] = names
    assert offenders == {}


@pytest.mark.parametrize("package", (*NO_STORE, "cli"))
def test_sessions_are_used_through_their_methods_not_their_store(package):
    """``session.store.…`` (or ``document.store``) would be the store by another road: the
    session and the document have a method."""
    offenders = []
    for path in sources(package):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                owner = node.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name in ("session", "_session", "current_session", "document", "_document"):
                    offenders.append(f"{relative(path)}:{node.lineno}")
    assert offenders == []


def _is_store(module: str) -> bool:
    return module == "desktop.store" or module.startswith("desktop.store.")


def test_qt_is_imported_only_by_the_window():
    offenders = {}
    for path in sorted(DESKTOP.rglob("*.py")):
        if relative(path).startswith("desktop/ui/") or relative(path) in QT_ALLOWED_OUTSIDE_UI:
            continue
        qt = sorted(m for m in imported_modules(path) if m.split(".")[0] in ("PySide6", "shiboken6"))
        if qt:
            offenders[relative(path)] = qt
    assert offenders == {}


def test_the_qt_free_layers_load_without_qt():
    """Importing every module of the Qt-free layers (at run time) loads no Qt either."""
    modules = [
        module_name(path)
        for path in sources(*QT_FREE_PACKAGES)
        if relative(path) not in QT_ALLOWED_OUTSIDE_UI
    ]
    assert len(modules) > 50  # catalog, scoring, store, evaluation, workbook, report, cli …
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=DESKTOP.parent,
    )
    assert done.stdout.strip() == "[]"


MAX_MODULE_LINES = 600


def test_no_module_is_over_600_lines():
    """A module that long has more than one job: split it along them (docs/architecture.md)."""
    too_long = {
        relative(path): count
        for path in sorted(DESKTOP.rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}
