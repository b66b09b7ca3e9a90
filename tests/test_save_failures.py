"""A failed or killed write leaves no temporary file and no traceback (issue 11, item 8)."""

from __future__ import annotations

import errno
import gc
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import pytest

from desktop.safe_save import remove_stale_temporaries, save_atomically

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A full disk for the zip archives openpyxl writes into our temporary files: every
# write fails with ENOSPC, including the one the archive makes when it is collected.
FULL_DISK = textwrap.dedent(
    """
    import errno, io, os, zipfile

    class FullDisk(io.BytesIO):
        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    _original_init = zipfile.ZipFile.__init__

    def _init(self, file, mode="r", *args, **kwargs):
        if mode == "w" and ".~hyoka-" in str(file):
            file = FullDisk()
        _original_init(self, file, mode, *args, **kwargs)

    zipfile.ZipFile.__init__ = _init
    """
)


class FullDisk(io.BytesIO):
    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_disk(monkeypatch):
    original = zipfile.ZipFile.__init__

    def init(self, file, mode="r", *args, **kwargs):
        if mode == "w" and ".~hyoka-" in str(file):
            file = FullDisk()
        original(self, file, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", init)


@pytest.fixture
def unraisable(monkeypatch):
    """What Python would print as "Exception ignored in …" (with a traceback)."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))
    return seen


def test_a_full_disk_leaves_no_late_traceback_and_no_temporary(
    session_r8, tmp_path, full_disk, unraisable
):
    from desktop.workbook.submission import ExportError, export_submission

    out = tmp_path / "提出.xlsx"
    with pytest.raises(ExportError, match="ディスクの空き容量が足りません"):
        export_submission(session_r8, out)
    gc.collect()
    assert unraisable == []
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~hyoka-")]


def test_any_failure_of_the_writer_removes_the_temporary(tmp_path):
    def broken(temporary):
        with open(temporary, "wb") as handle:
            handle.write(b"half")
        raise ValueError("not an OS error")

    with pytest.raises(ValueError):
        save_atomically(tmp_path / "x.pdf", broken)
    assert list(tmp_path.iterdir()) == []


def run_cli(*argv, prelude: str = "", cwd=None) -> subprocess.CompletedProcess:
    script = prelude + "\nimport sys\nfrom desktop.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    env = dict(os.environ, PYTHONPATH=REPO, HYOKA_USER="テスト担当")
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, argv)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture
def evaluation_file(tmp_path):
    db = tmp_path / "評価.sqlite"
    done = run_cli("new", "--db", db, "--catalog", "municipal-r8", "--municipality", "北塩原村")
    assert done.returncode == 0, done.stderr
    return db


def test_export_onto_a_full_disk_prints_one_line_in_a_real_process(evaluation_file, tmp_path):
    out = tmp_path / "提出.xlsx"
    done = run_cli("export", "--db", evaluation_file, "--out", out, prelude=FULL_DISK)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"hyoka-desk: エラー: {out} に保存できません（ディスクの空き容量が足りません）。"
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~hyoka-")]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_report_killed_mid_write_is_swept_by_the_next_write(evaluation_file, tmp_path):
    killed_mid_write = textwrap.dedent(
        """
        import os, signal
        import openpyxl

        def save(self, filename):
            with open(filename, "wb") as handle:
                handle.write(b"PK half a report")
            os.kill(os.getpid(), signal.SIGKILL)

        openpyxl.Workbook.save = save
        """
    )
    out = tmp_path / "結果.xlsx"
    done = run_cli("report", "--db", evaluation_file, "--out", out, prelude=killed_mid_write)
    assert done.returncode == -signal.SIGKILL
    (left,) = [p for p in tmp_path.iterdir() if p.name.startswith(".~hyoka-")]
    assert left.suffix == ".xlsx" and not out.exists()
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    done = run_cli("report", "--db", evaluation_file, "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.is_file() and not left.exists()


def test_only_our_own_stale_temporaries_are_swept(tmp_path):
    old = time.time() - 3600

    def make(name: str, mtime: float | None = old):
        path = tmp_path / name
        path.write_bytes(b"x")
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    stale = make(".~hyoka-ab12cd_9.pdf")
    stale_no_suffix = make(".~hyoka-zz99zz99")
    in_progress = make(".~hyoka-ef34gh56.xlsx", mtime=None)  # someone's export right now
    others = [
        make("~$評価結果.xlsx"),  # Excel's owner file
        make(".~lock.評価結果.xlsx#"),  # LibreOffice's lock
        make(".~hyoka-longer-than-ours.pdf"),
        make(".~hyoka-short.pdf"),
        make("評価.sqlite"),
    ]
    (tmp_path / ".~hyoka-aaaabbbb.pdf").mkdir()  # a folder is never removed
    removed = remove_stale_temporaries(tmp_path)
    assert sorted(removed) == sorted([stale, stale_no_suffix])
    assert not stale.exists() and in_progress.exists()
    assert all(p.exists() for p in others)
    assert (tmp_path / ".~hyoka-aaaabbbb.pdf").is_dir()


def test_a_save_sweeps_its_folder_first(tmp_path):
    left = tmp_path / ".~hyoka-a1b2c3d4.pdf"
    left.write_bytes(b"half")
    os.utime(left, (time.time() - 3600,) * 2)

    def write(temporary):
        with open(temporary, "wb") as handle:
            handle.write(b"new")

    save_atomically(tmp_path / "r.pdf", write)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]
