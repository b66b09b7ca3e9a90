"""A number of points is typed with the digits 0-9 (half- or full-width) and nothing else."""

from __future__ import annotations

import pytest

from desktop.scoring.answers import AnswerError, is_plain_number, normalize
from desktop.workbook.importer import preview_import

EXTERNAL_ITEM = "suishin.outcome-frame.efforts.points"  # 0〜100 points, typed as a number


@pytest.mark.parametrize("typed", ["٥", "۵", "५", "①", "²", "1_0", "+5", "5.0", "-٥", "五"])
def test_other_digits_are_not_a_number_of_points(r8, typed):
    assert not is_plain_number(typed)
    with pytest.raises(AnswerError) as raised:
        normalize(r8, EXTERNAL_ITEM, typed)
    assert "0〜100 の整数" in str(raised.value)


@pytest.mark.parametrize(("typed", "stored"), [("5", "5"), ("５", "5"), (" 12 ", "12"), (0, "0")])
def test_ascii_and_full_width_digits_are(r8, typed, stored):
    assert is_plain_number(typed)
    assert normalize(r8, EXTERNAL_ITEM, typed) == stored


@pytest.mark.parametrize("typed", ["٥", "٢٠"])
def test_a_workbook_with_arabic_indic_digits_is_refused(exported, tmp_path, filled, wb, typed):
    path = wb.edit(exported, tmp_path / "arabic.xlsx", {(EXTERNAL_ITEM, "回答"): typed})
    before = wb.digest(filled.store.path)
    preview = preview_import(filled, path)
    assert [p.sheet for p in preview.errors] == ["成果指向配分枠（別枠）"]
    assert f"「{typed}」は回答として使えません" in str(preview.errors[0])
    assert preview.changes == [] and wb.digest(filled.store.path) == before


def test_a_workbook_with_full_width_digits_is_imported(exported, tmp_path, filled, wb):
    path = wb.edit(exported, tmp_path / "wide.xlsx", {(EXTERNAL_ITEM, "回答"): "３０"})
    preview = preview_import(filled, path)
    assert preview.ok
    assert [(c.target, c.workbook) for c in preview.changes] == [(EXTERNAL_ITEM, "30")]


@pytest.mark.parametrize("typed", ["٥", "٢٠", "1_0", "1e3", "inf", "五"])
def test_official_points_take_only_digits_0_to_9(typed):
    from desktop.report.official import OfficialResultError, parse_points

    with pytest.raises(OfficialResultError, match="数値ではありません"):
        parse_points(typed, "推進交付金")


@pytest.mark.parametrize(("typed", "value"), [("52", 52.0), ("５２.５", 52.5), ("52点", 52.0)])
def test_official_points_in_ascii_or_full_width_digits(typed, value):
    from desktop.report.official import parse_points

    assert parse_points(typed, "推進交付金") == value


def test_the_number_of_insured_takes_only_digits_0_to_9():
    import argparse

    from desktop.cli.parser import positive_int

    assert positive_int("1,012") == positive_int("１０１２") == 1012
    for typed in ("٥٠٠", "1_0", "五百"):
        with pytest.raises(argparse.ArgumentTypeError, match="整数ではありません"):
            positive_int(typed)
