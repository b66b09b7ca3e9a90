"""What the score tree shows above the sub-items: statuses, answer counts, national averages,
the JSON form of `hyoka-desk show --json`, rates and the tree's accessors.

Two catalogs: the golden one (one indicator per rule kind, a common goal and a frame) and
tests/scoring/data/details.yaml (national averages printed at some levels, no common goal).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.catalog.loader import load_catalog, load_catalog_text
from desktop.catalog.model import ALL_OF, MET, NONE_OPTION, NOT_MET, OPTION_RULES
from desktop.scoring import score
from desktop.scoring import tree as T
from desktop.scoring.tree import ScoreNode

HERE = Path(__file__).resolve().parent
GOLDEN = HERE.parent / "catalog" / "data" / "golden.yaml"
DETAILS = HERE / "data" / "details.yaml"


@pytest.fixture(scope="module")
def golden():
    return load_catalog(GOLDEN)


@pytest.fixture(scope="module")
def details():
    return load_catalog(DETAILS)


def self_assessed_answers(catalog, met: bool) -> dict[str, str]:
    """Every self-assessed target answered: all met (best option) or all not met (なし)."""
    answers = {}
    for item in catalog.all_items():
        if item.state_scored:
            continue
        if item.rule == ALL_OF:
            answers.update({part.id: MET if met else NOT_MET for part in item.parts})
        elif item.rule in OPTION_RULES:
            answers[item.id] = item.options[-1].label if met else NONE_OPTION
        else:
            answers[item.id] = MET if met else NOT_MET
    return answers


def counts(node: ScoreNode) -> tuple[int, int, int, int]:
    return node.answered, node.answerable, node.estimated, node.estimable


# --- answer counts (回答 n/m, 見込み入力 n/m) --------------------------------------------
def test_answer_and_estimate_counts_at_every_level(golden):
    tree = score(
        golden,
        {
            "checks.a": MET,
            "checks.b": NOT_MET,
            "allof.a.p1": MET,
            "tiers.tier": "ア",
            "best.b": "イ①",
        },
    )
    expected = {
        "checks": (2, 4, 0, 0),
        "allof": (0, 1, 0, 0),  # one part of three answered: the item is not answered yet
        "tiers": (0, 0, 1, 1),
        "series": (0, 0, 0, 2),
        "g1.I.process": (2, 16, 0, 0),
        "g1.I.activity": (0, 0, 1, 3),
        "g1.I": (2, 16, 1, 3),
        "common.IV": (0, 0, 1, 2),
        "g1": (2, 16, 2, 5),
        "g2": (0, 1, 1, 2),
        "frame": (0, 0, 0, 1),
    }
    assert {node_id: counts(tree.node(node_id)) for node_id in expected} == expected
    assert (tree.root.answered, tree.root.answerable) == (2, 17)


def test_a_sub_item_counts_once_whatever_it_scores(golden):
    tree = score(golden, {"count.b": NONE_OPTION, "choice.x": "イ", "tiers.tier": NONE_OPTION})
    assert counts(tree.node("count.b")) == (1, 1, 0, 0)
    assert counts(tree.node("choice.x")) == (1, 1, 0, 0)
    assert counts(tree.node("tiers.tier")) == (0, 0, 1, 1)
    assert counts(tree.node("checks.a")) == (0, 1, 0, 0)
    assert counts(tree.node("series.a")) == (0, 0, 0, 1)


def test_a_complete_node_is_complete(golden):
    tree = score(golden, self_assessed_answers(golden, met=False))
    assert tree.node("g1.I.process").is_complete
    assert tree.root.is_complete
    assert not score(golden, {}).node("g1.I.process").is_complete


# --- statuses above the sub-items -----------------------------------------------------
def test_statuses_of_indicators(golden, details):
    tree = score(golden, {"checks.a": MET, "checks.b": MET, "checks.c": NOT_MET})
    assert tree.node("checks").status == T.UNANSWERED  # ア, イ met but エ not answered yet
    tree = score(
        golden, {"checks.a": MET, "checks.b": NOT_MET, "checks.c": NOT_MET, "checks.d": NOT_MET}
    )
    assert tree.node("checks").status == T.SCORED
    tree = score(golden, {f"checks.{x}": NOT_MET for x in "abcd"})
    assert tree.node("checks").status == T.NOT_MET
    assert tree.node("tiers").status == T.STATE_SCORED  # no estimate entered: still the state's
    tree = score(details, {"base.a": MET, "base.b": NOT_MET})
    assert tree.node("base").points == 1 and tree.node("base").status == T.SCORED


def test_statuses_of_groups_goals_grants_and_total(golden):
    assert score(golden, {}).node("g1.I.activity").status == T.STATE_SCORED
    assert score(golden, {"tiers.tier": "エ"}).node("common.IV").status == T.STATE_SCORED

    nothing_met = score(golden, self_assessed_answers(golden, met=False))
    for node_id in ("g1.I.process", "g1.I", "g1", "g2", "total"):
        assert nothing_met.node(node_id).status == T.NOT_MET, node_id
    # a 見込み alone does not make a complete self-assessment "scored"
    estimate_only = score(golden, self_assessed_answers(golden, met=False) | {"best.a": "ア④"})
    assert estimate_only.node("g2").projected_points == 20
    assert estimate_only.node("g2").status == T.NOT_MET

    all_met = score(golden, self_assessed_answers(golden, met=True))
    for node_id in ("g1.I.process", "g1.I", "g1", "g2", "total"):
        assert all_met.node(node_id).status == T.SCORED, node_id

    partly = score(golden, self_assessed_answers(golden, met=True) | {"big.a": None})
    assert partly.node("g2").status == T.UNANSWERED
    assert partly.root.status == T.UNANSWERED
    assert partly.node("g1").status == T.SCORED


def test_one_point_is_enough_to_be_scored(details):
    answers = self_assessed_answers(details, met=False) | {"base.a": MET}
    tree = score(details, answers)
    for node_id in ("base", "ga.I.process", "ga.I", "ga"):
        assert tree.node(node_id).points == 1, node_id
        assert tree.node(node_id).status == T.SCORED, node_id
    assert tree.node("gb").status == T.NOT_MET


def test_an_indicator_without_sub_items_scores_nothing():
    text = DETAILS.read_text(encoding="utf-8").replace(
        "                max: 20\n                items:\n"
        "                  - {id: misc.a, label: ア, points: 20}\n",
        "                max: 20\n                combine: best_of\n                items: []\n",
    )
    tree = score(load_catalog_text(text), {})
    misc = tree.node("misc")
    assert misc.children == []
    assert (misc.points, misc.projected_points) == (0, 0)
    assert misc.status == T.NOT_MET


# --- national averages ----------------------------------------------------------------
def test_national_averages_are_printed_or_summed_from_the_children(details):
    tree = score(details, {})
    expected = {
        # node: (average, summed from the children?)
        "base": (6.504, False),
        "ga.I.process": (6.504 + 3.25, True),  # none printed
        "ga.I.activity": (4.0, False),  # printed, although its indicator says 3.0
        "ga.I": (6.504 + 3.25 + 4.0, True),
        "ga": (21.5, False),  # printed, although its goal sums to 13.754
        "gb.II": (8.5, False),  # printed, although its group says 7.0
        "gb": (8.5, True),
        "total": (21.5 + 8.5, True),
    }
    for node_id, (average, derived) in expected.items():
        node = tree.node(node_id)
        assert node.national_avg_points == pytest.approx(average), node_id
        assert node.national_avg_derived is derived, node_id
    assert tree.node("misc").national_avg_points is None


def test_no_average_is_summed_when_a_child_has_none(details):
    lines = DETAILS.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = ("national_avg: 4.0", "national_avg: 3.0")  # the activity group and its indicator
    text = "".join(line for line in lines if not line.strip().startswith(removed))
    tree = score(load_catalog_text(text), {})
    assert tree.node("ga.I.activity").national_avg_points is None
    assert tree.node("ga.I").national_avg_points is None
    assert not tree.node("ga.I").national_avg_derived
    assert tree.node("ga").national_avg_points == 21.5  # printed


def test_a_frame_sums_no_average_from_its_indicators():
    text = GOLDEN.read_text(encoding="utf-8").replace(
        "        title: 別枠の取組\n", "        title: 別枠の取組\n        national_avg: 20.0\n"
    )
    tree = score(load_catalog_text(text), {})
    assert tree.node("frame.efforts").national_avg_points == 20.0
    assert tree.node("frame").national_avg_points is None
    assert not tree.node("frame").national_avg_derived


def test_a_printed_national_total_is_kept(details):
    text = DETAILS.read_text(encoding="utf-8").replace(
        "total_max: 60\n", "total_max: 60\nnational_avg: 33.3\n"
    )
    tree = score(load_catalog_text(text), {})
    assert tree.root.national_avg_points == 33.3
    assert not tree.root.national_avg_derived


def test_rates(details):
    tree = score(details, {"base.a": MET, "base.b": MET, "rank.tier": "ア"})
    base, activity = tree.node("base"), tree.node("ga.I.activity")
    assert (base.rate, base.projected_rate, base.national_avg_rate) == pytest.approx(
        (1.0, 1.0, 0.6504)
    )
    assert base.lost_points == 0
    assert (activity.rate, activity.projected_rate, activity.national_avg_rate) == pytest.approx(
        (0.0, 0.5, 0.4)
    )
    assert activity.lost_points == 10
    assert tree.node("misc").national_avg_rate is None
    nothing = ScoreNode(
        level=T.ITEM, id="x", label="ア", title="", max_points=0, national_avg_points=1.0
    )
    assert (nothing.rate, nothing.projected_rate, nothing.national_avg_rate) == (None,) * 3


# --- the tree's accessors -------------------------------------------------------------
def test_walk_visits_every_node_depth_first(details, golden):
    tree = score(details, {})
    assert [node.id for node in tree.root.walk()] == [
        "total",
        "ga",
        "ga.I",
        "ga.I.process",
        "base",
        "base.a",
        "base.b",
        "follow",
        "follow.a",
        "follow.b",
        "ga.I.activity",
        "rank",
        "rank.tier",
        "gb",
        "gb.II",
        "gb.II.process",
        "misc",
        "misc.a",
    ]
    assert [node.id for node in tree.node("follow").walk()] == ["follow", "follow.a", "follow.b"]
    shared = [node.id for node in score(golden, {}).root.walk() if node.id == "common.IV"]
    assert shared == ["common.IV", "common.IV"]  # once under each grant


def test_tree_lookups(details, golden):
    tree = score(details, {})
    assert tree.get("base") is tree.node("base")
    assert tree.get("no.such.id") is None
    with pytest.raises(KeyError):
        tree.node("no.such.id")
    assert sorted(node.id for node in tree.items()) == sorted(
        item.id for item in details.all_items()
    )
    assert [grant.id for grant in tree.grants] == ["ga", "gb"]
    assert tree.frames == []
    golden_tree = score(golden, {})
    assert [grant.id for grant in golden_tree.grants] == ["g1", "g2"]
    assert [frame.id for frame in golden_tree.frames] == ["frame"]


def test_each_node_keeps_its_catalog_object(details, golden):
    tree = score(details, {})
    grant = details.grants[0]
    goal = grant.goals[0]
    group = goal.groups[0]
    indicator = group.indicators[0]
    assert tree.node("ga").source is grant
    assert tree.node("ga.I").source is goal
    assert tree.node("ga.I.process").source is group
    assert tree.node("base").source is indicator
    assert tree.node("base.a").source is indicator.items[0]
    assert score(golden, {}).node("frame").source is golden.frames[0]
    assert score(golden, {}).node("common.IV").source is golden.common


# --- `hyoka-desk show --json` -----------------------------------------------------------
def without_children(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "children"}


def test_json_of_the_total_grants_goals_and_groups(details):
    tree = score(details, {"base.a": MET, "base.b": NOT_MET})
    data = tree.root.to_dict()
    assert without_children(data) == {
        "level": "total",
        "id": "total",
        "label": "合計",
        "title": "令和8年度 合計（60点満点）",
        "points": 1,
        "projected_points": 1,
        "max_points": 60,
        "status": "unanswered",
        "answered": 2,
        "answerable": 5,
        "national_avg_points": 30.0,
        "national_avg_derived": True,
    }
    grant = data["children"][0]
    assert without_children(grant) == {
        "level": "grant",
        "id": "ga",
        "label": "交付金A",
        "title": "交付金Aの正式名",
        "points": 1,
        "projected_points": 1,
        "max_points": 40,
        "status": "unanswered",
        "grant": "ga",
        "answered": 2,
        "answerable": 4,
        "national_avg_points": 21.5,
    }
    goal = grant["children"][0]
    assert without_children(goal) == {
        "level": "goal",
        "id": "ga.I",
        "label": "目標Ⅰ",
        "title": "一つ目の目標",
        "points": 1,
        "projected_points": 1,
        "max_points": 40,
        "status": "unanswered",
        "grant": "ga",
        "goal": "I",
        "answered": 2,
        "answerable": 4,
        "national_avg_points": 13.75,
        "national_avg_derived": True,  # 13.754 rounded
    }
    group = goal["children"][0]
    assert without_children(group) == {
        "level": "group",
        "id": "ga.I.process",
        "label": "体制・取組指標群",
        "title": "体制・取組指標群",
        "points": 1,
        "projected_points": 1,
        "max_points": 30,
        "status": "unanswered",
        "grant": "ga",
        "goal": "I",
        "group": "process",
        "answered": 2,
        "answerable": 4,
        "national_avg_points": 9.75,
        "national_avg_derived": True,
    }
    assert [child["id"] for child in group["children"]] == ["base", "follow"]
    assert [child["id"] for child in data["children"]] == ["ga", "gb"]
    assert "grant" not in without_children(data)


def test_json_of_an_indicator_and_its_sub_items(details):
    tree = score(details, {"base.a": MET, "base.b": NOT_MET, "follow.a": MET, "rank.tier": "イ"})
    base = tree.node("base").to_dict()
    assert without_children(base) == {
        "level": "indicator",
        "id": "base",
        "label": "1",
        "title": "前提となる取組",
        "points": 1,
        "projected_points": 1,
        "max_points": 10,
        "status": "scored",
        "answered": 2,
        "answerable": 2,
        "national_avg_points": 6.5,  # 6.504 rounded
    }
    assert base["children"][0] == {
        "level": "item",
        "id": "base.a",
        "label": "ア",
        "title": "計画を策定している。",
        "points": 1,
        "projected_points": 1,
        "max_points": 1,
        "status": "scored",
        "rule": "check",
        "answer": "該当",
        "allowed": [{"value": "該当", "points": 1}, {"value": "非該当", "points": 0}],
        "state_scored": False,
        "national_rate_pct": 95.5,
        "children": [],
    }
    assert base["children"][1]["title"] == "参考の短い説明"  # no wording: the hint
    assert tree.node("misc.a").to_dict()["title"] == ""  # neither
    assert "national_rate_pct" not in base["children"][1]
    follow_a = tree.node("follow.a").to_dict()
    assert follow_a["status"] == "scored" and "reason" not in follow_a
    tier = tree.node("rank.tier").to_dict()
    assert without_children(tier) == {
        "level": "item",
        "id": "rank.tier",
        "label": "ア〜イ",
        "title": "",
        "points": 0,
        "projected_points": 10,
        "max_points": 10,
        "status": "state_scored",
        "rule": "tiers",
        "answer": "イ",
        "allowed": [
            {"value": "なし", "points": 0},
            {"value": "ア", "points": 5},
            {"value": "イ", "points": 10},
        ],
        "state_scored": True,
    }
    blocked = score(details, {"follow.a": MET}).node("follow.a").to_dict()
    assert blocked["status"] == "blocked"
    assert blocked["reason"] == "前提となる 1-ア が該当していないため 0 点です。"


def test_json_of_the_common_goal_the_frame_and_all_of_parts(golden):
    tree = score(golden, {"allof.a.p1": MET, "allof.a.p2": NOT_MET, "frame.efforts.points": "30"})
    common = tree.node("common.IV").to_dict()
    assert common["grant"] == "common" and common["goal"] == "IV"
    frame = without_children(tree.node("frame").to_dict())
    assert frame == {
        "level": "group",
        "id": "frame",
        "label": "別枠",
        "title": "別枠（50点・200点とは別枠）",
        "points": 0,
        "projected_points": 30,
        "max_points": 50,
        "status": "state_scored",
        "grant": "g1",
        "group": "outcome_oriented_frame",
        "outside_total": True,
        "answered": 0,
        "answerable": 0,
    }
    allof = tree.node("allof.a").to_dict()
    assert allof["parts"] == [
        {"id": "allof.a.p1", "label": "①", "answer": "該当"},
        {"id": "allof.a.p2", "label": "②", "answer": "非該当"},
        {"id": "allof.a.p3", "label": "③", "answer": None},
    ]
    assert allof["answer"] == "非該当" and allof["rule"] == "all_of"
    assert "parts" not in tree.node("checks.a").to_dict()
    assert "outside_total" not in tree.node("g1").to_dict()
