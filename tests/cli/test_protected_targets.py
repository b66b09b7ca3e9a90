"""``--out`` can never name the evaluation file itself (issue 11, item 1).

With an evaluation file called 評価.xlsx, ``export --db 評価.xlsx --out 評価.xlsx`` used to
replace the evaluation with the workbook; ``report --db r.pdf --out r.pdf`` likewise.
"""

from __future__ import annotations

import shutil
import sys

import pytest

from desktop.cli import main


@pytest.fixture
def cli(capsys):
    def run(*argv) -> tuple[int, str, str]:
        try:
            status = main([str(a) for a in argv])
        except SystemExit as exit_:
            status = exit_.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def made(cli, tmp_path):
    """``made(name)``: an evaluation file of that name (any suffix), with an R8 evaluation."""

    def make(name: str):
        path = tmp_path / name
        status, _out, err = cli(
            "new", "--db", path, "--catalog", "municipal-r8", "--municipality", "北塩原村"
        )
        assert status == 0, err
        return path

    return make


def assert_refused(cli, db, *argv) -> str:
    before = db.read_bytes()
    status, out, err = cli(*argv)
    assert status == 1, (out, err)
    assert db.read_bytes() == before
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "出力しませんでした" in err
    return err


def test_export_over_its_own_evaluation_is_refused(cli, made):
    db = made("評価.xlsx")
    err = assert_refused(cli, db, "export", "--db", db, "--out", db)
    assert "開いている評価ファイルそのもの" in err


def test_section_export_over_its_own_evaluation_is_refused(cli, made):
    db = made("評価.xlsx")
    assert cli("note", "--db", db, "suishin.I.process.features", "--section", "介護保険課")[0] == 0
    err = assert_refused(cli, db, "export", "--db", db, "--out", db, "--section", "介護保険課")
    assert "開いている評価ファイルそのもの" in err


@pytest.mark.parametrize("name", ["r.pdf", "r.xlsx"])
def test_report_over_its_own_evaluation_is_refused(cli, made, name):
    db = made(name)
    err = assert_refused(cli, db, "report", "--db", db, "--out", db)
    assert "開いている評価ファイルそのもの" in err


def test_another_spelling_or_a_symlink_is_refused_too(cli, made, tmp_path, monkeypatch):
    db = made("評価.xlsx")
    (tmp_path / "sub").mkdir()
    assert_refused(cli, db, "export", "--db", db, "--out", tmp_path / "sub" / ".." / "評価.xlsx")
    if sys.platform != "win32":
        # Not on Windows: making a link needs a privilege users lack, and Wine 8 (which
        # runs this suite in CI) does not follow one in realpath. A replace there renames
        # over the link itself, never its target, so the evaluation file stays intact.
        link = tmp_path / "リンク.xlsx"
        link.symlink_to(db)
        assert_refused(cli, db, "export", "--db", link, "--out", db)
        assert_refused(cli, db, "report", "--db", db, "--out", link)
    monkeypatch.chdir(tmp_path)
    assert_refused(cli, db, "export", "--db", "評価.xlsx", "--out", "./評価.xlsx")


def test_another_evaluation_file_lock_or_backup_is_refused(cli, made, tmp_path):
    db = made("評価.sqlite")
    other = made("隣の課.xlsx")
    err = assert_refused(cli, other, "export", "--db", db, "--out", other)
    assert "評価ファイル（データベース）" in err
    assert cli("backup", "--db", db)[0] == 0
    backups = tmp_path / "評価.sqlite.backups"
    backup = next(backups.iterdir())
    shutil.copyfile(backup, tmp_path / "copy-of-backup")  # the original must stay unchanged
    assert_refused(cli, backup, "report", "--db", db, "--out", backups / "結果.xlsx")
    assert not (backups / "結果.xlsx").exists()


def test_an_ordinary_export_still_works(cli, made, tmp_path):
    db = made("評価.sqlite")
    out = tmp_path / "提出.xlsx"
    out.write_bytes(b"an older export")
    assert cli("export", "--db", db, "--out", out)[0] == 0
    assert out.read_bytes()[:2] == b"PK"


def test_a_wording_pack_over_its_own_evaluation_is_refused(cli, made):
    db = made("文言.xlsx")
    err = assert_refused(cli, db, "wording", "export", "--db", db, "--out", db)
    assert "開いている評価ファイルそのもの" in err
