"""A later catalog revision never silently changes an existing evaluation: the user is
offered an explicit upgrade, which reports what changed (desktop/session.py).

The newer revision is shipped in a temporary catalogs folder (HYOKA_CATALOGS_DIR);
the registry caches per folder, and every test has its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.evaluation.session import Session
from desktop.store import EvaluationFile
from desktop.store import backup as backups
from desktop.store.errors import InvalidInput, ReadOnlySession

REPO_CATALOGS = Path(__file__).resolve().parents[2] / "catalogs"
A = "suishin.I.process.features.a"  # 4 points in revision 2, 5 in revision 3
B = "suishin.I.process.features.b"
D = "suishin.I.process.features.d"  # gone in revision 3 …
E = "suishin.I.process.features.e"  # … replaced by this one
TIER = "suishin.I.activity.score-rank.tier"  # its option エ is renamed オ in revision 3


def replace_once(text: str, old: str, new: str, *, after: str = "") -> str:
    start = text.index(after) if after else 0
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


def revision_2(text: str) -> str:
    text = replace_once(text, "revision: 2", "revision: 3")
    text = replace_once(text, "points: 4", "points: 5", after=f"- id: {A}\n")
    text = replace_once(text, f"- id: {D}\n", f"- id: {E}\n")
    text = replace_once(text, "{label: エ,", "{label: オ,", after=f"- id: {TIER}\n")
    return text


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """``shipped(edit)``: ship a copy of the catalogs with r8.yaml edited by ``edit``."""

    def ship(edit=revision_2) -> Path:
        folder = tmp_path / "catalogs"
        shutil.copytree(REPO_CATALOGS, folder)
        r8 = folder / "municipal" / "r8.yaml"
        r8.write_text(edit(r8.read_text(encoding="utf-8")), encoding="utf-8")
        monkeypatch.setenv("HYOKA_CATALOGS_DIR", str(folder))
        return r8

    return ship


@pytest.fixture
def answered(session_r8):
    """An R8 evaluation on revision 2 with answers the upgrade affects."""
    session_r8.set_answers({A: "該当", B: "該当", D: "該当", TIER: "エ"})
    session_r8.note("suishin.I.process.features", memo="根拠は計画書")
    return session_r8


def reopen(session: Session) -> Session:
    path = session.store.path
    session.store.close()
    return Session.open(EvaluationFile.open(path, backup_on_open=False))


def test_a_newer_shipped_revision_does_not_change_the_evaluation(answered, shipped, r8):
    before = answered.score()
    shipped()
    session = reopen(answered)
    try:
        assert session.catalog.revision == 2
        assert session.catalog.content_hash == r8.content_hash
        after = session.score()
        assert after.node(A).points == 4
        assert after.root.points == before.root.points
        assert session.answers() == {A: "該当", B: "該当", D: "該当", TIER: "エ"}
        # … but the newer revision is offered.
        offered = session.available_upgrade()
        assert offered is not None
        assert (offered.id, offered.revision) == ("municipal-r8", 3)
    finally:
        session.store.close()


def test_the_plan_reports_what_would_change_and_changes_nothing(answered, shipped):
    shipped()
    store = answered.store
    audit_before = store.audit_count()
    record_before = store.evaluation(answered.evaluation_id)

    plan = answered.plan_upgrade(answered.available_upgrade())

    assert plan.added == [E]
    assert plan.removed == [D]
    assert plan.points_changed == [(A, 4, 5)]
    assert plan.answers_dropped == sorted([D, TIER])  # D is gone; エ is no longer an option
    summary = plan.summary()
    assert summary.startswith("令和8年度 市町村分の評価指標を更新")
    assert "municipal-r8" not in summary and "版" not in summary
    for part in ("追加 1 件", "削除 1 件", "配点変更 1 件", "消える回答 2 件"):
        assert part in summary
    assert store.evaluation(answered.evaluation_id) == record_before
    assert store.audit_count() == audit_before
    assert answered.answers()[D] == "該当"
    assert backups.list_backups(store.path) == []


def test_the_upgrade_is_explicit_backed_up_and_audited(answered, shipped):
    shipped()
    store = answered.store
    newer = answered.available_upgrade()

    plan = answered.upgrade(newer)

    record = store.evaluation(answered.evaluation_id)
    assert (record.catalog_revision, record.catalog_hash) == (3, newer.content_hash)
    assert answered.catalog.revision == 3
    assert answered.answers() == {A: "該当", B: "該当"}
    assert answered.score().node(A).points == 5
    assert answered.available_upgrade() is None

    # A backup of the evaluation as it was, made before the change.
    made = backups.list_backups(store.path)
    assert [b.reason for b in made] == ["before-upgrade"]
    with EvaluationFile.open(made[0].path, read_only=True) as old:
        old_session = Session.open(old)
        assert old_session.catalog.revision == 2
        assert old_session.answers()[D] == "該当"

    # Every change is in the audit log: the revision, and each answer dropped.
    history = store.history(answered.evaluation_id)
    upgrade = [e for e in history if e.action == "upgrade_catalog"]
    assert [(e.old, e.new, e.source) for e in upgrade] == [
        ("municipal-r8 第2版", "municipal-r8 第3版", plan.summary())
    ]
    dropped = {(e.target, e.old, e.new) for e in history if e.source == "評価指標の更新"}
    assert dropped == {(D, "該当", None), (TIER, "エ", None)}

    session = reopen(answered)
    try:
        assert session.catalog.revision == 3
        assert session.score().node(A).points == 5
    finally:
        session.store.close()


def test_the_same_revision_is_no_upgrade(answered, shipped):
    shipped(edit=lambda text: text)
    assert answered.available_upgrade() is None


def test_a_read_only_session_cannot_upgrade(answered, shipped):
    shipped()
    path = answered.store.path
    answered.store.close()
    with EvaluationFile.open(path, read_only=True) as reader:
        session = Session.open(reader)
        newer = session.available_upgrade()
        assert newer is not None  # offered, but applying it needs write access
        with pytest.raises(ReadOnlySession):
            session.upgrade(newer)
    assert backups.list_backups(path) == []
    with EvaluationFile.open(path, read_only=True) as reader:
        assert Session.open(reader).catalog.revision == 2


def test_a_change_of_option_points_is_reported(answered, shipped):
    def shift_tier_points(text: str) -> str:
        text = replace_once(text, "revision: 2", "revision: 3")
        text = replace_once(text, "{label: ア, points: 3,", "{label: ア, points: 1,", after=TIER)
        return replace_once(text, "{label: エ, points: 3,", "{label: エ, points: 5,", after=TIER)

    shipped(edit=shift_tier_points)
    plan = answered.plan_upgrade(answered.available_upgrade())
    assert [item_id for item_id, *_ in plan.points_changed] == [TIER]


def test_a_catalog_file_changed_after_planning_is_never_pinned_under_the_planned_hash(
    answered, shipped
):
    # session.upgrade() re-reads the catalog file when it applies the plan. Should the
    # file change in between (an update, another session), the store refuses to pin
    # a text under a hash it does not have, and nothing changes.
    r8_file = shipped()
    newer = answered.available_upgrade()
    answered.plan_upgrade(newer)
    r8_file.write_text(
        replace_once(r8_file.read_text(encoding="utf-8"), "points: 5", "points: 6", after=A),
        encoding="utf-8",
    )
    audit_before = answered.store.audit_count()
    with pytest.raises(InvalidInput) as caught:
        answered.upgrade(newer)
    assert "変更されています" in str(caught.value)
    record = answered.store.evaluation(answered.evaluation_id)
    assert record.catalog_revision == 2
    assert answered.answers()[D] == "該当"
    assert answered.store.audit_count() == audit_before
    assert backups.list_backups(answered.store.path) == []


def test_the_store_refuses_a_snapshot_whose_text_does_not_match_its_hash(store, r8):
    text = Path(r8.path).read_text(encoding="utf-8")
    with pytest.raises(InvalidInput):
        store.create_evaluation(
            catalog_id=r8.id,
            revision=r8.revision,
            fiscal_year=r8.fiscal_year,
            catalog_text=text + "\n# edited",
            catalog_hash=r8.content_hash,
        )
    assert store.evaluations() == []
