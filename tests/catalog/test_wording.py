"""One rule for which text describes a sub-item, everywhere it is shown."""

from __future__ import annotations

import dataclasses

from desktop.catalog.wording import OFFICIAL, OWN, PASTED, REFERENCE, sub_item_wording


def test_official_wording_wins_then_own_then_the_reference_hint(r8):
    item = r8.item("suishin.I.process.plan-progress.b")  # has a hint, no official wording
    assert sub_item_wording(item, None) == (item.hint, REFERENCE)
    assert sub_item_wording(item, "乖離の要因を外部と検証") == ("乖離の要因を外部と検証", OWN)
    official = dataclasses.replace(item, wording="公式の文言")
    assert sub_item_wording(official, "自分の文言") == ("公式の文言", OFFICIAL)
    pasted = ("貼り付けた公式文言", PASTED)
    assert sub_item_wording(item, "自分の文言", pasted) == pasted  # before own and hint
    assert sub_item_wording(official, "自分の文言", pasted) == ("公式の文言", OFFICIAL)
    bare = r8.item("suishin.I.process.features.a")  # neither hint nor wording
    assert sub_item_wording(bare, None) == (None, None)


def test_the_views_always_show_the_source_as_a_small_mark(r8):
    from desktop.catalog.wording import TextLayers
    from desktop.report.wording import HINT_MARK, item_description, sub_item_title
    from desktop.workbook.layout import item_content

    item = r8.item("suishin.I.process.plan-progress.b")
    assert item_content(item, {})[0] == ""  # the hint is never the workbook's wording
    assert item_content(item, {})[1].startswith("〔参考〕")
    assert item_description(item, {}).startswith(HINT_MARK)
    own = {item.id: "自分たちの文言"}
    assert item_content(item, own) == ("〔要旨〕自分たちの文言", "")
    assert item_description(item, own) == "〔要旨〕自分たちの文言"
    layers = TextLayers(copies={item.id: ("国の文言", "pack")}, own=own)
    assert item_description(item, layers) == "〔公式・文言集〕国の文言"
    assert item_content(item, layers) == ("〔公式・文言集〕国の文言", "")
    official = r8.item("suishin.I.process.results-sharing.a")
    assert item_description(official, layers) == f"〔公式〕{official.wording}"
    # Out of context, a sub-item carries its indicator's number and full title.
    indicator = r8.indicator("suishin.I.process.plan-progress")
    assert sub_item_title(r8, item.id, layers) == (
        f"2 {indicator.title} イ 〔公式・文言集〕国の文言"
    )
