"""What Windows does to files (issue 17): files held open by another program, names it
forbids, and output that must never fail a command.

The held-open tests hold the file with a real Windows handle (``CreateFileW``), as Excel
does with an open workbook, and so run only on Windows: in CI under Wine, through
packaging/windows_ci.sh. The name rules and the output encoding are checked everywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.windows_files import HELD_OPEN, windows_name_problem

ON_WINDOWS = sys.platform == "win32"
windows_only = pytest.mark.skipif(
    not ON_WINDOWS,
    reason="Windows の動き（開いているファイルの共有違反、禁止された名前）: CI では Wine で実行",
)
REPO_ROOT = Path(__file__).resolve().parent.parent

SHARE_NOTHING = 0
SHARE_READ = 1  # how Excel holds an open workbook: others may read, not write or replace
SECTION = "介護保険課"
INDICATOR = "suishin.I.process.features"


@contextlib.contextmanager
def held_open(path: Path, share: int = SHARE_NOTHING):
    """Keep ``path`` open through a Windows handle that shares only ``share``."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateFileW.restype = wintypes.HANDLE
    kernel32.CreateFileW.argtypes = [
        wintypes.LPCWSTR,
        wintypes.DWORD,
        wintypes.DWORD,
        ctypes.c_void_p,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.HANDLE,
    ]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    generic_read_write = 0x80000000 | 0x40000000
    handle = kernel32.CreateFileW(str(path), generic_read_write, share, None, 3, 0x80, None)
    assert handle != wintypes.HANDLE(-1).value, f"開けません: {ctypes.get_last_error()}"
    try:
        yield
    finally:
        kernel32.CloseHandle(handle)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Temporary files of an unfinished save (ours start with .~hyoka-)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~") or ".partial" in p.name)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_db(session_r8) -> Path:
    """An R8 evaluation with an answer and a section, closed for the commands to open."""
    session_r8.answer(f"{INDICATOR}.a", "該当")
    session_r8.note(INDICATOR, section=SECTION)
    path = session_r8.store.path
    session_r8.store.close()
    return path


def assert_held_open_message(code: int, told: str, path: Path) -> None:
    assert code == 1
    assert HELD_OPEN in told
    assert str(path) in told
    assert "予期しない" not in told


# --- export, section export, report: the target is open in Excel -------------------------
@windows_only
@pytest.mark.parametrize("share", [SHARE_NOTHING, SHARE_READ], ids=["share-nothing", "excel"])
@pytest.mark.parametrize(
    ("name", "extra"),
    [("提出.xlsx", []), ("担当課.xlsx", ["--section", SECTION])],
    ids=["export", "section-export"],
)
def test_export_onto_an_open_workbook_says_so_and_keeps_it(
    cli_db, tmp_path, capsys, share, name, extra
):
    out = tmp_path / name
    assert run(capsys, "export", "--db", str(cli_db), "--out", str(out), *extra)[0] == 0
    before = digest(out)
    with held_open(out, share):
        code, _, err = run(capsys, "export", "--db", str(cli_db), "--out", str(out), *extra)
    assert_held_open_message(code, err, out)
    assert digest(out) == before
    assert leftovers(tmp_path) == []
    # Closed in Excel, the same command works.
    assert run(capsys, "export", "--db", str(cli_db), "--out", str(out), *extra)[0] == 0


@windows_only
def test_report_onto_an_open_workbook_says_so_and_keeps_it(cli_db, tmp_path, capsys):
    out = tmp_path / "評価結果.xlsx"
    assert run(capsys, "report", "--db", str(cli_db), "--out", str(out))[0] == 0
    before = digest(out)
    with held_open(out, SHARE_READ):
        code, _, err = run(capsys, "report", "--db", str(cli_db), "--out", str(out))
    assert_held_open_message(code, err, out)
    assert digest(out) == before
    assert leftovers(tmp_path) == []


# --- backup, restore: the evaluation file or the backup is held ---------------------------
@windows_only
def test_backup_of_a_file_held_open_says_so_and_writes_no_backup(cli_db, capsys):
    from desktop.store.backup import backup_dir

    with held_open(cli_db):
        code, _, err = run(capsys, "backup", "--db", str(cli_db))
    assert_held_open_message(code, err, cli_db)
    folder = backup_dir(cli_db)
    assert not folder.exists() or list(folder.iterdir()) == []


@windows_only
def test_restore_over_a_file_held_open_says_so_and_changes_nothing(cli_db, capsys):
    code, out, _ = run(capsys, "backup", "--db", str(cli_db))
    assert code == 0
    backup = Path(out.split(": ", 1)[1].strip())
    before = digest(cli_db)
    backups_before = sorted(backup.parent.iterdir())
    with held_open(cli_db):
        code, _, err = run(capsys, "restore", "--db", str(cli_db), str(backup))
    assert_held_open_message(code, err, cli_db)
    assert digest(cli_db) == before
    assert sorted(backup.parent.iterdir()) == backups_before


@windows_only
def test_restore_from_a_backup_held_open_says_so_and_changes_nothing(cli_db, capsys):
    code, out, _ = run(capsys, "backup", "--db", str(cli_db))
    backup = Path(out.split(": ", 1)[1].strip())
    before = digest(cli_db)
    with held_open(backup):
        code, _, err = run(capsys, "restore", "--db", str(cli_db), str(backup))
    assert_held_open_message(code, err, backup)
    assert digest(cli_db) == before


# --- import: the workbook is held -------------------------------------------------------
@windows_only
def test_import_of_a_workbook_held_open_says_so_and_changes_nothing(cli_db, tmp_path, capsys):
    workbook = tmp_path / "記入済み.xlsx"
    assert run(capsys, "export", "--db", str(cli_db), "--out", str(workbook))[0] == 0
    before = digest(cli_db)
    with held_open(workbook, SHARE_NOTHING):
        code, out, err = run(capsys, "import", "--db", str(cli_db), str(workbook), "--yes")
    # The preview lists the problem (stdout); the error line says nothing was imported.
    assert_held_open_message(code, out, workbook)
    assert "取り込めません" in err
    assert digest(cli_db) == before


@windows_only
def test_a_workbook_open_in_excel_can_still_be_imported(cli_db, tmp_path, capsys):
    # Excel lets others read an open workbook: importing it is no reason to refuse.
    workbook = tmp_path / "記入済み.xlsx"
    assert run(capsys, "export", "--db", str(cli_db), "--out", str(workbook))[0] == 0
    with held_open(workbook, SHARE_READ):
        code, out, err = run(capsys, "import", "--db", str(cli_db), str(workbook), "--dry-run")
    assert code == 0, err
    assert "取り込む変更はありません" in out


# --- names Windows forbids --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("提出?.xlsx", "使えない文字（?）"),
        ("a<b>.xlsx", "使えない文字（< >）"),
        ('報告"案".pdf', '使えない文字（"）'),
        ("NUL.xlsx", "予約"),
        ("com1.sqlite", "予約"),
        ("Con", "予約"),
        ("CONIN$.txt", "予約"),
        ("com¹.xlsx", "予約"),
        ("提出.xlsx.", "末尾が点か空白"),
        ("提出.xlsx ", "末尾が点か空白"),
    ],
)
def test_names_windows_forbids_are_named(name, expected):
    problem = windows_name_problem(Path("フォルダ") / name)
    assert problem is not None and expected in problem
    assert name in problem


@pytest.mark.parametrize("name", ["提出.xlsx", "100% #2 &.sqlite", "CONSOLE.xlsx", "nul_x.xlsx"])
def test_ordinary_names_pass(name):
    assert windows_name_problem(name) is None


@windows_only
@pytest.mark.parametrize("name", ["提出?.xlsx", "NUL.xlsx", "aux.xlsx"])
def test_export_to_a_forbidden_name_is_refused_with_a_message(cli_db, tmp_path, capsys, name):
    code, _, err = run(capsys, "export", "--db", str(cli_db), "--out", str(tmp_path / name))
    assert code == 1
    assert "Windows" in err and "別の名前" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [cli_db.name]


@windows_only
@pytest.mark.parametrize("name", ["評価?.sqlite", "CON.sqlite"])
def test_a_new_evaluation_file_with_a_forbidden_name_is_refused(tmp_path, capsys, name):
    path = tmp_path / name
    code, _, err = run(
        capsys, "new", "--db", str(path), "--catalog", "municipal-r8", "--municipality", "検証村"
    )
    assert code == 1
    assert "Windows" in err and "別の名前" in err
    assert list(tmp_path.iterdir()) == []


# --- output never fails a command --------------------------------------------------------------
@pytest.mark.parametrize(
    "stream_encoding",
    # cp1252:surrogateescape is what a pipe gets in a C locale (and under Wine).
    ["ascii", "cp1252", "cp1252:surrogateescape", "cp932"],
)
def test_output_a_stream_cannot_encode_is_replaced_and_the_command_succeeds(
    tmp_path, stream_encoding
):
    """Redirected output in an encoding without (all of) Japanese: the work is done,
    exit status 0, unencodable characters written as ``?``."""
    encoding = stream_encoding.split(":")[0]
    db = tmp_path / "評価.sqlite"
    env = dict(os.environ, PYTHONIOENCODING=stream_encoding, PYTHONPATH=str(REPO_ROOT))
    env.pop("PYTHONUTF8", None)
    command = [sys.executable, "-m", "desktop", "new", "--db", str(db)]
    command += ["--catalog", "municipal-r8", "--municipality", "髙﨑村𠮷"]  # 𠮷: not in cp932
    result = subprocess.run(
        command, capture_output=True, env=env, cwd=REPO_ROOT, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr.decode(encoding, "replace")
    assert db.is_file()
    printed = result.stdout.decode(encoding)  # strictly decodable: nothing but the encoding
    assert "?" in printed
    if encoding == "cp932":
        assert "髙﨑村?" in printed  # what cp932 has is kept; only 𠮷 is replaced
    assert result.stderr == b""
