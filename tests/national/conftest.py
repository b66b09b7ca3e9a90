"""Synthetic national results workbooks, written once per test session (they take ~0.3 s)."""

from __future__ import annotations

import pytest

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
