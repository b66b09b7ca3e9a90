"""sqlite-utils on an open connection, and reading rows without it.

The one place the app wraps a SQLite connection in sqlite-utils, for two reasons:

* Plugins off. sqlite-utils otherwise scans every installed package for plugins and
  runs their hooks on our connection: code the app does not ship would touch the
  user's evaluation file, and the scan alone costs ≈ 10 ms per start.
* Imported on first write only. sqlite-utils (with click, dateutil and pluggy) takes
  ≈ 30–40 ms to import; opening a file and showing it only read, so ``query`` reads
  rows from the bare connection and the window warms the import once it is on screen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils


def database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """``conn`` as a sqlite-utils Database (for ``atomic()``, inserts and upserts)."""
    import sqlite_utils

    return sqlite_utils.Database(conn, execute_plugins=False)


def query(
    conn: sqlite3.Connection, sql: str, params: Sequence[Any] | dict = ()
) -> Iterator[dict]:
    """Rows of ``sql`` as dicts keyed by column name (as ``Database.query`` gives them)."""
    cursor = conn.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    for row in cursor:
        yield dict(zip(keys, row, strict=True))


def warm_up() -> None:
    """Import sqlite-utils now (at an idle moment), so that the first save does not."""
    import sqlite_utils  # noqa: F401
