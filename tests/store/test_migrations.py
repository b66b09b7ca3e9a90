"""Schema migrations: numbered, each tested on its own, from every past version's fixture,
with a backup first and a complete rollback when a step fails."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.evaluation.session import Session
from desktop.records import PeerChoice
from desktop.store import EvaluationFile, schema
from desktop.store import backup as backups
from desktop.store.errors import MigrationFailed
from desktop.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, pending, user_version

# What each step adds. A new migration adds a line here and a fixture of the version
# before it (tests/fixtures/make_fixtures.py, PAST_VERSIONS).
TABLES_ADDED = {
    1: {
        "meta",
        "municipality",
        "catalog_snapshots",
        "evaluations",
        "answers",
        "indicator_notes",
        "group_notes",
        "item_wording",
        "audit",
    },
    2: {"attachments"},
    3: {"official_results"},
    4: {"item_texts", "prerequisite_waivers"},
    5: {"gap_efforts"},
    6: {"peer_choices"},
}


def tables(conn: sqlite3.Connection) -> set[str]:
    return {
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }


def test_migrations_are_numbered_one_by_one():
    numbers = [number for number, _title, _step in MIGRATIONS]
    assert numbers == list(range(1, len(MIGRATIONS) + 1))
    assert numbers[-1] == SCHEMA_VERSION
    assert all(title for _number, title, _step in MIGRATIONS)
    assert set(TABLES_ADDED) == set(numbers), "describe what the new step adds"


@pytest.mark.parametrize("number", [number for number, _t, _s in MIGRATIONS])
def test_each_step_on_its_own(tmp_path, number):
    conn = sqlite3.connect(str(tmp_path / "step.sqlite"), isolation_level=None)
    try:
        conn.execute("BEGIN")
        migrate(conn, target=number - 1)
        conn.execute("COMMIT")
        before = tables(conn)
        assert user_version(conn) == number - 1
        assert [step[0] for step in pending(conn)] == list(range(number, SCHEMA_VERSION + 1))

        conn.execute("BEGIN")
        assert migrate(conn, target=number) == [number]
        conn.execute("COMMIT")
        assert user_version(conn) == number
        assert tables(conn) - before == TABLES_ADDED[number]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_a_step_rolls_back_with_its_transaction(tmp_path):
    conn = sqlite3.connect(str(tmp_path / "rollback.sqlite"), isolation_level=None)
    try:
        conn.execute("BEGIN")
        migrate(conn)
        conn.execute("ROLLBACK")
        assert user_version(conn) == 0  # user_version is part of the transaction
        assert tables(conn) == set()
    finally:
        conn.close()


def test_the_fixture_files_are_at_their_versions(old_file, fixture_spec):
    assert tuple(range(1, SCHEMA_VERSION)) == fixture_spec.PAST_VERSIONS
    for version in fixture_spec.PAST_VERSIONS:
        conn = sqlite3.connect(f"file:{old_file(version)}?mode=ro", uri=True)
        try:
            assert user_version(conn) == version
            expected = set().union(*(TABLES_ADDED[n] for n in range(1, version + 1)))
            assert tables(conn) == expected
        finally:
            conn.close()


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_an_old_file_is_migrated_with_its_data_and_a_backup_first(old_file, fixture_spec, version):
    path = old_file(version)
    original = path.read_bytes()
    with EvaluationFile.open(path, user="移行担当") as store:
        assert store.migrated_from == version
        assert store.schema_version == SCHEMA_VERSION
        assert tables(store.conn) == set().union(*TABLES_ADDED.values())

        # The backup was made before anything changed: it is the old file, as it was.
        made = backups.list_backups(path)
        assert [b.reason for b in made] == ["before-migration"]
        assert made[0].path == store.last_backup
        conn = sqlite3.connect(f"file:{made[0].path}?mode=ro", uri=True)
        try:
            assert user_version(conn) == version
            assert dict(conn.execute("SELECT item_id, value FROM answers")) == (
                fixture_spec.ANSWERS
            )
        finally:
            conn.close()

        # Everything the old version stored survived.
        municipality = store.municipality()
        assert municipality.name == fixture_spec.MUNICIPALITY["name"]
        assert municipality.code == fixture_spec.MUNICIPALITY["code"]
        assert municipality.prefecture == fixture_spec.MUNICIPALITY["prefecture"]
        assert municipality.insured == fixture_spec.MUNICIPALITY["insured"]
        evaluation = store.evaluation_for_year(fixture_spec.FISCAL_YEAR)
        assert evaluation.catalog_id == fixture_spec.CATALOG_ID
        assert store.answers(evaluation.id) == fixture_spec.ANSWERS
        note = store.indicator_note(evaluation.id, fixture_spec.NOTE["indicator_id"])
        for field in ("memo", "evidence", "section", "assignee", "status"):
            assert note.get(field) == fixture_spec.NOTE[field]
        group_id, planned = fixture_spec.PLANNED_RESPONSE
        assert store.planned_responses(evaluation.id) == {group_id: planned}
        item_id, wording = fixture_spec.WORDING
        assert store.wordings(evaluation.id) == {item_id: wording}
        history = store.history(evaluation.id)
        assert {entry.user for entry in history} == {fixture_spec.USER}
        assert len(history) >= len(fixture_spec.ANSWERS) + 5
        attachments = store.attachments(evaluation.id)
        if version >= 2:
            assert [a.name for a in attachments] == [fixture_spec.ATTACHMENT["name"]]
            assert (
                store.attachment_content(attachments[0].id) == (fixture_spec.ATTACHMENT["content"])
            )
        else:
            assert attachments == []
        assert store.official_results(evaluation.id) == {}

        # The pinned catalog snapshot still scores the old answers.
        session = Session.open(store, fixture_spec.FISCAL_YEAR)
        tree = session.score()
        assert tree.node("suishin.I.process.features.a").points > 0
        assert tree.node("suishin.I.process.features.b").points == 0

        # And the migrated file takes new work, in the new tables too.
        session.answer("suishin.I.process.features.c", "該当")
        item_id, pasted = fixture_spec.ITEM_TEXT
        texts = {item_id: pasted} if version >= 4 else {}
        assert {k: t.text for k, t in store.item_texts(evaluation.id).items()} == texts
        store.set_item_texts(
            evaluation.id, {"suishin.I.process.features.a": "公式の文"}, kind="pasted", at="t"
        )
        assert store.item_texts(evaluation.id)["suishin.I.process.features.a"].text == "公式の文"
        store.set_official_results(evaluation.id, {"suishin.I": 80})
        efforts = dict([fixture_spec.GAP_EFFORT]) if version >= 5 else {}
        assert session.gap_efforts() == efforts
        session.set_gap_effort("suishin.I.process.features.b", "要調整")
        assert session.peer_choices() == []
        session.set_peer_choices([PeerChoice(12, "福島県", "猪苗代町")])
    assert path.read_bytes() != original
    with EvaluationFile.open(path, backup_on_open=False) as store:
        assert store.migrated_from is None  # nothing left to migrate
        evaluation_id = store.evaluation_for_year().id
        assert store.official_results(evaluation_id) == {"suishin.I": 80}
        assert store.gap_efforts(evaluation_id) == {"suishin.I.process.features.b": "要調整"}
        assert store.peer_choices(evaluation_id) == [PeerChoice(12, "福島県", "猪苗代町")]


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_a_failing_step_rolls_everything_back(old_file, fingerprint, monkeypatch, version):
    path = old_file(version)
    number, title, last_step = MIGRATIONS[-1]

    def half_done_then_failing(conn):
        last_step(conn)  # the step's own changes are made …
        conn.execute("UPDATE answers SET value = 'half-migrated'")
        raise RuntimeError("step failed")  # … and then it fails

    monkeypatch.setattr(
        schema, "MIGRATIONS", [*MIGRATIONS[:-1], (number, title, half_done_then_failing)]
    )
    before_hash, _ = fingerprint(path)
    with pytest.raises(MigrationFailed) as caught:
        EvaluationFile.open(path)
    error = caught.value
    assert f"{version} から {SCHEMA_VERSION} に更新できませんでした" in str(error)
    assert "元のまま" in str(error)
    assert "step failed" in error.detail
    made = backups.list_backups(path)
    assert [b.reason for b in made] == ["before-migration"]
    assert str(made[0].path) in str(error)

    # The file is byte-for-byte the old version; no journal or lock is left.
    after_hash, beside = fingerprint(path)
    assert after_hash == before_hash
    assert beside == [path.name + ".backups"]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert user_version(conn) == version
        assert not TABLES_ADDED[SCHEMA_VERSION] & tables(conn)
        assert "half-migrated" not in {row[0] for row in conn.execute("SELECT value FROM answers")}
    finally:
        conn.close()


def test_a_failing_step_also_fails_the_read_only_copy_without_touching_the_file(
    old_file, fingerprint, monkeypatch
):
    path = old_file(1)
    number, title, _step = MIGRATIONS[-1]

    def failing(conn):
        raise RuntimeError("step failed")

    monkeypatch.setattr(schema, "MIGRATIONS", [*MIGRATIONS[:-1], (number, title, failing)])
    before = fingerprint(path)
    with pytest.raises(MigrationFailed):
        EvaluationFile.open(path, read_only=True)
    assert fingerprint(path) == before


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_an_old_file_opened_read_only_stays_old_but_reads_like_a_new_one(
    old_file, fixture_spec, fingerprint, version
):
    path = old_file(version)
    before = fingerprint(path)
    with EvaluationFile.open(path, read_only=True) as reader:
        assert reader.file_schema_version == version
        evaluation = reader.evaluation_for_year()
        assert reader.answers(evaluation.id) == fixture_spec.ANSWERS
        assert reader.official_results(evaluation.id) == {}  # a table the file lacks
        efforts = dict([fixture_spec.GAP_EFFORT]) if version >= 5 else {}
        assert reader.gap_efforts(evaluation.id) == efforts
        assert reader.peer_choices(evaluation.id) == []  # and the newest one
        assert len(reader.attachments(evaluation.id)) == (1 if version >= 2 else 0)
    assert fingerprint(path) == before
