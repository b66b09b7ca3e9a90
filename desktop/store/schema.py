"""The evaluation file's schema, as numbered migrations.

``PRAGMA user_version`` holds the number of the last migration applied. A shipped
migration is never edited: a change to the schema is a new, higher-numbered step.
Each step runs inside the caller's transaction (see :func:`migrate`), so a crash
mid-way leaves the file at the previous version, untouched.

Which files are ours: ``PRAGMA application_id`` (4 bytes of the SQLite header) holds
:data:`APPLICATION_ID` in every evaluation file written by this version: set when a
file is created or migrated, and on the first write to an older file that lacks it.
Files from before the mark are recognised only by their exact schema: the tables and
columns that the migrations up to their ``user_version`` create (:func:`tables_at`).
Anything else is some other program's file and is refused before any write.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable

# "HyDk" in ASCII. Fixed for good: changing it would make every existing file foreign.
APPLICATION_ID = 0x4879446B


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run DDL statement by statement: ``executescript`` would COMMIT the caller's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v1_base(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        CREATE TABLE municipality (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL DEFAULT '',
            code TEXT,
            prefecture TEXT,
            insured INTEGER,
            updated_at TEXT
        );
        CREATE TABLE catalog_snapshots (
            hash TEXT PRIMARY KEY,
            catalog_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            fiscal_year INTEGER NOT NULL,
            text TEXT NOT NULL,
            stored_at TEXT NOT NULL
        );
        CREATE TABLE evaluations (
            id INTEGER PRIMARY KEY,
            fiscal_year INTEGER NOT NULL UNIQUE,
            catalog_id TEXT NOT NULL,
            catalog_revision INTEGER NOT NULL,
            catalog_hash TEXT NOT NULL REFERENCES catalog_snapshots(hash),
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            carried_from INTEGER REFERENCES evaluations(id)
        );
        CREATE TABLE answers (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            item_id TEXT NOT NULL,
            value TEXT NOT NULL,
            carried INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (evaluation_id, item_id)
        );
        CREATE TABLE indicator_notes (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            indicator_id TEXT NOT NULL,
            memo TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '',
            section TEXT NOT NULL DEFAULT '',
            assignee TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '未着手',
            updated_at TEXT,
            updated_by TEXT,
            PRIMARY KEY (evaluation_id, indicator_id)
        );
        CREATE TABLE group_notes (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            group_id TEXT NOT NULL,
            planned_response TEXT NOT NULL DEFAULT '',
            updated_at TEXT,
            updated_by TEXT,
            PRIMARY KEY (evaluation_id, group_id)
        );
        CREATE TABLE item_wording (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            item_id TEXT NOT NULL,
            wording TEXT NOT NULL,
            updated_at TEXT,
            updated_by TEXT,
            PRIMARY KEY (evaluation_id, item_id)
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            evaluation_id INTEGER,
            action TEXT NOT NULL,
            target TEXT,
            field TEXT,
            old TEXT,
            new TEXT,
            source TEXT
        );
        CREATE INDEX audit_by_evaluation ON audit (evaluation_id, id);
        CREATE INDEX audit_by_target ON audit (evaluation_id, target, id);
        """,
    )


def _v2_attachments(conn: sqlite3.Connection) -> None:
    """Evidence files copied into the database (根拠資料の添付)."""
    _run_script(
        conn,
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            indicator_id TEXT NOT NULL,
            name TEXT NOT NULL,
            location TEXT NOT NULL DEFAULT '',
            file_name TEXT,
            size INTEGER,
            sha256 TEXT,
            content BLOB,
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL
        );
        CREATE INDEX attachments_by_indicator ON attachments (evaluation_id, indicator_id);
        """,
    )


def _v3_official_results(conn: sqlite3.Connection) -> None:
    """The ministry's notified points per goal, group or indicator (国による評価結果)."""
    _run_script(
        conn,
        """
        CREATE TABLE official_results (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            node_id TEXT NOT NULL,
            points REAL NOT NULL,
            entered_at TEXT NOT NULL,
            entered_by TEXT NOT NULL,
            PRIMARY KEY (evaluation_id, node_id)
        );
        """,
    )


def _v4_item_texts_and_waivers(conn: sqlite3.Connection) -> None:
    """Official sub-item texts pasted or imported for an evaluation (公式文言（貼り付け）・文言集),
    and inferred prerequisites the user chose not to apply (この前提条件を適用しない)."""
    _run_script(
        conn,
        """
        CREATE TABLE item_texts (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            item_id TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('pasted', 'pack')),
            origin TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (evaluation_id, item_id)
        );
        CREATE TABLE prerequisite_waivers (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            item_id TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (evaluation_id, item_id)
        );
        """,
    )


def _v5_gap_efforts(conn: sqlite3.Connection) -> None:
    """The user's effort mark per unmet sub-item in the 伸びしろ list (容易・要調整・不可)."""
    _run_script(
        conn,
        """
        CREATE TABLE gap_efforts (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            item_id TEXT NOT NULL,
            effort TEXT NOT NULL CHECK (effort IN ('容易', '要調整', '不可')),
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (evaluation_id, item_id)
        );
        """,
    )


def _v6_peer_choices(conn: sqlite3.Connection) -> None:
    """The municipalities the user chose to compare with (比較する市町村を自分で選ぶ)."""
    _run_script(
        conn,
        """
        CREATE TABLE peer_choices (
            evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
            serial INTEGER NOT NULL,
            prefecture TEXT NOT NULL,
            name TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (evaluation_id, serial)
        );
        """,
    )


MIGRATIONS: list[tuple[int, str, Callable[[sqlite3.Connection], None]]] = [
    (1, "評価ファイルの基本構造", _v1_base),
    (2, "根拠資料の添付", _v2_attachments),
    (3, "国による評価結果", _v3_official_results),
    (4, "貼り付けた公式文言と前提条件の適用", _v4_item_texts_and_waivers),
    (5, "伸びしろの実現性", _v5_gap_efforts),
    (6, "自分で選んだ比較する市町村", _v6_peer_choices),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def pending(conn: sqlite3.Connection) -> list[tuple[int, str, Callable]]:
    current = user_version(conn)
    return [step for step in MIGRATIONS if step[0] > current]


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION, on_step=None) -> list[int]:
    """Apply the pending steps up to ``target`` inside the open transaction.

    The caller owns the transaction (BEGIN … COMMIT), so either every step lands
    or none does. ``user_version`` is part of the database header and rolls back
    with the rest.
    """
    applied = []
    for number, _title, step in pending(conn):
        if number > target:
            break
        step(conn)
        conn.execute(f"PRAGMA user_version = {int(number)}")
        applied.append(number)
        if on_step is not None:
            on_step(number)
    return applied


def application_id(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA application_id").fetchone()[0]


def mark(conn: sqlite3.Connection) -> None:
    """Stamp the file as an evaluation file (inside the caller's transaction)."""
    conn.execute(f"PRAGMA application_id = {int(APPLICATION_ID)}")


def tables(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Every table of ``conn`` (SQLite's own left out) with its columns in order."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name"
        )
    ]
    return {
        name: tuple(row[1] for row in conn.execute("SELECT * FROM pragma_table_info(?)", [name]))
        for name in names
    }


@functools.cache
def tables_at(version: int) -> dict[str, tuple[str, ...]]:
    """The tables and columns of an evaluation file at schema ``version``."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, target=version)
        return tables(conn)
    finally:
        conn.close()
