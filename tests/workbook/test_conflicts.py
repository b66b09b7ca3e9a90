"""Conflicts: changed in the database after the export and in the workbook too."""

from __future__ import annotations

import pytest

from desktop.records import import_source
from desktop.workbook.importer import (
    PREFER_DATABASE,
    PREFER_WORKBOOK,
    ImportRejected,
    apply,
    preview_import,
)

TARGET = "suishin.I.process.features.c"


@pytest.fixture
def conflicted(filled, exported, wb, tmp_path):
    """c: DB says 非該当 after the export, the workbook says 該当; d: a plain change."""
    edited = wb.edit(
        exported,
        tmp_path / "競合.xlsx",
        {(TARGET, "回答"): "該当", ("suishin.I.process.features.d", "回答"): "該当"},
    )
    filled.store.user = "佐藤"  # a colleague answers in the app after the export
    filled.answer(TARGET, "非該当")
    filled.store.user = "テスト担当"
    return edited


def test_conflict_is_detected_with_who_changed_it(filled, conflicted):
    preview = preview_import(filled, conflicted)
    assert preview.ok
    assert [c.target for c in preview.conflicts] == [TARGET]
    conflict = preview.conflicts[0]
    assert (conflict.exported, conflict.database, conflict.workbook) == (None, "非該当", "該当")
    assert conflict.last_user == "佐藤"
    assert [c.target for c in preview.changes] == ["suishin.I.process.features.d"]


def test_undecided_conflict_applies_nothing(filled, conflicted, wb):
    preview = preview_import(filled, conflicted)
    before = wb.digest(filled.store.path)
    with pytest.raises(ImportRejected, match="競合 1 件"):
        apply(preview, {})
    with pytest.raises(ImportRejected):
        apply(preview, {preview.conflicts[0].key: "どちらでも"})
    assert wb.digest(filled.store.path) == before


def test_resolved_for_the_workbook(filled, conflicted):
    preview = preview_import(filled, conflicted)
    apply(preview, {preview.conflicts[0].key: PREFER_WORKBOOK})
    answers = filled.answers()
    assert answers[TARGET] == "該当"
    assert answers["suishin.I.process.features.d"] == "該当"
    entry = filled.store.history(filled.evaluation_id, target=TARGET)[-1]
    assert (entry.old, entry.new, entry.source) == ("非該当", "該当", import_source("競合.xlsx"))


def test_resolved_for_the_database(filled, conflicted):
    preview = preview_import(filled, conflicted)
    apply(preview, {preview.conflicts[0].key: PREFER_DATABASE})
    answers = filled.answers()
    assert answers[TARGET] == "非該当"  # kept
    assert answers["suishin.I.process.features.d"] == "該当"  # the other change still applied
    assert filled.store.history(filled.evaluation_id, target=TARGET)[-1].source is None


def test_same_new_value_on_both_sides_is_no_conflict(filled, exported, wb, tmp_path):
    edited = wb.edit(exported, tmp_path / "same.xlsx", {(TARGET, "回答"): "非該当"})
    filled.answer(TARGET, "非該当")
    preview = preview_import(filled, edited)
    assert preview.ok and preview.is_empty


def test_database_change_alone_is_kept(filled, exported, wb):
    """Changed only in the database after the export: the untouched workbook value does not revert it."""
    filled.answer(TARGET, "非該当")
    preview = preview_import(filled, exported)
    assert preview.ok and preview.is_empty


def test_note_conflict(filled, exported, wb, tmp_path):
    edited = wb.edit(
        exported, tmp_path / "n.xlsx", {("suishin.I.process.features", "根拠資料"): "ブックの資料"}
    )
    filled.note("suishin.I.process.features", evidence="画面で直した資料")
    preview = preview_import(filled, edited)
    assert [(c.field, c.database, c.workbook) for c in preview.conflicts] == [
        ("evidence", "画面で直した資料", "ブックの資料")
    ]
