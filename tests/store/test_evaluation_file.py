"""What the evaluation file stores, and the audit row each change leaves behind."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop.records import Municipality
from desktop.store import EvaluationFile
from desktop.store.errors import InvalidInput, NoEvaluation

A = "suishin.I.process.features.a"
INDICATOR = "suishin.I.process.features"
GROUP = "suishin.I.process"


def last_audit(store: EvaluationFile, evaluation_id: int | None = None):
    return store.history(evaluation_id, newest_first=True, limit=1)[0]


def test_the_municipality_and_its_changes(store):
    store.set_municipality(Municipality("北塩原村", "073059", "福島県", 1012))
    changes = store.set_municipality(Municipality("北塩原村", "073059", "福島県", 1050))
    assert [(c.field, c.old, c.new) for c in changes] == [("insured", "1012", "1050")]
    assert store.municipality() == Municipality("北塩原村", "073059", "福島県", 1050)
    entry = last_audit(store)
    assert (entry.action, entry.field, entry.old, entry.new) == (
        "municipality",
        "insured",
        "1012",
        "1050",
    )
    assert entry.user == "テスト担当"
    assert datetime.fromisoformat(entry.at).tzinfo is not None


def test_one_evaluation_per_year_pinned_to_its_catalog(session_r8, r8):
    store = session_r8.store
    record = store.evaluation_for_year(2026)
    assert (record.catalog_id, record.catalog_revision, record.catalog_hash) == (
        r8.id,
        r8.revision,
        r8.content_hash,
    )
    assert store.catalog_text(record.catalog_hash).startswith("#")
    with pytest.raises(InvalidInput) as caught:
        from desktop.evaluation.session import create_evaluation

        create_evaluation(store, r8)
    assert "令和8年度の評価はこのファイルにすでにあります" in str(caught.value)
    with pytest.raises(NoEvaluation) as missing:
        store.evaluation_for_year(2024)
    assert "令和6年度" in str(missing.value) and "令和8年度" in str(missing.value)


def test_indicator_notes_planned_responses_and_wordings_are_audited(session_r8):
    store, evaluation_id = session_r8.store, session_r8.evaluation_id
    store.update_indicator_note(
        evaluation_id,
        INDICATOR,
        memo="備考",
        evidence="計画書（共有/計画.pdf）",
        section="高齢福祉課",
        assignee="佐藤",
        status="確定",
    )
    note = store.indicator_note(evaluation_id, INDICATOR)
    assert (note.memo, note.evidence, note.section, note.assignee, note.status) == (
        "備考",
        "計画書（共有/計画.pdf）",
        "高齢福祉課",
        "佐藤",
        "確定",
    )
    store.set_planned_response(evaluation_id, GROUP, "研修を増やす")
    store.set_wording(evaluation_id, A, "地域の特徴を把握している")
    store.set_wording(evaluation_id, A, None)
    assert store.planned_responses(evaluation_id) == {GROUP: "研修を増やす"}
    assert store.wordings(evaluation_id) == {}
    found = [(e.action, e.target, e.field, e.old, e.new) for e in store.history(evaluation_id)]
    assert ("note", INDICATOR, "status", "未着手", "確定") in found
    assert ("planned_response", GROUP, "planned_response", "", "研修を増やす") in found
    assert ("wording", A, "wording", None, "地域の特徴を把握している") in found
    assert ("wording", A, "wording", "地域の特徴を把握している", None) in found


def test_evidence_files_are_copied_in_and_audited(session_r8, tmp_path):
    store, evaluation_id = session_r8.store, session_r8.evaluation_id
    evidence = tmp_path / "会議録.txt"
    evidence.write_bytes("地域ケア会議 会議録".encode())
    attachment = store.add_attachment(evaluation_id, INDICATOR, name="会議録", file_path=evidence)
    assert attachment.has_content and attachment.file_name == "会議録.txt"
    evidence.unlink()  # the copy inside the file is what counts
    assert store.attachment_content(attachment.id) == "地域ケア会議 会議録".encode()
    store.remove_attachment(evaluation_id, attachment.id)
    assert store.attachments(evaluation_id) == []
    found = [(e.field, e.old, e.new) for e in store.history(evaluation_id, target=INDICATOR)]
    assert ("add", None, "会議録") in found and ("remove", "会議録", None) in found


def test_an_unreadable_evidence_file_is_a_clear_error(session_r8, tmp_path):
    with pytest.raises(InvalidInput) as caught:
        session_r8.store.add_attachment(
            session_r8.evaluation_id, INDICATOR, name="x", file_path=tmp_path / "ない.pdf"
        )
    assert "ない.pdf" in str(caught.value)
    assert "No such file" not in str(caught.value)  # no English left in the message


def test_the_user_name_is_the_os_user_unless_set(db_path, monkeypatch):
    from desktop.store.evaluation_file import default_user

    monkeypatch.setenv("HYOKA_USER", "  窓口担当  ")
    assert default_user() == "窓口担当"
    monkeypatch.delenv("HYOKA_USER")
    assert default_user()  # the OS login name (or a Japanese placeholder)
    with EvaluationFile.open(db_path, user="指定した名前") as store:
        store.set_municipality(Municipality("北塩原村"))
        assert last_audit(store).user == "指定した名前"


def test_a_sqlite_utils_plugin_on_the_machine_never_touches_the_file(db_path):
    """sqlite-utils runs its installed plugins' hooks on every connection it wraps unless
    told not to: code the app does not ship must not reach a user's evaluation file."""
    from sqlite_utils import hookimpl
    from sqlite_utils.plugins import pm

    touched = []

    class ForeignPlugin:
        @hookimpl
        def prepare_connection(self, conn):
            touched.append(conn)

    plugin = ForeignPlugin()
    pm.register(plugin)
    try:
        store = EvaluationFile.open(db_path, user="山田")
        store.set_municipality(Municipality("北塩原村", "073059", "福島県", 1012))
        store.close()
    finally:
        pm.unregister(plugin)
    assert touched == []
    reopened = EvaluationFile.open(db_path, user="山田", read_only=True)
    assert reopened.municipality().name == "北塩原村"
    reopened.close()
