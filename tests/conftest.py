"""Shared test set-up: headless Qt, no network, a fresh evaluation file per test.

Set HYOKA_TEST_SHOW=1 to run the GUI tests on a real screen instead of offscreen.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

if not os.environ.get("HYOKA_TEST_SHOW"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("HYOKA_USER", "テスト担当")

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = REPO_ROOT / "catalogs"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test (the app must work offline)."""

    def refuse(self, address, *args, **kwargs):
        family = getattr(self, "family", None)
        if family == socket.AF_UNIX:
            return original_connect(self, address, *args, **kwargs)
        pytest.fail(f"テストがネットワークに接続しようとしました: {address!r}")

    original_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))


@pytest.fixture
def db_path(tmp_path) -> Path:
    """Where a fresh evaluation file may be created for this test."""
    return tmp_path / "評価.sqlite"


@pytest.fixture
def catalogs():
    from desktop.catalog import registry

    return {c.year_code: c for c in registry.catalogs()}


@pytest.fixture
def r8(catalogs):
    return catalogs["R8"]


@pytest.fixture
def r6(catalogs):
    return catalogs["R6"]


@pytest.fixture
def r7(catalogs):
    return catalogs["R7"]


@pytest.fixture
def store(db_path):
    from desktop.store import EvaluationFile

    opened = EvaluationFile.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def session_r8(store, r8):
    from desktop.evaluation.session import create_evaluation
    from desktop.records import Municipality

    return create_evaluation(
        store,
        r8,
        municipality=Municipality(
            name="北塩原村", code="073059", prefecture="福島県", insured=1000
        ),
    )
