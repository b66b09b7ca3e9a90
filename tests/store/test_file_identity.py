"""Which SQLite files are evaluation files: the application_id mark, or an older file's exact schema.

A file that is not ours is refused before anything writes to it (bytes unchanged, nothing
beside it); a genuine older file is marked with its migration or its first write.
"""

from __future__ import annotations

import sqlite3

import pytest

from desktop.store import EvaluationFile
from desktop.store.errors import NotADatabase, TooNew
from desktop.store.restore import restore_backup
from desktop.store.schema import APPLICATION_ID, SCHEMA_VERSION, tables_at

ITEM = "suishin.I.process.features.c"


def header(path) -> tuple[int, int]:
    """(application_id, user_version) as the file's header says, read without SQLite."""
    data = path.read_bytes()[:100]
    return int.from_bytes(data[68:72], "big", signed=True), int.from_bytes(data[60:64], "big")


def make_sqlite(path, statements: list[str], *, version: int, app_id: int = 0) -> None:
    conn = sqlite3.connect(str(path))
    for statement in statements:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(f"PRAGMA application_id = {app_id}")
    conn.commit()
    conn.close()


def create_statements(version: int) -> list[str]:
    """Tables with exactly the columns an evaluation file of ``version`` has."""
    return [
        f"CREATE TABLE {name} ({', '.join(columns)})"
        for name, columns in tables_at(version).items()
    ]


def assert_refused_untouched(path, fingerprint, error=NotADatabase) -> None:
    before = fingerprint(path)
    for read_only in (False, True):
        with pytest.raises(error) as refused:
            EvaluationFile.open(path, read_only=read_only)
        assert str(path) in str(refused.value)
        assert "変更していません" in str(refused.value)
    assert fingerprint(path) == before
    assert before[1] == []  # no journal, lock or backup folder beside it


# --- other programs' files ------------------------------------------------------------------
@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_file_with_an_evaluations_table_and_a_user_version_is_not_ours(
    tmp_path, fingerprint, version
):
    path = tmp_path / "他アプリ.sqlite"
    make_sqlite(
        path,
        ["CREATE TABLE evaluations (x)", "INSERT INTO evaluations VALUES (1)"],
        version=version,
    )
    assert_refused_untouched(path, fingerprint)
    assert header(path) == (0, version)


def test_an_older_schema_with_one_table_more_is_not_ours(tmp_path, fingerprint):
    path = tmp_path / "似たもの.sqlite"
    make_sqlite(path, [*create_statements(1), "CREATE TABLE extra (x)"], version=1)
    assert_refused_untouched(path, fingerprint)


def test_an_older_schema_with_a_column_missing_is_not_ours(tmp_path, fingerprint):
    statements = create_statements(2)
    statements = [s.replace(", content", "") if "attachments" in s else s for s in statements]
    path = tmp_path / "似たもの.sqlite"
    make_sqlite(path, statements, version=2)
    assert_refused_untouched(path, fingerprint)


def test_a_file_another_program_marked_as_its_own_is_not_ours(evaluation_file, fingerprint):
    path = evaluation_file()
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    assert_refused_untouched(path, fingerprint)


def test_a_file_of_a_newer_version_is_too_new_only_if_it_is_ours(tmp_path, fingerprint):
    ours = tmp_path / "新しい版.sqlite"
    make_sqlite(
        ours, create_statements(SCHEMA_VERSION), version=SCHEMA_VERSION + 1, app_id=APPLICATION_ID
    )
    assert_refused_untouched(ours, fingerprint, TooNew)
    theirs = tmp_path / "他アプリ.sqlite"
    make_sqlite(theirs, ["CREATE TABLE settings (x)"], version=SCHEMA_VERSION + 1)
    assert_refused_untouched(theirs, fingerprint)


# --- our files ---------------------------------------------------------------------------------
def test_a_new_evaluation_file_is_marked(evaluation_file):
    path = evaluation_file()
    assert APPLICATION_ID == 0x4879446B  # fixed for good: files in the field carry it
    assert header(path) == (APPLICATION_ID, SCHEMA_VERSION)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_an_older_genuine_file_is_recognised_and_marked_with_its_migration(old_file, version):
    path = old_file(version)
    assert header(path) == (0, version)  # made before the mark existed
    with EvaluationFile.open(path) as store:
        assert store.migrated_from == version
        backup = store.last_backup
    assert header(path) == (APPLICATION_ID, SCHEMA_VERSION)
    assert header(backup) == (0, version)  # the backup is the file as it was


def test_a_current_file_without_the_mark_is_marked_by_its_first_write(evaluation_file):
    path = evaluation_file()
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA application_id = 0")  # as the previous version created it
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with EvaluationFile.open(path, read_only=True) as reader:
        assert reader.evaluation_for_year() is not None
    with EvaluationFile.open(path, backup_on_open=False):
        pass
    assert path.read_bytes() == before  # opening alone writes nothing
    with EvaluationFile.open(path, backup_on_open=False) as store:
        evaluation_id = store.evaluation_for_year().id
        store.set_answers(evaluation_id, {ITEM: "該当"})
    assert header(path) == (APPLICATION_ID, SCHEMA_VERSION)
    with EvaluationFile.open(path, read_only=True) as reader:
        assert reader.answers(reader.evaluation_for_year().id)[ITEM] == "該当"


def test_restoring_a_backup_from_before_the_mark_gives_a_marked_file(evaluation_file, old_file):
    path = evaluation_file()
    older = old_file(2, "古いバックアップ.sqlite")
    restore_backup(path, older)
    assert header(path) == (APPLICATION_ID, SCHEMA_VERSION)
    with EvaluationFile.open(path, read_only=True) as store:
        assert store.schema_version == SCHEMA_VERSION
