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
