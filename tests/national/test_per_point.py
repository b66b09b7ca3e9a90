"""What a point is worth (試算): the line beside the totals, from the dataset and the frames."""

from __future__ import annotations

from desktop import paths
from desktop.catalog import registry
from desktop.national.library import NationalLibrary
from desktop.national.standing import (
    per_point_line,
    per_point_text,
    per_point_values,
    session_per_point,
)
from tests.national.test_ui import SCREENSHOTS, window, workbook_with_town  # noqa: F401
from tests.ui.conftest import half_answered

FRAMES = {"suishin": 8_122_500.0, "shien": 16_245_000.0}


def test_text_is_always_labelled_an_estimate():
    assert per_point_text(12.4) == "1点あたり 約12千円（試算）"
    assert per_point_text(3.25) == "1点あたり 約3.2千円（試算）"
    assert per_point_text(None) is None
    assert per_point_line({"suishin": 12.0, "shien": None}) == "推進 1点あたり 約12千円（試算）"
    assert per_point_line({}) == ""


def test_own_municipality_is_used_until_one_is_picked(picked_session):
    session, dataset, me = picked_session
    with NationalLibrary.open(paths.national_library_path(session.store.path)) as library:
        library.set_frames(2026, FRAMES)
    assert session_per_point(session) == per_point_values(dataset, me, FRAMES)
    assert session_per_point(session)["suishin"] > 0


def test_dashboard_shows_one_points_worth(window, qtbot, tmp_path, workbook_with_town):  # noqa: F811
    info, _town = workbook_with_town
    db = tmp_path / "town.sqlite"
    half_answered(db, registry.for_year(2026))
    assert window.open_path(db)
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.dashboard.per_point.isHidden()  # nothing imported yet
    assert window.national.import_national(info.path, confirm=lambda lines: True)
    with NationalLibrary.open(paths.national_library_path(db)) as library:
        library.set_frames(2026, FRAMES)
        dataset = library.load(2026)
    dialog = window.national.show_national()
    assert dialog.municipality.name == "北塩原村"
    dialog.close()  # closing the view refreshes the line (a pick or frames may have changed)
    me = next(m for m in dataset.municipalities if m.name == "北塩原村")
    expected = per_point_values(dataset, me, FRAMES)
    qtbot.waitUntil(lambda: window.dashboard.per_point.text() != "")
    assert window.dashboard.per_point.text() == per_point_line(expected)
    assert "（試算）" in window.dashboard.per_point.text()
    assert window.dashboard.per_point.isVisible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "per_point_status.png"))
