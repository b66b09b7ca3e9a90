"""The peers the user chose (比較する市町村を自分で選ぶ): saved with the evaluation, one action."""

from __future__ import annotations

import pytest

from desktop.evaluation.session import Session
from desktop.records import ACTION_PEERS, PeerChoice
from desktop.store import EvaluationFile
from desktop.store.errors import ReadOnlySession

INAWASHIRO = PeerChoice(12, "福島県", "猪苗代町")
BANDAI = PeerChoice(15, "福島県", "磐梯町")
OGUNI = PeerChoice(301, "山形県", "小国町")


def test_the_chosen_peers_are_saved_with_the_evaluation(session_r8):
    assert session_r8.peer_choices() == []
    before = session_r8.store.audit_count()
    changes = session_r8.set_peer_choices([OGUNI, INAWASHIRO, BANDAI, INAWASHIRO], source="画面")
    assert session_r8.peer_choices() == [INAWASHIRO, BANDAI, OGUNI]  # 通し番号 order, once each
    # One action: one row in the change history, naming the list as the user sees it.
    assert session_r8.store.audit_count() == before + 1
    entry = session_r8.history()[0]
    assert (entry.action, entry.source) == (ACTION_PEERS, "画面")
    assert entry.new == "福島県猪苗代町、福島県磐梯町、山形県小国町"
    assert entry.action_label == "比較する市町村（自分で選んだもの）"
    assert len(changes) == 1

    # Reopened, the list is there; it belongs to this evaluation (this fiscal year) only.
    path = session_r8.path
    session_r8.close()
    with EvaluationFile.open(path, user="t") as store:
        again = Session.open(store, 2026)
        assert again.peer_choices() == [INAWASHIRO, BANDAI, OGUNI]
        # The same list again writes nothing; a shorter one replaces it; an empty one clears it.
        count = store.audit_count()
        assert again.set_peer_choices([BANDAI, OGUNI, INAWASHIRO]) == []
        assert store.audit_count() == count
        again.set_peer_choices([BANDAI])
        assert again.peer_choices() == [BANDAI]
        assert again.history()[0].old == "福島県猪苗代町、福島県磐梯町、山形県小国町"
        again.set_peer_choices([])
        assert again.peer_choices() == []
        assert again.history()[0].new is None


def test_a_failed_write_leaves_the_old_list(session_r8, monkeypatch):
    session_r8.set_peer_choices([INAWASHIRO, BANDAI])
    store = session_r8.store

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(type(store), "_record", broken)
    with pytest.raises(RuntimeError):
        session_r8.set_peer_choices([OGUNI])
    monkeypatch.undo()
    assert session_r8.peer_choices() == [INAWASHIRO, BANDAI]


def test_a_read_only_file_refuses_a_new_list(session_r8):
    session_r8.set_peer_choices([INAWASHIRO])
    path = session_r8.path
    session_r8.close()
    with EvaluationFile.open(path, user="t", read_only=True) as store:
        reader = Session.open(store, 2026)
        assert reader.peer_choices() == [INAWASHIRO]
        with pytest.raises(ReadOnlySession):
            reader.set_peer_choices([OGUNI])


def test_the_chosen_peers_are_carried_into_the_next_year(store, r7):
    from desktop.evaluation.carryover import carry_forward, plan_carry
    from desktop.evaluation.session import create_evaluation
    from desktop.records import SOURCE_CARRY

    r7_session = create_evaluation(store, r7)
    r7_session.set_peer_choices([INAWASHIRO, OGUNI])
    plan = plan_carry(store)
    assert "引き継ぐ比較する市町村（自分で選んだもの）: 2市町村" in plan.summary_lines()
    assert plan.to_dict()["peers"] == ["福島県猪苗代町", "山形県小国町"]
    r8_session, _plan = carry_forward(store)
    assert r8_session.peer_choices() == [INAWASHIRO, OGUNI]
    assert r8_session.history()[0].source == SOURCE_CARRY
    # Each year keeps its own list from then on.
    r8_session.set_peer_choices([BANDAI])
    assert r7_session.peer_choices() == [INAWASHIRO, OGUNI]


def test_nothing_to_carry_says_nothing_about_peers(store, r7):
    from desktop.evaluation.carryover import carry_forward, plan_carry
    from desktop.evaluation.session import create_evaluation

    create_evaluation(store, r7)
    assert not any("比較する市町村" in line for line in plan_carry(store).summary_lines())
    r8_session, _plan = carry_forward(store)
    assert r8_session.peer_choices() == []
