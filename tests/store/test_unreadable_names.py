"""A name or memo made of bytes that are no text: a clear message, the file untouched, no lock left.

On Linux the command line and the environment are bytes; Python keeps bytes that are
not UTF-8 as lone surrogates (surrogateescape), which no file can store.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desktop.store import EvaluationFile
from desktop.store.errors import InvalidInput
from desktop.store.lock import FileLock, lock_path

ITEM = "suishin.I.process.features.c"
INDICATOR = "suishin.I.process.features"
NOT_TEXT = b"\xff\xfe\x80"
MESSAGE = "文字として読めない部分（文字化け）があります"

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows passes the command line as text, not bytes"
)


def run_cli(args: list[bytes], env_extra: dict[bytes, bytes] | None = None):
    env = dict(os.environb)
    env[b"PYTHONIOENCODING"] = b"utf-8"
    env[b"PYTHONPATH"] = os.fsencode(os.pathsep.join(sys.path))
    env.update(env_extra or {})
    return subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"desktop", *args],
        capture_output=True,
        env=env,
        timeout=120,
    )


def one_error_line(result) -> str:
    err = result.stderr.decode("utf-8")
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("hyoka-desk: エラー: ")
    assert "Traceback" not in err and "予期しない" not in err
    return lines[0]


def answer_command(path) -> list[bytes]:
    return [b"answer", b"--db", os.fsencode(path), ITEM.encode(), "該当".encode()]


@posix_only
@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        ([b"--user", b"ab" + NOT_TEXT], None, "--user の値"),
        ([b"--user=ab" + NOT_TEXT], None, "--user の値"),
        ([], {b"HYOKA_USER": b"ab" + NOT_TEXT}, "環境変数 HYOKA_USER"),
    ],
    ids=["--user NAME", "--user=NAME", "HYOKA_USER"],
)
def test_a_user_name_that_is_no_text_is_refused_and_leaves_no_lock(
    evaluation_file, fingerprint, args, env, named
):
    path = evaluation_file()
    before = fingerprint(path)
    result = run_cli([*args, *answer_command(path)], env)
    assert result.returncode in (1, 2)
    line = one_error_line(result)
    assert named in line and MESSAGE in line
    assert fingerprint(path) == before
    assert not lock_path(path).exists()
    # Nothing blocks the next writer.
    later = run_cli(answer_command(path))
    assert later.returncode == 0, later.stderr.decode("utf-8")
    assert not lock_path(path).exists()


@posix_only
@pytest.mark.slow
def test_a_memo_that_is_no_text_is_refused_and_leaves_no_lock(evaluation_file, fingerprint):
    path = evaluation_file()
    before = fingerprint(path)
    result = run_cli(
        [b"note", b"--db", os.fsencode(path), INDICATOR.encode(), b"--memo", b"x" + NOT_TEXT]
    )
    assert result.returncode == 2
    line = one_error_line(result)
    assert "--memo の値" in line and MESSAGE in line
    assert fingerprint(path) == before
    assert not lock_path(path).exists()


@posix_only
@pytest.mark.slow
def test_an_item_id_that_is_no_text_is_named_by_its_position(evaluation_file):
    path = evaluation_file()
    result = run_cli([b"answer", b"--db", os.fsencode(path), NOT_TEXT, "該当".encode()])
    assert result.returncode == 2
    assert "4 番目の引数" in one_error_line(result)


def test_opening_with_such_a_name_is_refused_before_the_lock(evaluation_file, fingerprint):
    path = evaluation_file()
    before = fingerprint(path)
    name = (b"ab" + NOT_TEXT).decode("utf-8", "surrogateescape")  # what Python makes of such bytes
    with pytest.raises(InvalidInput) as refused:
        EvaluationFile.open(path, user=name)
    assert "利用者名" in str(refused.value) and MESSAGE in str(refused.value)
    assert fingerprint(path) == before
    assert not lock_path(path).exists()


def test_hyoka_user_that_is_no_text_is_refused(evaluation_file, monkeypatch):
    path = evaluation_file()
    monkeypatch.setenv("HYOKA_USER", (b"ab" + NOT_TEXT).decode("utf-8", "surrogateescape"))
    with pytest.raises(InvalidInput) as refused:
        EvaluationFile.open(path)
    assert "HYOKA_USER" in str(refused.value)
    assert not lock_path(path).exists()


def test_the_lock_itself_never_leaves_an_empty_file_for_such_a_name(db_path):
    lock = FileLock(db_path, (b"ab" + NOT_TEXT).decode("utf-8", "surrogateescape"))
    with pytest.raises(InvalidInput):
        lock.acquire()
    assert not lock.held
    assert not lock_path(db_path).exists()
