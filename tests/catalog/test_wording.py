"""One rule for which text describes a sub-item, everywhere it is shown."""

from __future__ import annotations

import dataclasses

from desktop.catalog.wording import OFFICIAL, OWN, REFERENCE, sub_item_wording


def test_official_wording_wins_then_own_then_the_reference_hint(r8):
    item = r8.item("suishin.I.process.plan-progress.b")  # has a hint, no official wording
    assert sub_item_wording(item, None) == (item.hint, REFERENCE)
    assert sub_item_wording(item, "乖離の要因を外部と検証") == ("乖離の要因を外部と検証", OWN)
    official = dataclasses.replace(item, wording="公式の文言")
    assert sub_item_wording(official, "自分の文言") == ("公式の文言", OFFICIAL)
    bare = r8.item("suishin.I.process.features.a")  # neither hint nor wording
    assert sub_item_wording(bare, None) == (None, None)


def test_the_views_mark_only_the_hint_as_a_reference(r8):
    from desktop.report.wording import HINT_MARK, item_description
    from desktop.workbook.layout import item_content

    item = r8.item("suishin.I.process.plan-progress.b")
    assert item_content(item, {})[0] == ""  # the hint is never the workbook's wording
    assert item_content(item, {})[1].startswith("参考：")
    assert item_description(item, {}).startswith(HINT_MARK)
    own = {item.id: "自分たちの文言"}
    assert item_content(item, own) == ("自分たちの文言", "")
    assert item_description(item, own) == "自分たちの文言"
