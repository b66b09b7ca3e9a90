"""The national results library: stored offline, one dataset per year, replaced with a preview."""

from __future__ import annotations

import sqlite3

import pytest

from desktop import paths
from desktop.national.errors import NationalFileError
from desktop.national.library import NationalLibrary
from desktop.national.reader import read_national
from tests.national.synthetic import make_municipalities, make_workbook


def test_stored_dataset_is_there_after_reopening(tmp_path, national_r8, national_r7):
    path = tmp_path / "lib.sqlite"
    dataset = read_national(national_r8.path)
    with NationalLibrary.open(path) as library:
        assert library.preview(dataset).replaces is None
        library.store(dataset)
        library.store(read_national(national_r7.path))
    with NationalLibrary.open(path, create=False) as library:
        assert [y.year_code for y in library.years()] == ["R8", "R7"]
        loaded = library.load()  # newest
    assert loaded.fiscal_year == 2026
    assert loaded.columns == dataset.columns
    assert [(m.serial, m.insurer, m.total, m.points) for m in loaded.municipalities] == [
        (m.serial, m.insurer, m.total, m.points) for m in dataset.municipalities
    ]
    assert loaded.checks == dataset.checks


def test_reimport_previews_the_changes_then_replaces(tmp_path, national_r8):
    path = tmp_path / "lib.sqlite"
    with NationalLibrary.open(path) as library:
        library.store(read_national(national_r8.path))
        same = library.preview(read_national(national_r8.path))
        assert same.same_file and not same.has_changes

        munis = make_municipalities(national_r8.catalog, 80, 8)[:79]  # one fewer
        changed = munis[0]
        key = "suishin.I.process.features.a"
        changed.points[key] = 0 if changed.points[key] else 4
        info = make_workbook(tmp_path / "v2.xlsx", year=2026, count=79, municipalities=munis)
        second = read_national(info.path)
        preview = library.preview(second)
        assert [name for name, _old, _new in preview.changed] == [
            f"{changed.prefecture}{changed.name}"
        ]
        assert len(preview.removed) == 1
        assert any("置き換えます" in line for line in preview.lines())
        library.store(second)
        assert library.load(2026).count == 79
        rows = library.db.execute("SELECT COUNT(*) FROM municipalities").fetchone()[0]
        assert rows == 79


def test_a_failed_store_keeps_the_old_dataset(tmp_path, national_r8, monkeypatch):
    path = tmp_path / "lib.sqlite"
    dataset = read_national(national_r8.path)
    with NationalLibrary.open(path) as library:
        library.store(dataset)
        broken = read_national(national_r8.path)
        broken.municipalities[5].serial = broken.municipalities[4].serial  # primary key clash
        with pytest.raises(sqlite3.IntegrityError):
            library.store(broken)
        assert library.load(2026).count == 80


def test_no_dataset_yet_is_a_clear_message(tmp_path):
    with pytest.raises(NationalFileError, match="まだ取り込まれていません"):
        NationalLibrary.open(tmp_path / "none.sqlite", create=False)
    with (
        NationalLibrary.open(tmp_path / "empty.sqlite") as library,
        pytest.raises(NationalFileError, match="まだ取り込まれていません"),
    ):
        library.load()


def test_library_lives_beside_the_evaluation_file(tmp_path):
    assert (
        paths.national_library_path(tmp_path / "a" / "town.sqlite")
        == (tmp_path / "a" / "hyoka-desk-national.sqlite").resolve()
    )


def test_frames_entered_by_the_user_are_kept(tmp_path):
    with NationalLibrary.open(tmp_path / "lib.sqlite") as library:
        library.set_frames(2026, {"suishin": 7000000, "shien": None})
        assert library.entered_frames(2026) == {"suishin": 7000000.0}
