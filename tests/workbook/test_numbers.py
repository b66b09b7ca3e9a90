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
