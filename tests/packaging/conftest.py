"""Helpers for the packaging tests: the repository root and the scripts in packaging/.

``packaging/`` is not a Python package on purpose (the name would shadow the PyPI
``packaging`` library), so its scripts are loaded by file path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGING_DIR = REPO_ROOT / "packaging"


def _load(name: str):
    module_name = f"_hyoka_packaging_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, PACKAGING_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def packaging_module():
    """``packaging_module("bundle_rules")`` → the module loaded from packaging/bundle_rules.py."""
    return _load
