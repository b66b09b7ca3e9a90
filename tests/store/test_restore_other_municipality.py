"""Restoring another municipality's file over ours is refused unless the user confirms it."""

from __future__ import annotations

import pytest

from desktop.cli import main
from desktop.records import Municipality
from desktop.store import EvaluationFile
from desktop.store.errors import OtherMunicipality
from desktop.store.restore import restore_backup

OURS = Municipality(name="北塩原村", code="073059")  # what the evaluation_file fixture makes


@pytest.fixture
def make_file(tmp_path, r8):
    from desktop.evaluation.session import create_evaluation

    def make(name: str, municipality: Municipality):
        path = tmp_path / name
        with EvaluationFile.open(path) as store:
            create_evaluation(store, r8, municipality=municipality)
        return path

    return make


def municipality_of(path) -> Municipality:
    with EvaluationFile.open(path, read_only=True) as store:
        return store.municipality()


def test_a_backup_of_another_municipality_is_refused_and_nothing_changes(
    evaluation_file, make_file, fingerprint
):
    path = evaluation_file()
    other = make_file("会津若松市.sqlite", Municipality(name="会津若松市", code="072028"))
    before = fingerprint(path)
    with pytest.raises(OtherMunicipality) as refused:
        restore_backup(path, other)
    message = str(refused.value)
    assert "会津若松市（072028）" in message
    assert "北塩原村（073059）" in message
    assert "変更していません" in message
    assert fingerprint(path) == before
    assert municipality_of(path).name == "北塩原村"


def test_confirmed_it_is_restored(evaluation_file, make_file):
    path = evaluation_file()
    other = make_file("会津若松市.sqlite", Municipality(name="会津若松市", code="072028"))
    restore_backup(path, other, other_municipality=True)
    assert municipality_of(path).name == "会津若松市"


@pytest.mark.parametrize(
    "municipality",
    [
        Municipality(name="北塩原村（旧名称）", code="073059"),  # same code: same municipality
        Municipality(name="北塩原村", code=None),  # no code: same name
        Municipality(name="", code=None),  # says nothing: no warning
    ],
    ids=["same code", "same name", "unnamed"],
)
def test_the_same_municipality_is_restored_without_a_question(
    evaluation_file, make_file, municipality
):
    path = evaluation_file()
    other = make_file("別の写し.sqlite", municipality)
    restore_backup(path, other)
    assert municipality_of(path).name == municipality.name


def test_by_name_when_either_file_has_no_code(evaluation_file, make_file):
    path = evaluation_file()
    other = make_file("別の村.sqlite", Municipality(name="檜枝岐村", code=None))
    with pytest.raises(OtherMunicipality) as refused:
        restore_backup(path, other)
    assert "檜枝岐村 の評価ファイル" in str(refused.value)


def test_the_command_refuses_without_yes_and_names_the_municipality(
    evaluation_file, make_file, fingerprint, capsys
):
    path = evaluation_file()
    other = make_file("会津若松市.sqlite", Municipality(name="会津若松市", code="072028"))
    before = fingerprint(path)
    assert main(["restore", "--db", str(path), str(other)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "会津若松市（072028）" in err and "--yes" in err
    assert fingerprint(path) == before

    assert main(["restore", "--db", str(path), str(other), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "会津若松市.sqlite から復元しました" in out
    assert municipality_of(path).name == "会津若松市"
