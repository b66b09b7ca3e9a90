"""Opening, locking, the heartbeat, backups, restoring and a lost lock, without Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from desktop.evaluation.document import Document, list_backups, restore, verify_and_back_up
from desktop.evaluation.errors import FileLocked, LockLost, NoEvaluation
from desktop.records import Municipality
from desktop.store.lock import lock_path, read_holder

ITEM = "suishin.I.process.features.a"
VILLAGE = Municipality(name="北塩原村", code="073059")


def someone_elses_lock(path, *, heartbeat_age=timedelta(0)) -> None:
    """A lock left by a session on another PC (fresh unless ``heartbeat_age`` says otherwise)."""
    now = datetime.now().astimezone()
    lock_path(path).write_text(
        json.dumps(
            {
                "user": "田中",
                "host": "somebody-elses-pc",
                "pid": 4242,
                "since": (now - timedelta(hours=2)).isoformat(timespec="seconds"),
                "heartbeat": (now - heartbeat_age).isoformat(timespec="seconds"),
                "app": "Hyoka Desk 0.1.0",
                "token": "someone-elses-token",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


@pytest.fixture
def evaluation(db_path, r8):
    """A closed file with an R8 evaluation and one answer."""
    document = Document.open(db_path, user="山田")
    session = document.create_evaluation(r8, VILLAGE)
    session.answer(ITEM, "該当")
    document.close()
    return db_path


def test_opening_takes_the_lock_and_closing_releases_it(evaluation):
    document = Document.open(evaluation, user="山田")
    assert not document.read_only
    assert read_holder(lock_path(evaluation)).user == "山田"
    assert document.fiscal_years() == {2026}
    assert document.municipality().name == "北塩原村"
    document.close()
    assert not lock_path(evaluation).exists()


def test_a_file_someone_has_open_is_refused_but_can_be_read(evaluation):
    first = Document.open(evaluation, user="山田")
    try:
        with pytest.raises(FileLocked) as locked:
            Document.open(evaluation, user="鈴木")
        assert locked.value.holder.user == "山田"
        assert not locked.value.stale
        reader = Document.open(evaluation, user="鈴木", read_only=True)
        assert reader.read_only
        assert reader.session().answers()[ITEM] == "該当"
        reader.close()
        assert read_holder(lock_path(evaluation)).user == "山田"  # a reader leaves it alone
    finally:
        first.close()


def test_a_stale_lock_can_be_taken_over_and_a_fresh_one_cannot(evaluation):
    someone_elses_lock(evaluation)
    with pytest.raises(FileLocked):
        Document.open(evaluation, takeover=True)
    someone_elses_lock(evaluation, heartbeat_age=timedelta(hours=3))
    document = Document.open(evaluation, user="佐藤", takeover=True)
    assert read_holder(lock_path(evaluation)).user == "佐藤"
    document.close()


def test_heartbeat_keeps_the_lock_and_reports_when_it_is_lost(evaluation):
    document = Document.open(evaluation, user="山田")
    session = document.session()
    assert document.heartbeat().lock_lost is False
    someone_elses_lock(evaluation)  # taken over while we looked away
    beat = document.heartbeat()
    assert beat.lock_lost is True
    with pytest.raises(LockLost):
        session.answer(ITEM, "非該当")
    reader = document.reopen_read_only(user="山田")
    assert reader.read_only
    assert reader.session().answers()[ITEM] == "該当"  # nothing was written
    assert read_holder(lock_path(evaluation)).user == "田中"  # their lock stays theirs
    reader.close()


def test_a_read_only_document_has_a_quiet_heartbeat(evaluation):
    reader = Document.open(evaluation, read_only=True)
    beat = reader.heartbeat()
    assert (beat.lock_lost, beat.backup, beat.backup_error) == (False, None, None)
    reader.close()


def test_checking_later_makes_the_opening_backup_off_the_users_path(evaluation):
    before = len(list_backups(evaluation))
    document = Document.open(evaluation, user="山田", check_later=True)
    assert len(list_backups(evaluation)) == before  # not while opening
    made = verify_and_back_up(evaluation)
    document.opening_backup_made(made)
    assert document.last_backup == made
    assert document.backups()[0].path == made
    document.close()


def test_restore_puts_a_backup_back_and_keeps_the_state_before_it(evaluation):
    document = Document.open(evaluation, user="山田")
    backup = document.backups()[0]  # made when the evaluation was opened, with 該当
    document.session().answer(ITEM, "非該当")
    document.restore(backup, user="山田")
    assert not lock_path(evaluation).exists()  # closed, for the caller to open again
    reopened = Document.open(evaluation, user="山田")
    assert reopened.session().answers()[ITEM] == "該当"
    reopened.close()
    assert len(list_backups(evaluation)) > 1  # the state before the restore is kept


def test_restore_by_path_on_a_closed_file(evaluation):
    backup = verify_and_back_up(evaluation)
    with Document.open(evaluation, user="山田").store as store:
        store.set_answers(1, {ITEM: "非該当"})
    kept = restore(evaluation, backup, user="山田")
    assert kept.exists()
    reader = Document.open(evaluation, read_only=True)
    assert reader.session().answers()[ITEM] == "該当"
    reader.close()


def test_an_empty_file_has_no_evaluation_yet(db_path):
    document = Document.open(db_path, user="山田")
    with pytest.raises(NoEvaluation):
        document.session()
    document.close()


def test_the_application_layer_loads_no_qt():
    code = (
        "import sys\n"
        "import desktop.evaluation.document, desktop.evaluation.errors, desktop.evaluation.carryover\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_opening_and_reading_leave_sqlite_utils_for_the_first_save(evaluation):
    """The window is on screen sooner when opening only reads: sqlite-utils (≈ 30–40 ms to
    import) is loaded by the first write, or earlier by ``prepare_writes`` while idle."""
    code = (
        "import sys\n"
        "from desktop.evaluation.document import Document\n"
        f"document = Document.open({str(evaluation)!r}, user='山田', check_later=True)\n"
        "session = document.session()\n"
        f"answer = session.answers()[{ITEM!r}]\n"
        "print(answer, 'sqlite_utils' in sys.modules)\n"
        "document.prepare_writes()\n"
        "print('sqlite_utils' in sys.modules)\n"
        "session.answer('" + ITEM + "', '非該当')\n"
        "document.close()\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        # Piped output is in the ANSI code page on Windows (cp1252 under Wine): print 該当 in UTF-8.
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert completed.stdout.split() == ["該当", "False", "True"], completed.stderr
    reopened = Document.open(evaluation, user="山田")
    assert reopened.session().answers()[ITEM] == "非該当"
    reopened.close()


def test_a_killed_saves_leftover_beside_the_file_is_swept_when_asked(evaluation):
    import os
    import time

    stale = evaluation.parent / ".~hyoka-ab12cd34.pdf"
    fresh = evaluation.parent / ".~hyoka-ef56gh78.xlsx"  # someone's export right now
    for path in (stale, fresh):
        path.write_bytes(b"%PDF- cut")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    document = Document.open(evaluation, user="山田")
    assert document.sweep_leftover_temporaries() == [stale]
    document.close()
    assert not stale.exists() and fresh.exists()
