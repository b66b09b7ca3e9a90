"""The ``hyoka-desk national …`` commands and ``new --from-national`` (names are a contract)."""

from __future__ import annotations

import json

from desktop.cli import main
from desktop.evaluation.session import Session
from desktop.formats import fmt_points
from desktop.store import EvaluationFile
from tests.national.synthetic import expected_total, make_workbook


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_dry_run_stores_nothing_then_import_stores(tmp_path, capsys, national_r8):
    db = str(tmp_path / "town.sqlite")
    code, out, _err = _run(
        capsys, "national", "import", "--db", db, str(national_r8.path), "--dry-run"
    )
    assert code == 0
    assert "令和8年度（R8）" in out and "80市町村" in out and "確認のみ" in out
    assert not (tmp_path / "hyoka-desk-national.sqlite").exists()
    code, out, _err = _run(capsys, "national", "import", "--db", db, str(national_r8.path))
    assert code == 0 and "保存しました" in out
    code, out, _err = _run(
        capsys, "national", "import", "--db", db, str(national_r8.path), "--dry-run"
    )
    assert "置き換えます" in out and "前回と同じファイル" in out


def test_import_refuses_a_broken_workbook_with_a_place(tmp_path, capsys):
    def bump(rows, info):
        rows[info.first_data_row - 1][info.score_columns["suishin.I.process.features.a"]] = 3

    info = make_workbook(tmp_path / "bad.xlsx", year=2026, count=10, mutate=bump)
    code, _out, err = _run(
        capsys, "national", "import", "--db", str(tmp_path / "t.sqlite"), str(info.path)
    )
    assert code == 1
    assert "19行目" in err and "エラー" in err
    assert not (tmp_path / "hyoka-desk-national.sqlite").exists()


def _imported(tmp_path, capsys, info) -> str:
    db = str(tmp_path / "town.sqlite")
    assert _run(capsys, "national", "import", "--db", db, str(info.path))[0] == 0
    return db


def test_rank_json(tmp_path, capsys, national_r8):
    db = _imported(tmp_path, capsys, national_r8)
    target = national_r8.municipalities[10]
    code, out, _err = _run(
        capsys,
        "national",
        "rank",
        "--db",
        db,
        "--year",
        "R8",
        "--name",
        f"{target.prefecture}/{target.name}",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    totals = [expected_total(m) for m in national_r8.municipalities]
    mine = expected_total(target)
    assert data["total"] == mine
    assert data["rank"] == 1 + sum(1 for t in totals if t > mine)
    assert data["of"] == 80
    pref = [
        expected_total(m)
        for m in national_r8.municipalities
        if m.prefecture_no == target.prefecture_no
    ]
    assert (data["prefecture_rank"], data["prefecture_of"]) == (
        1 + sum(1 for t in pref if t > mine),
        len(pref),
    )
    band = [expected_total(m) for m in national_r8.municipalities if m.band == target.band]
    assert (data["band"], data["band_rank"], data["band_of"]) == (
        target.band,
        1 + sum(1 for t in band if t > mine),
        len(band),
    )
    assert data["mean"] == round(sum(totals) / len(totals), 2)
    for field in ("median", "prefecture", "goals"):
        assert field in data
    goal = data["goals"][0]
    assert set(goal) >= {"grant", "goal", "points", "national_mean"}


def test_rank_text_gives_each_groups_median_and_quartiles(tmp_path, capsys, national_r8):
    import statistics

    db = _imported(tmp_path, capsys, national_r8)
    target = national_r8.municipalities[10]
    who = f"{target.prefecture}/{target.name}"
    code, out, _err = _run(capsys, "national", "rank", "--db", db, "--name", who)
    assert code == 0
    data = json.loads(_run(capsys, "national", "rank", "--db", db, "--name", who, "--json")[1])
    band = [expected_total(m) for m in national_r8.municipalities if m.band == target.band]
    q1, _q2, q3 = statistics.quantiles(band, n=4, method="inclusive")
    assert (data["band_median"], data["band_q1"], data["band_q3"]) == (
        statistics.median(band),
        q1,
        q3,
    )
    lines = out.splitlines()
    for prefix, start in (
        ("prefecture", f"{target.prefecture}内"),
        ("band", "規模区分"),
        ("kaso", "過疎地域"),
    ):
        (line,) = [line for line in lines if line.startswith(start)]
        median, q1, q3 = (fmt_points(data[f"{prefix}_{k}"]) for k in ("median", "q1", "q3"))
        assert f"中央値 {median}点、四分位 {q1}〜{q3}点" in line, line


def test_rank_includes_the_peers_chosen_in_the_evaluation(tmp_path, capsys, national_r8):
    """The list picked in the window (saved in the evaluation file) is a comparison group
    of 'national rank' too: chosen_rank, chosen_of, chosen_mean, chosen_median, chosen_q1/q3."""
    import statistics

    from desktop.catalog import registry
    from desktop.evaluation.session import create_evaluation
    from desktop.records import PeerChoice

    db = _imported(tmp_path, capsys, national_r8)
    target = national_r8.municipalities[10]
    who = ["--name", f"{target.prefecture}/{target.name}", "--json"]
    data = json.loads(_run(capsys, "national", "rank", "--db", db, *who)[1])
    assert "chosen_rank" not in data  # no evaluation file: no chosen group

    picked = [national_r8.municipalities[i] for i in (2, 30, 55)]
    with EvaluationFile.open(db, user="t") as store:
        session = create_evaluation(store, registry.for_year(2026))
        session.set_peer_choices([PeerChoice(m.serial, m.prefecture, m.name) for m in picked])
    code, out, err = _run(capsys, "national", "rank", "--db", db, *who)
    assert code == 0, err
    data = json.loads(out)
    group = [expected_total(m) for m in [target, *picked]]
    mine = expected_total(target)
    q1, _q2, q3 = statistics.quantiles(group, n=4, method="inclusive")
    assert (data["chosen_rank"], data["chosen_of"]) == (1 + sum(t > mine for t in group), 4)
    assert data["chosen_median"] == statistics.median(group)
    assert (data["chosen_q1"], data["chosen_q3"]) == (q1, q3)
    assert data["chosen"] == [f"{m.prefecture}{m.name}" for m in picked]
    code, out, _err = _run(capsys, "national", "rank", "--db", db, *who[:-1])
    assert f"自分で選んだ市町村の中で {data['chosen_rank']}位 / 4" in out


def test_rank_with_a_file_that_is_not_an_evaluation_says_so_and_leaves_it(
    tmp_path, capsys, national_r8
):
    """--db names a file beside the imported results that is not an evaluation file (a
    workbook chosen by mistake): a Japanese message naming it, no traceback, file untouched."""
    _imported(tmp_path, capsys, national_r8)
    foreign = tmp_path / "町の集計.xlsx"
    foreign.write_bytes(b"PK\x03\x04 not an evaluation")
    target = national_r8.municipalities[10]
    code, out, err = _run(
        capsys, "national", "rank", "--db", str(foreign), "--name",
        f"{target.prefecture}/{target.name}", "--json",
    )
    assert code == 1
    assert "町の集計.xlsx" in err and "Traceback" not in err
    assert out == ""  # no half result on stdout for a script to take as the answer
    assert foreign.read_bytes() == b"PK\x03\x04 not an evaluation"
    assert not (tmp_path / "町の集計.xlsx.lock").exists()


def test_rank_by_insurer_and_unknown(tmp_path, capsys, national_r8):
    db = _imported(tmp_path, capsys, national_r8)
    target = next(m for m in national_r8.municipalities if m.insurer)
    code, out, _err = _run(
        capsys, "national", "rank", "--db", db, "--insurer", target.insurer, "--json"
    )
    assert json.loads(out)["serial"] == target.serial
    code, _out, err = _run(capsys, "national", "rank", "--db", db, "--insurer", "999999")
    assert code == 1 and "保険者番号 999999" in err


def test_prefecture_json(tmp_path, capsys, national_r8):
    db = _imported(tmp_path, capsys, national_r8)
    code, out, _err = _run(capsys, "national", "prefecture", "--db", db, "福島県", "--json")
    assert code == 0
    data = json.loads(out)
    members = [m for m in national_r8.municipalities if m.prefecture == "福島県"]
    assert data["count"] == len(members)
    assert [m["total"] for m in data["municipalities"]] == sorted(
        (expected_total(m) for m in members), reverse=True
    )
    assert {"line_points", "municipalities"} <= set(data["far_below"])
    assert "average" in data


def test_amount_json_r6_frames_ship(tmp_path, capsys, national_r6):
    db = _imported(tmp_path, capsys, national_r6)
    target = national_r6.municipalities[0]
    code, out, _err = _run(
        capsys,
        "national",
        "amount",
        "--db",
        db,
        "--name",
        f"{target.prefecture}/{target.name}",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    weight = sum(
        sum(v for k, v in m.points.items() if k.startswith("suishin.") or k.startswith("common."))
        * m.first_insured
        for m in national_r6.municipalities
    )
    points = sum(
        v for k, v in target.points.items() if k.startswith("suishin.") or k.startswith("common.")
    )
    assert data["suishin"]["points"] == points
    assert data["suishin"]["amount_thousand_yen"] == round(
        8122500 * points * target.first_insured / weight, 1
    )
    assert data["suishin"]["per_point_thousand_yen"] > 0
    assert data["shien"]["amount_thousand_yen"] is not None
    # Another year needs the frames given.
    code, out, _err = _run(
        capsys,
        "national",
        "amount",
        "--db",
        db,
        "--year",
        "R6",
        "--name",
        f"{target.prefecture}/{target.name}",
        "--frame-suishin",
        "1000",
        "--json",
    )
    assert json.loads(out)["suishin"]["frame_thousand_yen"] == 1000


def test_new_from_national_seeds_answers_marked_for_review(tmp_path, capsys, national_r7):
    db = _imported(tmp_path, capsys, national_r7)
    target = national_r7.municipalities[5]
    code, out, err = _run(
        capsys,
        "new",
        "--db",
        db,
        "--catalog",
        "municipal-r8",
        "--from-national",
        "R7",
        "--name",
        f"{target.prefecture}/{target.name}",
    )
    assert code == 0, err
    assert "回答にする小項目" in out
    with EvaluationFile.open(db, user="t", read_only=True) as store:
        session = Session.open(store, 2026)
        answers = store.answers(session.evaluation_id)
        key = "suishin.I.process.features.a"
        assert answers[key] == ("該当" if target.points[key] else "非該当")
        assert key in store.carried_items(session.evaluation_id)
        assert store.municipality().name == target.name


def test_new_from_national_dry_run_lists_each_sub_item(tmp_path, capsys, national_r7):
    db = _imported(tmp_path, capsys, national_r7)
    target = national_r7.municipalities[5]
    argv = ["new", "--db", db, "--catalog", "municipal-r8", "--from-national", "R7"]
    who = ["--name", f"{target.prefecture}/{target.name}"]
    code, out, err = _run(capsys, *argv, *who, "--dry-run")
    assert code == 0, err
    key = "suishin.I.process.features.a"
    answer = "該当" if target.points[key] else "非該当"
    lines = out.splitlines()
    heading = next(
        i for i, line in enumerate(lines) if line.startswith("推進 目標Ⅰ 体制・取組指標群 1 ")
    )
    assert lines[heading + 1] == f"　ア: {answer}（国の得点 {target.points[key]:g}点／4点）"
    assert "確認のみ" in out
    if (tmp_path / "town.sqlite").exists():  # nothing written by the dry run
        with EvaluationFile.open(db, user="t", read_only=True) as store:
            assert 2026 not in {r.fiscal_year for r in store.evaluations()}


def test_no_dataset_yet(tmp_path, capsys):
    code, _out, err = _run(
        capsys, "national", "rank", "--db", str(tmp_path / "t.sqlite"), "--name", "森町"
    )
    assert code == 1 and "まだ取り込まれていません" in err
