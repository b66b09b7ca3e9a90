"""Output files are replaced only when completely written."""

from __future__ import annotations

import errno

import pytest

from desktop.safe_save import SaveError, save_atomically


def test_the_file_appears_only_when_written(tmp_path):
    target = tmp_path / "出力.xlsx"
    seen = []

    def write(temporary):
        seen.append(target.exists())
        with open(temporary, "wb") as handle:
            handle.write(b"new")

    assert save_atomically(target, write) == target
    assert seen == [False] and target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["出力.xlsx"]


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (PermissionError(errno.EACCES, "in use"), "閉じてから"),
        (OSError(errno.ENOSPC, "No space left on device"), "ディスクの空き容量が足りません"),
    ],
)
def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path, failure, message):
    target = tmp_path / "出力.pdf"
    target.write_bytes(b"old")

    def write(temporary):
        with open(temporary, "wb") as handle:
            handle.write(b"half")
        raise failure

    with pytest.raises(SaveError, match=message):
        save_atomically(target, write, opened_in="PDF の閲覧ソフトなど")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["出力.pdf"]


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(SaveError, match="フォルダ"):
        save_atomically(tmp_path / "ない" / "x.xlsx", lambda _t: None)
