"""Saved files follow the user's umask, as any program's would (issue 11, item 10).

They used to be created 0600 (``tempfile.mkstemp``'s mode, kept by the rename), so a
workbook put on a shared folder could not be read by colleagues.
"""

from __future__ import annotations

import os
import stat

import pytest

from desktop.safe_save import save_atomically

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_saved_file_gets_the_mode_of_the_umask(tmp_path, umask):
    def write(temporary):
        with open(temporary, "wb") as handle:
            handle.write(b"x")

    out = save_atomically(tmp_path / "結果.pdf", write)
    assert mode(out) == 0o666 & ~umask


def test_an_exported_workbook_gets_the_mode_of_the_umask(session_r8, tmp_path, umask):
    from desktop.workbook.submission import export_submission

    out = export_submission(session_r8, tmp_path / "提出.xlsx")
    assert mode(out) == 0o666 & ~umask
