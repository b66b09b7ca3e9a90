"""A scripted session with `new`, `answer` and `score` reproduces hand-computed totals."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from desktop.cli import main

R8_ANSWERS = [
    ("suishin.I.process.features.a", "該当"),  # 4
    ("suishin.I.process.features.b", "yes"),  # 4
    ("suishin.I.process.features.c", "該当"),  # 4
    ("suishin.I.process.features.d", "非該当"),
    ("suishin.I.process.measures-review.a1", "該当"),  # 1
    ("suishin.I.process.measures-review.a2", "該当"),  # 1
    ("suishin.II.process.optimization-programs.a", "該当"),  # all of ①②③: 6
    ("suishin.II.process.optimization-programs.b", "イ②"),  # 3帳票: 2 + 2
    ("suishin.II.process.optimization-programs.c", "no"),
    ("suishin.I.activity.score-rank.tier", "ウ"),  # 見込み 3 + 3 + 3
    ("shien.III.process.issues-and-measures.d", "該当"),  # blocked: needs ア and ウ
    ("shien.III.process.issues-and-measures.c", "該当"),  # 5
    ("shien.II.process.hearing-loss.a", "該当"),  # 5
    ("shien.II.process.hearing-loss.b", "該当"),  # 5
    ("shien.II.process.hearing-loss.c", "該当"),  # 5 (needs ア and イ: met)
    ("common.IV.outcome.short-care-level-1-2.a", "ア②"),  # series ア: 10
    ("common.IV.outcome.short-care-level-1-2.b", "イ③"),  # series イ: 15, the best counts
    ("suishin.outcome-frame.efforts.points", "40"),  # outside the 800
    ("suishin.I.process.features.d", "未回答"),  # cleared again
]

R6_ANSWERS = [
    ("suishin.II.process.optimization-programs.a1", "該当"),  # 2
    ("suishin.II.process.optimization-programs.a2", "該当"),  # 2
    ("suishin.II.process.optimization-programs.a3", "非該当"),
    ("suishin.II.process.optimization-programs.b", "イ③"),  # 6
    ("shien.II.process.initial-support-team.a", "該当"),  # 5 × 4 = 20
    ("shien.II.process.initial-support-team.b", "該当"),
    ("shien.II.process.initial-support-team.c", "該当"),
    ("shien.II.process.initial-support-team.d", "該当"),
    ("shien.I.process.data-issues.a", "該当"),  # 1
    ("shien.I.process.data-issues.c", "該当"),  # 2
    ("shien.I.activity.diverse-services-status.a", "ア③"),  # 3
    ("shien.I.activity.diverse-services-status.c", "ウ④"),  # 4: best of the series, cap 4
    ("common.IV.outcome.long-care-level-1-2.tier", "エ"),  # 20
]


def run(capsys, *args):
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse rejects the command line itself (status 2)
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scripted(capsys, db, catalog_id, answers):
    code, out, err = run(
        capsys,
        "new",
        "--db",
        str(db),
        "--catalog",
        catalog_id,
        "--municipality",
        "北塩原村",
        "--insured",
        "1,000",
    )
    assert code == 0, err
    assert "作成しました" in out
    for item_id, value in answers:
        code, out, err = run(capsys, "answer", "--db", str(db), item_id, value)
        assert code == 0, err
    code, out, err = run(capsys, "score", "--db", str(db), "--json")
    assert code == 0, err
    return json.loads(out)


def figures(data, path):
    node = data
    for key in path:
        children = node["grants"] if "grants" in node else node.get("goals") or node.get("groups")
        node = next(child for child in children if child["id"] == key)
    return node["points"], node["projected_points"], node["max_points"]


def test_r8_session_reproduces_hand_computed_totals(capsys, db_path):
    data = scripted(capsys, db_path, "municipal-r8", R8_ANSWERS)
    assert data["catalog"] == "municipal-r8" and data["fiscal_year"] == 2026
    total = data["total"]
    assert (total["points"], total["projected_points"], total["max_points"]) == (44, 83, 800)
    assert figures(data, ["suishin"]) == (24, 48, 400)
    assert figures(data, ["suishin", "suishin.I"]) == (14, 23, 100)
    assert figures(data, ["suishin", "suishin.I", "suishin.I.process"]) == (14, 14, 64)
    assert figures(data, ["suishin", "suishin.I", "suishin.I.activity"]) == (0, 9, 36)
    assert figures(data, ["suishin", "suishin.II"]) == (10, 10, 100)
    assert figures(data, ["shien"]) == (20, 35, 400)
    assert figures(data, ["shien", "shien.II", "shien.II.process"]) == (15, 15, 64)
    assert figures(data, ["shien", "shien.III", "shien.III.process"]) == (5, 5, 68)
    assert (
        figures(data, ["suishin", "common.IV"])
        == figures(data, ["shien", "common.IV"])
        == (0, 15, 100)
    )
    frame = data["frames"][0]
    assert (frame["points"], frame["projected_points"], frame["max_points"]) == (0, 40, 100)


def test_r6_session_reproduces_hand_computed_totals(capsys, db_path):
    data = scripted(capsys, db_path, "municipal-r6", R6_ANSWERS)
    assert (data["total"]["points"], data["total"]["projected_points"]) == (33, 77)
    assert figures(data, ["suishin"]) == (10, 30, 400)
    assert figures(data, ["shien"]) == (23, 47, 400)
    assert figures(data, ["shien", "shien.I", "shien.I.activity"]) == (0, 4, 48)
    assert data["total"]["national_avg_points"] == 422.4
    assert data["frames"] == []


def test_show_json_follows_the_contract(capsys, db_path):
    scripted(capsys, db_path, "municipal-r8", R8_ANSWERS)
    code, out, err = run(capsys, "show", "--db", str(db_path), "--json")
    assert code == 0, err
    root = json.loads(out)
    levels = {"total", "grant", "goal", "group", "indicator", "item"}

    def walk(node, parent_level=None):
        for key in (
            "level",
            "id",
            "label",
            "title",
            "points",
            "projected_points",
            "max_points",
            "children",
        ):
            assert key in node, (key, node.get("id"))
        assert node["level"] in levels
        if node["level"] == "grant":
            assert node["grant"] in ("suishin", "shien")
        if node["level"] == "goal":
            assert node["goal"] in ("I", "II", "III", "IV")
        if node["level"] == "group" and not node.get("outside_total"):
            assert node["group"] in ("process", "activity", "outcome")
        if node["level"] == "item":
            for key in ("rule", "answer", "allowed", "state_scored"):
                assert key in node
            assert all({"value", "points"} <= set(a) for a in node["allowed"])
        for child in node["children"]:
            walk(child, node["level"])

    walk(root)
    assert root["level"] == "total" and (root["points"], root["projected_points"]) == (44, 83)
    grants = [c for c in root["children"] if c["level"] == "grant"]
    frames = [c for c in root["children"] if c.get("outside_total")]
    assert [g["grant"] for g in grants] == ["suishin", "shien"]
    assert sum(g["points"] for g in grants) == root["points"]
    iv = [next(g for g in grant["children"] if g["goal"] == "IV") for grant in grants]
    assert iv[0] == iv[1]  # the same figures under both grants
    assert frames[0]["group"] == "outcome_oriented_frame" and frames[0]["projected_points"] == 40

    def find(node, node_id):
        if node["id"] == node_id:
            return node
        for child in node["children"]:
            found = find(child, node_id)
            if found:
                return found
        return None

    blocked = find(root, "shien.III.process.issues-and-measures.d")
    assert blocked["status"] == "blocked" and "ア" in blocked["reason"]
    tier = find(root, "suishin.I.activity.score-rank.tier")
    assert tier["answer"] == "ウ" and tier["state_scored"] is True and tier["points"] == 0
    assert {"value": "ウ", "points": 9} in tier["allowed"]
    assert find(root, "suishin.I.process.features.a")["national_rate_pct"] == 97.7
    assert find(root, "suishin.I.process.features.d")["answer"] is None
    assert find(root, "suishin.I.process.features")["national_avg_points"] == 14.88


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["answer", "ID-NOT-THERE", "該当"], "小項目「ID-NOT-THERE」はありません"),
        (["answer", "suishin.I.process.features.a", "たぶん"], "回答として使えません"),
        (["answer", "suishin.I.activity.score-rank.tier", "オ"], "なし・ア・イ・ウ・エ"),
        (["note", "suishin.I.process.features", "--status", "完了"], "状況「完了」は使えません"),
        (["note", "suishin.I.process.features"], "のどれかを指定してください"),
        (["score", "--year", "R5"], "令和5年度 の評価はありません"),
        (["score", "--year", "来年"], "年度「来年」を読めません"),
    ],
)
def test_bad_input_gets_one_japanese_line(capsys, db_path, args, message):
    scripted(capsys, db_path, "municipal-r8", [])
    command, *rest = args
    code, _out, err = run(capsys, command, "--db", str(db_path), *rest)
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_new_refuses_another_municipality_in_the_same_file(capsys, db_path):
    scripted(capsys, db_path, "municipal-r7", [])
    code, _out, err = run(
        capsys,
        "new",
        "--db",
        str(db_path),
        "--catalog",
        "municipal-r8",
        "--municipality",
        "会津若松市",
    )
    assert code == 1 and "北塩原村 の評価ファイル" in err
    code, _out, err = run(
        capsys,
        "new",
        "--db",
        str(db_path),
        "--catalog",
        "municipal-r8",
        "--municipality",
        "北塩原村",
    )
    assert code == 0, err
    code, _out, err = run(
        capsys,
        "new",
        "--db",
        str(db_path),
        "--catalog",
        "municipal-r8",
        "--municipality",
        "北塩原村",
    )
    assert code == 1 and "すでにあります" in err
    code, _out, err = run(
        capsys, "new", "--db", str(db_path), "--catalog", "municipal-r99", "--municipality", "x"
    )
    assert code == 1 and "同梱されていません" in err


def test_catalogs_command_validates_everything(capsys):
    code, out, err = run(capsys, "catalogs", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["valid"] is True
    assert [c["id"] for c in data["catalogs"]] == ["municipal-r6", "municipal-r7", "municipal-r8"]
    for row in data["catalogs"]:
        assert {"id", "fiscal_year", "level", "revision", "status"} <= set(row)
    assert [(x["from"], x["to"], x["valid"]) for x in data["crosswalks"]] == [
        ("municipal-r6", "municipal-r7", True),
        ("municipal-r7", "municipal-r8", True),
    ]


def test_catalogs_command_fails_on_a_broken_catalog(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "municipal"
    folder.mkdir()
    (folder / "r9.yaml").write_text("catalog: x\nfiscal_year: oops\n", encoding="utf-8")
    monkeypatch.setenv("HYOKA_CATALOGS_DIR", str(tmp_path))
    code, _out, err = run(capsys, "catalogs")
    assert code == 1
    assert "r9.yaml:2: [C003]" in err


def test_the_console_entry_point_runs_as_a_module(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "catalogs"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "municipal-r8" in result.stdout
