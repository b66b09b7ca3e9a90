"""The national results library: one checked dataset per fiscal year, stored offline.

A SQLite file of its own beside the evaluation file (``desktop.paths.
national_library_path``), not inside it: the dataset is public and identical for every
municipality, about 2 MB a year; inside each evaluation file it would be copied into
every hourly backup and imported again for every municipality a prefecture officer or a
consultant keeps. Beside the default evaluation file it sits in the user's data folder.

Each row stores a municipality's column points and node totals as JSON arrays: loading
a year is one query and a few milliseconds of parsing, so every view is instant. An
import replaces the year's dataset in one transaction (``db.atomic()``): the old one
stays until the new one is completely written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from desktop import sqlite_access
from desktop.formats import NamedFiscalYear, year_label
from desktop.national.dataset import NationalDataset, NationalMunicipality
from desktop.national.errors import NationalFileError

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 1


def _as_is(value):
    return value


def _compact_json(value) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class _Column:
    """A stored column: its SQLite type, how a field's value is stored, and how it is read
    back (``read=None``: stored for queries only, not a field of the record)."""

    sql_type: type
    store: Callable = _as_is
    read: Callable | None = _as_is


# Each table's columns are named once here: the schema, the writes and the reads follow
# them (a record's field names are its column names).
_DATASET_COLUMNS = {
    "fiscal_year": _Column(int),
    "catalog_id": _Column(str),
    "catalog_revision": _Column(int),
    "catalog_hash": _Column(str),
    "layout": _Column(str),
    "source_name": _Column(str),
    "source_sha256": _Column(str),
    "imported_at": _Column(str),
    "count": _Column(int, read=None),  # lists the years without counting their rows
    "columns": _Column(
        str, lambda keys: json.dumps(list(keys)), lambda text: tuple(json.loads(text))
    ),
    "checks": _Column(str, lambda checks: json.dumps(checks, ensure_ascii=False), json.loads),
    "band_derived": _Column(int, int, bool),
}
_MUNICIPALITY_COLUMNS = {
    "serial": _Column(int),
    "prefecture_no": _Column(int),
    "prefecture": _Column(str),
    "name": _Column(str),
    "insurer": _Column(str),
    "population": _Column(float),
    "first_insured": _Column(float),
    "band": _Column(int),
    "kaso": _Column(int, int, bool),
    "row": _Column(int),
    "points": _Column(str, _compact_json, json.loads),
    "totals": _Column(str, _compact_json, json.loads),
}


def _sql_types(columns: dict[str, _Column]) -> dict[str, type]:
    return {name: column.sql_type for name, column in columns.items()}


def _stored(record, columns: dict[str, _Column]) -> dict:
    return {name: column.store(getattr(record, name)) for name, column in columns.items()}


def _fields(row: dict, columns: dict[str, _Column]) -> dict:
    return {
        name: column.read(row[name])
        for name, column in columns.items()
        if column.read is not None
    }


@dataclass(frozen=True)
class StoredYear(NamedFiscalYear):
    fiscal_year: int
    source_name: str
    imported_at: str
    count: int


@dataclass
class ReplacePreview:
    """What importing a year again would change (shown before anything is replaced)."""

    fiscal_year: int
    replaces: StoredYear | None
    added: list[str] = field(default_factory=list)  # municipality names
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, float, float]] = field(default_factory=list)  # name, old, new total
    same_file: bool = False

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        year = f"{year_label(self.fiscal_year)}"
        if self.replaces is None:
            return [f"{year}の全国集計結果はまだ取り込まれていません（新しく保存します）。"]
        lines = [
            f"{year}の全国集計結果（{self.replaces.source_name}、{self.replaces.imported_at[:16].replace('T', ' ')} 取込）を置き換えます。"
        ]
        if self.same_file:
            lines.append("前回と同じファイルです。")
        if not self.has_changes:
            lines.append("市町村と得点に変わりはありません。")
        for title, names in (("増える市町村", self.added), ("なくなる市町村", self.removed)):
            if names:
                lines.append(
                    f"{title}: {len(names)}件（{'、'.join(names[:10])}{' ほか' if len(names) > 10 else ''}）"
                )
        if self.changed:
            lines.append(f"合計点が変わる市町村: {len(self.changed)}件")
            for name, old, new in self.changed[:10]:
                lines.append(f"　・{name}: {old:g}点 → {new:g}点")
            if len(self.changed) > 10:
                lines.append(f"　ほか{len(self.changed) - 10}件")
        return lines


class NationalLibrary:
    """The library file; open with :meth:`open`, close when done (or use ``with``)."""

    def __init__(self, path: Path, db: sqlite_utils.Database):
        self.path = path
        self.db = db

    # --- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> NationalLibrary:
        path = Path(path)
        if not path.exists() and not create:
            raise NationalFileError(
                "全国集計結果がまだ取り込まれていません（「全国の評価結果を取り込む」、"
                "または hyoka-desk national import で取り込みます）。"
            )
        try:
            conn = sqlite3.connect(str(path))
            conn.execute("PRAGMA journal_mode = DELETE")  # no WAL: the folder may be shared
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise NationalFileError(
                f"全国集計結果の保存ファイル {path} を開けません（{exc}）。"
            ) from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise NationalFileError(
                f"全国集計結果の保存ファイル {path} は新しい版のアプリで作られています。アプリを更新してください。"
            )
        library = cls(path, sqlite_access.database(conn))
        if version < SCHEMA_VERSION:
            library._create_schema()
        return library

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> NationalLibrary:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _create_schema(self) -> None:
        with self.db.atomic():
            self.db["datasets"].create(
                _sql_types(_DATASET_COLUMNS), pk="fiscal_year", if_not_exists=True
            )
            self.db["municipalities"].create(
                {"fiscal_year": int, **_sql_types(_MUNICIPALITY_COLUMNS)},
                pk=("fiscal_year", "serial"),
                foreign_keys=[("fiscal_year", "datasets", "fiscal_year")],
                if_not_exists=True,
            )
            self.db["frames"].create(
                {"fiscal_year": int, "grant": str, "thousand_yen": float, "entered_at": str},
                pk=("fiscal_year", "grant"),
                if_not_exists=True,
            )
            # The municipality picked for an evaluation file (picked once, by 保険者番号
            # or prefecture and name; 通し番号 is stable across years).
            self.db["picks"].create(
                {"evaluation_file": str, "serial": int, "prefecture": str, "name": str},
                pk="evaluation_file",
                if_not_exists=True,
            )
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # --- reading -------------------------------------------------------------------------
    def years(self) -> list[StoredYear]:
        return [
            StoredYear(row["fiscal_year"], row["source_name"], row["imported_at"], row["count"])
            for row in self.db.query(
                "SELECT fiscal_year, source_name, imported_at, count FROM datasets ORDER BY fiscal_year DESC"
            )
        ]

    def has_year(self, fiscal_year: int) -> bool:
        return any(y.fiscal_year == fiscal_year for y in self.years())

    def load(self, fiscal_year: int | None = None) -> NationalDataset:
        """The stored dataset of ``fiscal_year`` (default: the newest)."""
        years = self.years()
        if not years:
            raise NationalFileError(
                "全国集計結果がまだ取り込まれていません（「全国の評価結果を取り込む」で取り込みます）。"
            )
        if fiscal_year is None:
            fiscal_year = years[0].fiscal_year
        rows = list(self.db.query("SELECT * FROM datasets WHERE fiscal_year = ?", [fiscal_year]))
        if not rows:
            known = "、".join(y.year_label for y in years)
            raise NationalFileError(
                f"{year_label(fiscal_year)}の全国集計結果は取り込まれていません（取込済み: {known}）。"
            )
        municipalities = [
            NationalMunicipality(**_fields(row, _MUNICIPALITY_COLUMNS))
            for row in self.db.query(
                "SELECT * FROM municipalities WHERE fiscal_year = ? ORDER BY serial", [fiscal_year]
            )
        ]
        return NationalDataset(**_fields(rows[0], _DATASET_COLUMNS), municipalities=municipalities)

    def entered_frames(self, fiscal_year: int) -> dict[str, float]:
        """基本配分枠 (千円) the user entered for a year."""
        return {
            row["grant"]: row["thousand_yen"]
            for row in self.db.query(
                "SELECT grant, thousand_yen FROM frames WHERE fiscal_year = ?", [fiscal_year]
            )
        }

    def set_frames(self, fiscal_year: int, frames: dict[str, float | None]) -> None:
        at = datetime.now().astimezone().isoformat(timespec="seconds")
        with self.db.atomic():
            for grant, value in frames.items():
                if value is None:
                    self.db.execute(
                        "DELETE FROM frames WHERE fiscal_year = ? AND grant = ?",
                        [fiscal_year, grant],
                    )
                else:
                    self.db["frames"].upsert(
                        {
                            "fiscal_year": fiscal_year,
                            "grant": grant,
                            "thousand_yen": float(value),
                            "entered_at": at,
                        },
                        pk=("fiscal_year", "grant"),
                    )

    def picked(self, evaluation_file: str) -> tuple[int, str, str] | None:
        """(通し番号, prefecture, name) last picked for ``evaluation_file``."""
        rows = list(
            self.db.query(
                "SELECT serial, prefecture, name FROM picks WHERE evaluation_file = ?",
                [evaluation_file],
            )
        )
        return (rows[0]["serial"], rows[0]["prefecture"], rows[0]["name"]) if rows else None

    def set_picked(self, evaluation_file: str, serial: int, prefecture: str, name: str) -> None:
        with self.db.atomic():
            self.db["picks"].upsert(
                {
                    "evaluation_file": evaluation_file,
                    "serial": serial,
                    "prefecture": prefecture,
                    "name": name,
                },
                pk="evaluation_file",
            )

    # --- writing -------------------------------------------------------------------------
    def preview(self, dataset: NationalDataset) -> ReplacePreview:
        """What storing ``dataset`` would replace; reads only."""
        stored = {y.fiscal_year: y for y in self.years()}.get(dataset.fiscal_year)
        preview = ReplacePreview(dataset.fiscal_year, stored)
        if stored is None:
            return preview
        head = self.db["datasets"].get(dataset.fiscal_year)
        preview.same_file = head["source_sha256"] == dataset.source_sha256
        old = {
            row["serial"]: (f"{row['prefecture']}{row['name']}", json.loads(row["totals"])["total"])
            for row in self.db.query(
                "SELECT serial, prefecture, name, totals FROM municipalities WHERE fiscal_year = ?",
                [dataset.fiscal_year],
            )
        }
        new = {m.serial: (m.display_name, m.total) for m in dataset.municipalities}
        preview.added = [new[s][0] for s in sorted(set(new) - set(old))]
        preview.removed = [old[s][0] for s in sorted(set(old) - set(new))]
        preview.changed = [
            (new[s][0], old[s][1], new[s][1])
            for s in sorted(set(old) & set(new))
            if old[s][1] != new[s][1]
        ]
        return preview

    def store(self, dataset: NationalDataset) -> None:
        """Store ``dataset``, replacing its year's dataset, in one transaction."""
        imported_at = datetime.now().astimezone().isoformat(timespec="seconds")
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM municipalities WHERE fiscal_year = ?", [dataset.fiscal_year]
            )
            self.db.execute("DELETE FROM datasets WHERE fiscal_year = ?", [dataset.fiscal_year])
            self.db["datasets"].insert(
                {**_stored(dataset, _DATASET_COLUMNS), "imported_at": imported_at}
            )
            names = ["fiscal_year", *_MUNICIPALITY_COLUMNS]
            self.db.conn.executemany(
                f"INSERT INTO municipalities ({', '.join(names)})"
                f" VALUES ({', '.join('?' * len(names))})",
                [
                    (dataset.fiscal_year, *_stored(m, _MUNICIPALITY_COLUMNS).values())
                    for m in dataset.municipalities
                ],
            )
        dataset.imported_at = imported_at


class SessionLibrary(NamedTuple):
    evaluation_path: Path  # the evaluation file the session reads
    library_path: Path  # the national results beside it
    year: str  # the session's fiscal year, imported there


def session_library(session) -> SessionLibrary | None:
    """Where the national results beside ``session``'s file are, when the session's year
    is imported there; None otherwise (no file, no library, not that year).

    The one lookup behind every figure the evaluation takes from the national results
    (its standing, 伸びしろ's rates): each then opens the library for what it needs.
    """
    from desktop import paths

    store_path = getattr(getattr(session, "store", None), "path", None)
    if not store_path:
        return None
    library_path = paths.national_library_path(store_path)
    if not library_path.exists():
        return None
    year = session.catalog.fiscal_year
    try:
        with NationalLibrary.open(library_path, create=False) as library:
            if not library.has_year(year):
                return None
    except NationalFileError:
        return None  # an unreadable library: the evaluation goes on without it
    return SessionLibrary(Path(store_path), library_path, year)
