"""Starting an evaluation from the official result in the national dataset."""

from __future__ import annotations

from desktop.catalog import registry
from desktop.evaluation.document import Document
from desktop.evaluation.session import Session
from desktop.national.reader import read_national
from desktop.national.seed import apply_seed, official_answers, plan_seed
from desktop.records import Municipality
from desktop.store import EvaluationFile


def test_official_points_become_answers(national_r7):
    dataset = read_national(national_r7.path)
    catalog = registry.for_year(2025)
    m = dataset.municipalities[3]
    truth = national_r7.municipalities[3].points
    answers = official_answers(catalog, dataset, m)
    key = "suishin.I.process.features.a"
    assert answers[key] == ("該当" if truth[key] else "非該当")
    tier = catalog.item("suishin.I.activity.score-rank.tier")
    reached = [o.label for o in tier.options if truth[f"{tier.id}:{o.label}"]]
    assert answers[tier.id] == (reached[-1] if reached else "なし")


def test_seeding_r8_from_r7_through_the_crosswalk(tmp_path, national_r7):
    dataset = read_national(national_r7.path)
    target = registry.for_year(2026)
    m = dataset.municipalities[3]
    plan = plan_seed(target, dataset, m)
    assert plan.answers
    assert all(target.has_item(i) or target.has_part(i) for i in plan.answers)
    with Document.open(tmp_path / "town.sqlite", user="テスト") as document:
        session = apply_seed(
            document, plan, municipality=Municipality(m.name, m.insurer, m.prefecture)
        )
        assert session.answers() == plan.answers
        # Marked like carried answers: 要確認 until confirmed.
        assert session.carried_items() == set(plan.answers)
    with EvaluationFile.open(tmp_path / "town.sqlite", user="テスト", read_only=True) as store:
        session = Session.open(store, 2026)
        tree = session.score()
        assert tree.root.points > 0
        assert store.municipality().code == m.insurer


def _under(lines: list[str], heading: str) -> list[str]:
    """The indented lines under ``heading`` (up to the next heading)."""
    rest = lines[lines.index(heading) + 1 :]
    end = next((i for i, line in enumerate(rest) if not line.startswith("　")), len(rest))
    return rest[:end]


def test_the_preview_says_what_each_sub_item_will_be(national_r7):
    """Not only counts: per indicator, each sub-item with the answer it gets and the
    official points it comes from; then those left to answer again, with the reason."""
    from desktop.report.wording import indicator_reference

    dataset = read_national(national_r7.path)
    target = registry.for_year(2026)
    m = dataset.municipalities[3]
    truth = national_r7.municipalities[3].points
    plan = plan_seed(target, dataset, m)
    lines = plan.detail_lines()

    def heading(item_id: str) -> str:
        indicator = target.indicator_of(item_id)
        return f"{indicator_reference(target, indicator.id)} {indicator.title}"

    key = "suishin.I.process.features.a"
    item = target.item(key)
    answer = "該当" if truth[key] else "非該当"
    assert f"　{item.label}: {answer}（国の得点 {truth[key]:g}点／{item.points}点）" in _under(
        lines, heading(key)
    )
    tier = target.item("suishin.I.activity.score-rank.tier")
    (tier_line,) = [
        line for line in _under(lines, heading(tier.id)) if line.startswith(f"　{tier.label}: ")
    ]
    got = sum(v for k, v in truth.items() if k.startswith(f"{tier.id}:"))
    assert f"国の得点 {got:g}点／{tier.points}点" in tier_line

    # One line per seeded sub-item before the list of those not seeded; no ids anywhere.
    seeded_items = {target.item_of_target(i).id for i in plan.answers}
    assert lines[0] == f"回答にする小項目（{len(seeded_items)}件）"
    rest = f"回答にしない小項目（{len(plan.not_seeded)}件、回答し直してください）"
    end = lines.index(rest) if plan.not_seeded else len(lines)
    assert sum(1 for line in lines[:end] if line.startswith("　")) == len(seeded_items)
    assert sum(1 for line in lines[end:] if line.startswith("　")) == len(plan.not_seeded)
    assert not any("suishin." in line or "shien." in line or "common." in line for line in lines)
