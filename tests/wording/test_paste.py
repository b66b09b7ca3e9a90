"""Pasting the ministry's text: split by markers, page furniture dropped, lines joined."""

from __future__ import annotations

import pytest

from desktop.wording.document import place_document
from desktop.wording.paste import join_lines, place_block, split_block
from desktop.wording.text import normalize_text

SHARING = "suishin.I.process.results-sharing"
OFFICIAL = {
    "a": "年に１回以上、評価結果を庁内の関係者間で説明・共有する場がある",
    "b": "アの場には、庁内のみならず、外部の関係者が参画している",
    "c": "アの場における意見を、施策の改善・見直し等に活用している",
    "d": "市町村において全ての評価結果を公表している",
}

# As a PDF hands it over: the title broken, a sentence broken, a running header and a
# page number between two sub-items, four marker styles, a radical look-alike (⽤ ⼀).
PDF_SHAPED = """４ 保険者機能強化推進交付金等に係る評価結果を関係者間で共有し、自立支援、
重度化防止等に関する施策の遂行に活用しているか。
ア　年に１回以上、評価結果を庁内の関係者間で説明・共
有する場がある
令和８年度 保険者機能強化推進交付金 評価指標（市町村分）
- 12 -
イ．アの場には、庁内のみならず、外部の関係者が参画している
令和８年度 保険者機能強化推進交付金 評価指標（市町村分）
（ウ）アの場における意見を、施策の改善・見直し等に活⽤している
ｴ) 市町村において全ての評価結果を公表している
13
"""


def test_a_pdf_shaped_block_gives_each_sub_item_its_official_text(r8):
    paste = place_block(r8.indicator(SHARING), PDF_SHAPED)
    assert paste.texts == {f"{SHARING}.{k}": v for k, v in OFFICIAL.items()}
    assert paste.unplaced == [] and paste.missing == []


@pytest.mark.parametrize(
    "line",
    ["ア 文", "ア　文", "ア．文", "ア.文", "ア）文", "(ア)文", "（ア） 文", "ｱ 文", "ア、文"],
)
def test_every_marker_style_starts_a_sub_item(line):
    block = split_block(f"{line}\nイ 次")
    assert [(s.label, s.text) for s in block.segments] == [("ア", "文"), ("イ", "次")]


def test_a_letter_in_a_sentence_is_no_marker_and_circled_numbers_follow_their_letter():
    block = split_block("アの場には外部の人がいる\nイ 相談\n①窓口\n② 周知\nウ 研修")
    assert block.preamble == ["アの場には外部の人がいる"]
    assert [s.label for s in block.segments] == ["イ", "イ①", "イ②", "ウ"]
    assert block.segments[1].text == "窓口"


def test_lines_are_joined_without_spaces_in_japanese_and_with_one_in_latin():
    assert join_lines(["関係者間で説明・共", "有する場がある"]) == "関係者間で説明・共有する場がある"
    assert join_lines(["ICT and", "AI"]) == "ICT and AI"


def test_radical_look_alikes_are_folded_but_official_characters_stay():
    assert normalize_text("⽂⾔と⻄の⽇") == "文言と西の日"
    # A full NFKC would change these; the official text keeps them.
    assert normalize_text("年に１回以上（①）") == "年に１回以上（①）"


def test_what_belongs_to_no_sub_item_is_shown_not_dropped(r8):
    paste = place_block(
        r8.indicator(SHARING), "共通の注意書きです。\nア 一つ目\nカ 六つ目はこの指標にない\n"
    )
    assert paste.texts == {f"{SHARING}.a": "一つ目"}
    assert paste.unplaced == ["共通の注意書きです。", "カ 六つ目はこの指標にない"]
    assert paste.missing == ["イ", "ウ", "エ"]


def test_a_short_repeated_piece_of_a_sentence_is_not_taken_for_a_header():
    block = split_block("ア 場を設けて\nいる\nイ 公表して\nいる")
    assert [s.text for s in block.segments] == ["場を設けている", "公表している"]


def test_the_whole_document_finds_each_indicator_by_its_title_in_order(r8):
    features = r8.indicator("suishin.I.process.features")
    progress = r8.indicator("suishin.I.process.plan-progress")
    header = "令和８年度 評価指標（市町村分） 保険者機能強化推進交付金"
    document = "\n".join(
        [
            header,
            "目標Ⅰ 持続可能な地域のあるべき姿をかたちにする",
            "（ⅰ）体制・取組指標群",
            f"1 {features.title[:10]}",
            features.title[10:],
            "ア 特徴一",
            "イ 特徴二",
            "- 1 -",
            header,
            "2",
            progress.title,
            "ア 進捗一",
            "エ 進捗四",
            "- 2 -",
            header,
            f"4 {r8.indicator(SHARING).title}",
            *PDF_SHAPED.splitlines()[2:],
        ]
    )
    result = place_document(r8, document)
    texts = result.texts
    assert texts[f"{features.id}.a"] == "特徴一"
    assert texts[f"{features.id}.b"] == "特徴二"
    assert texts[f"{progress.id}.a"] == "進捗一"
    assert texts[f"{progress.id}.d"] == "進捗四"
    for key, value in OFFICIAL.items():
        assert texts[f"{SHARING}.{key}"] == value
    found = [paste.indicator.id for paste in result.found]
    assert found[:3] == [features.id, progress.id, SHARING]
    assert r8.indicator("suishin.I.process.measures-review") in result.not_found
    assert all(not p.unplaced for p in result.found[:3]), [p.unplaced for p in result.found]


def test_a_text_over_the_limit_is_kept_whole_and_refused_when_saved(r8, session_r8):
    """Never cut silently: the preview shows the whole text, and saving says it is too long."""
    from desktop.store.errors import InvalidInput
    from desktop.text_limits import TEXT_LIMIT

    long_text = "評" * (TEXT_LIMIT + 5)
    paste = place_block(r8.indicator(SHARING), f"ア　{long_text}\nイ　{OFFICIAL['b']}\n")
    assert paste.texts[f"{SHARING}.a"] == long_text
    with pytest.raises(InvalidInput, match=f"公式文言は {TEXT_LIMIT}文字まで"):
        session_r8.set_item_texts(paste.texts, kind="pasted")
    assert session_r8.item_texts() == {}


# A page break inside one indicator: the header of the next page appears only once in
# the pasted block, so it does not repeat; it must still not be glued onto ア's text.
ONE_PAGE_BREAK = """ア　年に１回以上、評価結果を庁内の関係者間で説明・共
有する場がある
- 12 -
令和８年度 保険者機能強化推進交付金・介護保険保険者努力支援交付金 評価指標（市町村分）
イ．アの場には、庁内のみならず、外部の関係者が参画している
ウ アの場における意見を、施策の改善・見直し等に活用している
目標Ⅱ 公正・公平な給付を行う体制を構築する
エ 市町村において全ての評価結果を公表している
"""


def test_a_running_header_seen_once_is_dropped_and_listed_not_glued(r8):
    paste = place_block(r8.indicator(SHARING), ONE_PAGE_BREAK)
    assert paste.texts == {f"{SHARING}.{k}": v for k, v in OFFICIAL.items()}
    assert paste.unplaced == []
    assert paste.dropped == [
        "- 12 -",
        "令和８年度 保険者機能強化推進交付金・介護保険保険者努力支援交付金 評価指標（市町村分）",
        "目標Ⅱ 公正・公平な給付を行う体制を構築する",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "令和８年度評価指標（市町村分）",
        "保険者機能強化推進交付金及び介護保険保険者努力支援交付金に係る評価指標（市町村分）",
        "（ⅰ）体制・取組指標群",
        "別添１　令和8年度 評価指標 3",
        "令和８年度 保険者機能強化推進交付金",
    ],
)
def test_header_lines_are_recognised_by_what_they_say(line):
    block = split_block(f"ア 場を設けている\n{line}\nイ 公表している")
    assert [s.text for s in block.segments] == ["場を設けている", "公表している"]
    assert block.dropped == [line]


@pytest.mark.parametrize(
    "line",
    [
        "保険者機能強化推進交付金等に係る評価結果を公表している",
        "評価指標を設定している",
        "令和８年度中に実施予定である",
        "保険者機能強化推進交付金等に係る",  # a piece of a title broken by the PDF
        "令和８年度",
    ],
)
def test_a_sentence_that_names_the_grant_or_a_year_stays(line):
    block = split_block(f"ア 次のとおり\n{line}")
    assert block.segments[0].text == f"次のとおり{line}"
    assert block.dropped == []


def test_the_preview_lists_what_was_dropped(r8):
    from desktop.wording.document import preview_lines

    paste = place_block(r8.indicator(SHARING), ONE_PAGE_BREAK)
    lines = preview_lines(r8, [paste], [])
    assert (
        "  除いた行（ページ番号・見出しなど）: "
        "「令和８年度 保険者機能強化推進交付金・介護保険保険者努力支援交付金 評価指標（市町村分）」、"
        "「目標Ⅱ 公正・公平な給付を行う体制を構築する」、ページ番号 1件"
    ) in lines


# --- tier items: sub-items answered by a tier (ア 上位7割 …) -----------------------------
APPEAL = "suishin.III.activity.appeal-training"
KAYOI = "shien.I.activity.kayoi-participation"


def test_a_tier_item_takes_the_description_and_lists_the_tier_definitions_unused(r8):
    indicator = r8.indicator(APPEAL)
    block = "\n".join(
        [
            f"1 {indicator.title[:20]}",
            indicator.title[20:],
            "高齢者人口１万人当たりの、介護の仕事の魅力を伝える研修",
            "の修了者数（前年度の実績）",
            "ア　実績がある",
            "イ　アのうち上位５割",
            "ウ　アのうち上位３割",
            "エ　アのうち上位１割",
        ]
    )
    paste = place_block(indicator, block)
    assert paste.texts == {
        f"{APPEAL}.tier": "高齢者人口１万人当たりの、介護の仕事の魅力を伝える研修の修了者数（前年度の実績）"
    }
    assert [p.label for p in paste.placements] == ["ア〜エ"]
    assert paste.definitions == [
        "ア 実績がある",
        "イ アのうち上位５割",
        "ウ アのうち上位３割",
        "エ アのうち上位１割",
    ]
    assert paste.unplaced == [] and paste.missing == []


def test_tier_items_with_their_own_letter_keep_their_text_and_list_the_tiers(r8):
    block = (
        "ア 通いの場への65歳以上の参加率\n① 上位７割\n② 上位５割\n"
        "イ 週１回以上の通いの場への参加率\n①上位７割\n④ 上位１割\n"
    )
    paste = place_block(r8.indicator(KAYOI), block)
    assert paste.texts == {
        f"{KAYOI}.a": "通いの場への65歳以上の参加率",
        f"{KAYOI}.b": "週１回以上の通いの場への参加率",
    }
    assert paste.definitions == ["ア① 上位７割", "ア② 上位５割", "イ① 上位７割", "イ④ 上位１割"]


def test_a_tier_item_without_a_description_is_missing_and_the_preview_says_what_was_unused(r8):
    from desktop.wording.document import preview_lines

    indicator = r8.indicator(APPEAL)
    paste = place_block(indicator, f"1 {indicator.title}\nア 実績がある\nイ 上位５割\n")
    assert paste.texts == {} and paste.missing == ["ア〜エ"]
    lines = preview_lines(r8, [paste], [])
    assert "  使わなかった段階の定義（各段階の内容は選択肢に表示）: ア 実績がある／イ 上位５割" in lines


def test_a_tier_item_named_by_its_only_tier_keeps_its_own_marker(r8):
    """総合事業 エ has the one tier エ: its text comes after 「エ」, not from the description."""
    diverse = "shien.I.activity.diverse-services-status"
    paste = place_block(r8.indicator(diverse), "説明の行\nエ 多様な活動を行っている\n")
    assert paste.texts[f"{diverse}.d"] == "多様な活動を行っている"
    assert paste.unplaced == ["説明の行"]


def test_a_title_broken_after_the_grant_name_is_still_found_in_the_document(r8):
    title = r8.indicator(SHARING).title
    cut = title.index("評価結果")
    document = f"令和８年度 評価指標（市町村分）\n4 {title[:cut]}\n{title[cut:]}\nア 場がある\n"
    result = place_document(r8, document)
    assert result.texts == {f"{SHARING}.a": "場がある"}
    assert result.dropped == ["令和８年度 評価指標（市町村分）"]
