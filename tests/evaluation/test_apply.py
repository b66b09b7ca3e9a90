"""Session.apply: a plan made earlier is checked and written as one action."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from desktop.records import STATUS_IN_PROGRESS, ChangeSet

ITEM = "suishin.I.process.features.a"
INDICATOR = "suishin.I.process.features"


class Changed(Exception):
    pass


@dataclass
class AnswerPlan:
    answers: dict[str, str]
    refuse: bool = False
    audit_source: str = "テストの計画"
    carried: bool = False
    checked: list[str] = field(default_factory=list)

    def check(self, session) -> None:
        self.checked.append("check")
        if self.refuse:
            raise Changed

    def change_set(self, session) -> ChangeSet:
        change_set = ChangeSet(answers=dict(self.answers))
        session.mark_in_progress(change_set)
        return change_set


def test_a_plan_is_written_as_one_action_with_its_source(session_r8):
    before = session_r8.store.audit_count()
    changes = session_r8.apply(AnswerPlan({ITEM: "該当"}))
    assert session_r8.answers()[ITEM] == "該当"
    assert session_r8.store.indicator_notes(session_r8.evaluation_id)[INDICATOR].status == (
        STATUS_IN_PROGRESS
    )
    assert {change.target for change in changes} == {ITEM, INDICATOR}
    entries = session_r8.store.history(session_r8.evaluation_id)
    assert session_r8.store.audit_count() == before + 2
    assert {entry.source for entry in entries[-2:]} == {"テストの計画"}


def test_a_plan_whose_check_fails_writes_nothing(session_r8):
    before = session_r8.store.audit_count()
    plan = AnswerPlan({ITEM: "該当"}, refuse=True)
    with pytest.raises(Changed):
        session_r8.apply(plan)
    assert plan.checked == ["check"]
    assert ITEM not in session_r8.answers()
    assert session_r8.store.audit_count() == before


def test_carried_plans_mark_their_answers_for_confirmation(session_r8):
    session_r8.apply(AnswerPlan({ITEM: "該当"}, carried=True))
    assert session_r8.store.carried_items(session_r8.evaluation_id) == {ITEM}
