"""The import preview's figures (desktop/scoring/effect.py) on the golden catalog: which
grants are listed, the sign and size of each change, and estimates counted as 見込み."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.catalog.loader import load_catalog
from desktop.catalog.model import MET, NOT_MET
from desktop.scoring import score
from desktop.scoring.effect import ScoreEffect, signed

GOLDEN = Path(__file__).resolve().parent.parent / "catalog" / "data" / "golden.yaml"


@pytest.fixture(scope="module")
def golden():
    return load_catalog(GOLDEN)


def effect(catalog, before: dict, after: dict) -> ScoreEffect:
    return ScoreEffect(score(catalog, before), score(catalog, after))


def test_a_lost_answer_shows_the_grant_going_down(golden):
    change = effect(golden, {"big.a": MET, "checks.a": MET}, {"big.a": NOT_MET, "checks.a": MET})
    assert change.grant_lines() == ["交付金2 80点 → 0点（−80点）"]
    assert change.item_delta(golden, "big.a") == -80
    assert change.total_line() == ("合計 自己評価 81点 → 1点（−80点）・見込み 81点 → 1点（−80点）")


def test_an_estimate_counts_by_its_projected_points(golden):
    change = effect(golden, {}, {"tiers.tier": "エ"})
    assert change.item_delta(golden, "tiers.tier") == 12
    assert change.total_line() == "合計 自己評価 0点 → 0点（±0点）・見込み 0点 → 12点（+12点）"
    # the grant is listed with its 見込み, which moves although its 自己評価 does not
    assert change.grant_lines() == ["交付金1 0点 → 0点（±0点）・見込み 0点 → 12点（+12点）"]


def test_one_point_is_shown_with_its_sign(golden):
    change = effect(golden, {}, {"checks.a": MET})
    assert change.item_delta(golden, "checks.a") == 1
    assert change.grant_lines() == ["交付金1 0点 → 1点（+1点）"]
    assert (signed(1), signed(-1)) == ("+1", "−1")
