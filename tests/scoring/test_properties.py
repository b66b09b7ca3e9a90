"""Properties that must hold for any answers to any shipped catalog."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.catalog import registry
from desktop.catalog.model import ALL_OF, EXTERNAL
from desktop.scoring import score

CATALOGS = {c.year_code: c for c in registry.catalogs()}


def answer_targets(catalog):
    """(target id, values it accepts in increasing order of points) for every answerable target."""
    targets = []
    for item in catalog.all_items():
        if item.rule == ALL_OF:
            targets.extend((part.id, ["非該当", "該当"]) for part in item.parts)
        elif item.rule == EXTERNAL:
            targets.append((item.id, [str(n) for n in range(0, item.points + 1, 10)]))
        else:
            ranked = sorted(item.allowed_answers(), key=lambda pair: pair[1])
            targets.append((item.id, [value for value, _points in ranked]))
    return targets


TARGETS = {code: answer_targets(catalog) for code, catalog in CATALOGS.items()}


@st.composite
def answer_sets(draw, code):
    answers = {}
    for target, values in TARGETS[code]:
        choice = draw(st.integers(min_value=-1, max_value=len(values) - 1))
        if choice >= 0:
            answers[target] = values[choice]
    return answers


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.parametrize("code", sorted(CATALOGS))
def test_no_node_leaves_its_range(code):
    catalog = CATALOGS[code]

    @PROPERTY_SETTINGS
    @given(answer_sets(code))
    def check(answers):
        tree = score(catalog, answers)
        for node in tree.root.walk():
            assert 0 <= node.points <= node.max_points, node.id
            assert 0 <= node.projected_points <= node.max_points, node.id
            assert node.points <= node.projected_points, node.id

    check()


@pytest.mark.parametrize("code", sorted(CATALOGS))
def test_meeting_one_more_sub_item_never_lowers_a_total(code):
    catalog = CATALOGS[code]
    targets = TARGETS[code]

    @PROPERTY_SETTINGS
    @given(answer_sets(code), st.integers(min_value=0, max_value=len(targets) - 1))
    def check(answers, index):
        target, values = targets[index]
        current = answers.get(target)
        position = values.index(current) if current in values else -1
        if position == len(values) - 1:
            return  # already at its best
        better = dict(answers, **{target: values[position + 1]})
        before, after = score(catalog, answers), score(catalog, better)
        for node_id in (
            "total",
            "suishin",
            "shien",
            catalog.indicator_of(_item_of(catalog, target)).id,
        ):
            assert after.node(node_id).points >= before.node(node_id).points, node_id
            assert after.node(node_id).projected_points >= before.node(node_id).projected_points, (
                node_id
            )

    check()


def _item_of(catalog, target):
    if catalog.has_part(target):
        return catalog.part(target)[0].id
    return target


@pytest.mark.parametrize("code", sorted(CATALOGS))
def test_everything_met_scores_every_allocation(code):
    catalog = CATALOGS[code]
    best = {target: values[-1] for target, values in TARGETS[code]}
    tree = score(catalog, best)
    assert tree.root.projected_points == catalog.total_max
    process = sum(g.max_points for g in catalog.all_groups() if g.kind == "process")
    assert tree.root.points == process  # 目標Ⅳ has no process group, so it adds to 見込み only
    for frame in tree.frames:
        assert frame.projected_points == frame.max_points
