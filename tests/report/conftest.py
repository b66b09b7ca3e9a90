"""A mixed R8 evaluation for the report tests: met, not met, partly met, blocked, unanswered."""

from __future__ import annotations

import pytest

# Self-assessed answers chosen so that every way of losing points occurs at least once.
MIXED_ANSWERS = {
    # 推進 目標Ⅰ 1: ア・ウ met, イ not met, エ unanswered
    "suishin.I.process.features.a": "該当",
    "suishin.I.process.features.b": "非該当",
    "suishin.I.process.features.c": "該当",
    # 推進 目標Ⅱ 2: ア (all-of) met in part, イ (count) reached イ① only, ウ met
    "suishin.II.process.optimization-programs.a.p1": "該当",
    "suishin.II.process.optimization-programs.a.p2": "非該当",
    "suishin.II.process.optimization-programs.b": "イ①",
    "suishin.II.process.optimization-programs.c": "該当",
    # 支援 目標Ⅱ 3: ウ ticked but blocked (ア not met); イ met
    "shien.II.process.hearing-loss.a": "非該当",
    "shien.II.process.hearing-loss.b": "該当",
    "shien.II.process.hearing-loss.c": "該当",
    "shien.II.process.hearing-loss.d": "非該当",
    # 支援 目標Ⅱ 1: ア met, オ not met
    "shien.II.process.supporters.a": "該当",
    "shien.II.process.supporters.e": "非該当",
    # State-scored estimates (見込み): never counted as 自己評価, never listed as losses.
    "suishin.I.activity.score-rank.tier": "イ",
    "common.IV.outcome.short-care-level-1-2.a": "ア②",
}

PLANNED = {
    "suishin.I.process": "地域ケア会議でモニタリング結果を共有し、公表する。",
    # Looks like a formula: must stay text in the workbook.
    "shien.II.process": "=SUM(A1:A3) ではなく、\n難聴の普及啓発から始める。",
}


@pytest.fixture
def mixed_r8(session_r8):
    session_r8.set_answers(MIXED_ANSWERS)
    for group_id, text in PLANNED.items():
        session_r8.store.set_planned_response(session_r8.evaluation_id, group_id, text)
    return session_r8


@pytest.fixture
def planned_texts() -> dict[str, str]:
    return dict(PLANNED)
