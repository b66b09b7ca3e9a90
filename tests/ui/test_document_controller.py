"""The window's document controller reports the heartbeat through signals."""

from __future__ import annotations

import json
from datetime import datetime

from desktop.evaluation.document import Document
from desktop.records import Municipality
from desktop.ui.document_controller import LOST_BY_TAKEOVER, DocumentController


def someone_elses_lock(path) -> None:
    """A fresh lock of a session on another PC: they took the file over."""
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    holder = {"user": "田中", "host": "somebody-elses-pc", "pid": 4242, "since": now}
    holder.update({"heartbeat": now, "app": "Hyoka Desk 0.1.0", "token": "theirs"})
    lock_file(path).write_text(json.dumps(holder, ensure_ascii=False), encoding="utf-8")


def lock_file(path):
    return path.with_name(path.name + ".lock")


def test_heartbeat_reports_a_lost_lock_and_close_releases_nothing_of_theirs(qapp, db_path, r8):
    document = Document.open(db_path, user="山田")
    document.create_evaluation(r8, Municipality(name="北塩原村"))
    controller = DocumentController()
    lost, messages = [], []
    controller.lock_lost.connect(lost.append)
    controller.message.connect(messages.append)
    controller.adopt(document)
    assert controller.heartbeat_timer.isActive()
    assert controller.path == db_path
    controller.heartbeat()
    assert lost == []
    someone_elses_lock(db_path)
    controller.heartbeat()
    assert lost == [LOST_BY_TAKEOVER]
    controller.close()
    assert controller.document is None and not controller.heartbeat_timer.isActive()
    assert "田中" in lock_file(db_path).read_text(encoding="utf-8")  # theirs stays
