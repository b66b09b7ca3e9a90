"""Synthetic national results workbooks, written once per test session (they take ~0.3 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import paths
from desktop.catalog import registry
from desktop.evaluation.session import create_evaluation
from desktop.national.library import NationalLibrary
from desktop.national.reader import read_national
from desktop.store import EvaluationFile
from tests.national.synthetic import make_workbook


@pytest.fixture(scope="session")
def national_r8(tmp_path_factory):
    return make_workbook(
        tmp_path_factory.mktemp("national") / "r8.xlsx", year=2026, count=80, seed=8
    )


@pytest.fixture(scope="session")
def national_r7(tmp_path_factory):
    return make_workbook(
        tmp_path_factory.mktemp("national") / "r7.xlsx", year=2025, count=80, seed=7
    )


@pytest.fixture(scope="session")
def national_r6(tmp_path_factory):
    return make_workbook(
        tmp_path_factory.mktemp("national") / "r6.xlsx", year=2024, count=80, seed=6
    )


@pytest.fixture
def picked_session(tmp_path, national_r8):
    """An R8 evaluation with the R8 results imported beside it and municipality 3 picked."""
    catalog = registry.for_year(2026)
    dataset = read_national(national_r8.path)
    me = dataset.municipalities[3]
    store = EvaluationFile.open(tmp_path / "town.sqlite", user="t")
    session = create_evaluation(store, catalog)
    with NationalLibrary.open(paths.national_library_path(store.path)) as library:
        library.store(dataset)
        library.set_picked(str(Path(store.path).resolve()), me.serial, me.prefecture, me.name)
    yield session, dataset, me
    store.close()
