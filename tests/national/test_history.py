"""Three years of one municipality, joined by 通し番号 and the crosswalks."""

from __future__ import annotations

from desktop.national.history import (
    DECLINED,
    FULL_EVERY_YEAR,
    IMPROVED,
    ZERO_EVERY_YEAR,
    item_history,
)
from desktop.national.reader import read_national


def test_history_follows_serial_and_crosswalks(national_r6, national_r7, national_r8):
    datasets = [read_national(i.path) for i in (national_r6, national_r7, national_r8)]
    serial = 5
    history = {h.item_id: h for h in item_history(datasets, serial)}
    key = "suishin.I.process.features.a"  # the same id in all three years
    truth = [
        i.municipalities[serial - 1].points[key] for i in (national_r6, national_r7, national_r8)
    ]
    h = history[key]
    assert [h.points[y] for y in (2024, 2025, 2026)] == truth
    expected = (
        ZERO_EVERY_YEAR
        if truth == [0, 0, 0]
        else FULL_EVERY_YEAR
        if truth == [4, 4, 4]
        else IMPROVED
        if truth[-1] > truth[0]
        else DECLINED
        if truth[-1] < truth[0]
        else "変化なし"
    )
    assert h.trend == expected
    # 推進Ⅱ-2 ア was three columns in R6 and one all-of item from R7: no R6 history.
    merged = history["suishin.II.process.optimization-programs.a"]
    assert set(merged.points) == {2025, 2026}
