"""What answer changes are worth: per sub-item and for the totals."""

from desktop.scoring.effect import ScoreEffect, signed
from desktop.scoring.engine import score

FEATURES = "suishin.I.process.features"


def test_item_deltas_and_total_line(r8):
    before = score(r8, {f"{FEATURES}.a": "該当"})
    after = score(r8, {f"{FEATURES}.b": "該当"})
    effect = ScoreEffect(before, after)
    assert effect.item_delta(r8, f"{FEATURES}.a") == -4
    assert effect.item_delta(r8, f"{FEATURES}.b") == 4
    assert effect.item_delta(r8, f"{FEATURES}.c") == 0
    assert effect.total_line() == "合計 自己評価 4点 → 4点（±0点）・見込み 4点 → 4点（±0点）"
    assert effect.grant_lines() == []


def test_a_part_counts_through_its_item(r8):
    item = next(i for i in r8.all_items() if i.rule == "all_of")
    parts = {part.id: "該当" for part in item.parts}
    effect = ScoreEffect(score(r8, {}), score(r8, parts))
    first = item.parts[0].id
    assert effect.item_delta(r8, first) == item.points
    assert effect.grant_lines()[0].endswith(f"（+{item.points}点）")


def test_signed_uses_a_real_minus_sign():
    assert (signed(3), signed(-2), signed(0)) == ("+3", "−2", "±0")
