"""Carrying forward copies attachments through a scratch folder: a crafted stored name
must not write outside it (issue 11, item 2)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from desktop.evaluation.carryover import carry_forward
from desktop.evaluation.session import create_evaluation
from desktop.store import EvaluationFile

INDICATOR = "suishin.I.process.features"


def test_a_crafted_attachment_name_is_carried_as_a_safe_name(db_path, r7):
    escape_to = Path(tempfile.gettempdir()) / "hyoka-carry-escaped.pdf"
    with EvaluationFile.open(db_path) as store:
        create_evaluation(store, r7)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO attachments (evaluation_id, indicator_id, name, location, file_name,"
            " size, sha256, content, added_at, added_by) VALUES (1, ?, '議事録', '', ?, 3, '',"
            " ?, '2026-01-01T00:00:00', '誰か')",
            [INDICATOR, "../../" + escape_to.name, b"abc"],
        )
    conn.close()
    with EvaluationFile.open(db_path) as store:
        session, _plan = carry_forward(store, r7.fiscal_year)
        (carried,) = store.attachments(session.evaluation_id)
        assert carried.file_name == escape_to.name
        assert store.attachment_content(carried.id) == b"abc"
    assert not escape_to.exists()
