"""Free-text values may start with a dash: ``note --memo "-x"`` (issue 11, item 10)."""

from __future__ import annotations

import pytest

from desktop.cli import build_parser, main
from desktop.cli.parser import join_dash_values
from desktop.store import EvaluationFile

INDICATOR = "suishin.I.process.features"


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
def evaluation(cli, db_path):
    status, _out, err = cli(
        "new", "--db", db_path, "--catalog", "municipal-r8", "--municipality", "北塩原村"
    )
    assert status == 0, err
    return db_path


def stored_note(db_path):
    with EvaluationFile.open(db_path, read_only=True) as store:
        evaluation_id = store.evaluations()[0].id
        return store.indicator_notes(evaluation_id)[INDICATOR]


@pytest.mark.parametrize(
    "argv",
    [
        ("--memo=-x", "--evidence=--資料--"),
        ("--memo", "-x", "--evidence", "--資料--"),
    ],
)
def test_values_with_leading_dashes_are_stored(cli, evaluation, argv):
    status, _out, err = cli("note", "--db", evaluation, INDICATOR, *argv)
    assert status == 0, err
    note = stored_note(evaluation)
    assert (note.memo, note.evidence) == ("-x", "--資料--")


def test_a_real_option_after_a_text_option_keeps_its_meaning(cli, evaluation):
    status, _out, err = cli("note", "--db", evaluation, INDICATOR, "--memo", "--status", "完了")
    assert status == 2
    assert "--memo=-x のように = でつなげて" in err


def test_the_joining_rule():
    parser = build_parser()
    assert join_dash_values(["note", "--memo", "-x", "ID"], parser) == ["note", "--memo=-x", "ID"]
    assert join_dash_values(["--user", "-山田-"], parser) == ["--user=-山田-"]
    # A known option, an abbreviation of one, and "--" stay what they are.
    for value in ("--status", "--evid", "--", "--help"):
        assert join_dash_values(["note", "--memo", value], parser) == ["note", "--memo", value]
    assert join_dash_values(["answer", "-x"], parser) == ["answer", "-x"]
