"""Bootstrap the shipped catalogs from the research data (run once; kept for review).

The YAML files in ``catalogs/municipal/`` are the source of truth: they are edited by
hand from now on (docs/catalog-format.md). This script records how revision 1 of
each was derived from ``shared/research/indicators-r6-r8.json`` and the seeds, so a
reviewer can check every rule decision in one place.

    python tools/catalog_from_research.py ../shared/research/indicators-r6-r8.json catalogs/municipal
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

LETTERS = {"ア": "a", "イ": "b", "ウ": "c", "エ": "d", "オ": "e", "カ": "f", "キ": "g"}
DIGITS = {"①": "1", "②": "2", "③": "3", "④": "4", "⑤": "5"}

SLUGS = {
    ("suishin", "I", "process"): [
        "features",
        "plan-progress",
        "measures-review",
        "results-sharing",
    ],
    ("suishin", "I", "activity"): ["score-rank", "cost-growth", "pfs"],
    ("suishin", "II", "process"): ["optimization-plan", "optimization-programs"],
    ("suishin", "II", "activity"): ["careplan-check-rate", "medical-match-rate"],
    ("suishin", "III", "process"): ["workforce", "collaboration"],
    ("suishin", "III", "activity"): [
        "appeal-training",
        "retention-training",
        "care-manager-training",
    ],
    ("common", "IV", "outcome"): [
        "short-care-level-1-2",
        "long-care-level-1-2",
        "short-care-level-3-5",
        "long-care-level-3-5",
        "certification-rate",
    ],
    ("shien", "I", "process"): [
        "data-issues",
        "outreach",
        "integrated-health",
        "kayoi-analysis",
        "rehabilitation",
        "coordinator",
        "diverse-services",
    ],
    ("shien", "I", "activity"): [
        "center-staff",
        "center-evaluation",
        "care-meeting-cases",
        "kayoi-participation",
        "point-program",
        "kayoi-improvement",
        "coordinator-count",
        "coordinator-meetings",
        "diverse-services-status",
    ],
    ("shien", "II", "activity"): ["supporter-count", "stepup-course", "promoter-duties"],
    ("shien", "III", "process"): [
        "issues-and-measures",
        "consultation-training",
        "information-sharing",
    ],
    ("shien", "III", "activity"): ["discharge-support", "end-of-life"],
}
# 支援Ⅱ's process indicators were reordered between R6 and R7: ids follow the subject.
SHIEN_II_PROCESS_BY_TITLE = {
    "認知症初期集中支援チーム": "initial-support-team",
    "認知症状のある人": "early-diagnosis",
    "認知症サポーター等": "supporters",
    "難聴高齢者": "hearing-loss",
}

# Activity tiers whose first column is "any result above zero" (rates 1 : .5 : .3 : .1).
POSITIVE_ONLY = {
    "suishin.III.activity.appeal-training",
    "suishin.III.activity.retention-training",
    "shien.I.activity.point-program",
    "shien.I.activity.kayoi-improvement",
    "shien.II.activity.stepup-course",
}
UNKNOWN_TIER_BASIS = {
    "suishin.I.activity.pfs",
    "suishin.III.activity.care-manager-training",
    "shien.II.activity.promoter-duties",
}
BEST_OF = {
    "common.IV.outcome.short-care-level-1-2",
    "common.IV.outcome.short-care-level-3-5",
    "common.IV.outcome.certification-rate",
    "shien.I.activity.diverse-services-status",
}
RANK_NOTES = ["全国上位7割", "全国上位5割", "全国上位3割", "全国上位1割"]
POSITIVE_NOTES = [
    "実績あり（推定）",
    "実績ありの上位5割（推定）",
    "実績ありの上位3割（推定）",
    "実績ありの上位1割（推定）",
]

# Prerequisites read from the research notes; all are inferred, so marked as such.
REQUIRES = {
    "shien.III.process.issues-and-measures.d": ["a", "c"],
    "shien.II.process.hearing-loss.c": ["a", "b"],
    "shien.II.process.hearing-loss.d": ["a", "b", "c"],
}

ALL_OF_PARTS = [
    ("p1", "①", "要介護認定の適正化"),
    ("p2", "②", "ケアプラン等の点検"),
    ("p3", "③", "縦覧点検・医療情報との突合"),
]

GOAL_NAMES = {}
GRANTS = {
    "suishin": ("保険者機能強化推進交付金", "推進交付金"),
    "shien": ("介護保険保険者努力支援交付金", "努力支援交付金"),
}

# Seed 001: R6 national averages per goal and group (and grant and total).
R6_AVERAGES = {
    "suishin.I.process": 46.3,
    "suishin.I.activity": 9.8,
    "suishin.I": 56.2,
    "suishin.II.process": 42.4,
    "suishin.II.activity": 17.5,
    "suishin.II": 59.8,
    "suishin.III.process": 33.8,
    "suishin.III.activity": 7.2,
    "suishin.III": 41.0,
    "common.IV": 48.6,
    "common.IV.outcome": 48.6,
    "suishin": 205.6,
    "shien.I.process": 31.4,
    "shien.I.activity": 20.1,
    "shien.I": 51.5,
    "shien.II.process": 42.4,
    "shien.II.activity": 12.1,
    "shien.II": 54.5,
    "shien.III.process": 49.3,
    "shien.III.activity": 12.8,
    "shien.III": 62.1,
    "shien": 216.7,
    "total": 422.4,
}

YEARS = {"R6": 2024, "R7": 2025, "R8": 2026}
SOURCES = {
    "R6": [
        "seed 001: 厚生労働省「2024年度（市町村分）保険者機能強化推進交付金等に係る評価結果の概要」"
        "（配点、目標・指標群別の全国平均）",
        "seed 002: 厚生労働省 資料3（令和6年度 交付金の概要と配分）",
        "厚生労働省 全国集計結果（令和6年度、市町村分）: 小項目の構成・配点・全国該当率"
        "（shared/research/indicators-r6-r8.json として確認済み）",
    ],
    "R7": [
        "厚生労働省 全国集計結果（令和7年度、市町村分）: 小項目の構成・配点・全国該当率"
        "（shared/research/indicators-r6-r8.json として確認済み）",
        "seed 003: 北海道厚生局「インセンティブ交付金の概要等」（評価指標名は令和8年度の文言を準用）",
    ],
    "R8": [
        "seed 003: 北海道厚生局「インセンティブ交付金の概要等」令和8年度評価指標（市町村分）"
        "（評価指標名、配点、小項目数）",
        "厚生労働省 全国集計結果（市町村分）: 小項目の構成・配点・全国該当率"
        "（shared/research/indicators-r6-r8.json として確認済み）",
    ],
}


def q(text: str) -> str:
    """A YAML double-quoted scalar (safe for any text)."""
    return json.dumps(str(text), ensure_ascii=False)


def item_suffix(label: str) -> str:
    out = ""
    for ch in label:
        if ch in LETTERS:
            out += LETTERS[ch]
        elif ch in DIGITS:
            out += DIGITS[ch]
        else:
            raise ValueError(label)
    return out


def indicator_slug(ind: dict) -> str:
    key = (ind["grant"], ind["goal"], ind["group"])
    if key == ("shien", "II", "process"):
        for prefix, slug in SHIEN_II_PROCESS_BY_TITLE.items():
            if ind["title"].startswith(prefix) or prefix in ind["title"][:20]:
                return slug
        raise ValueError(ind["title"])
    return SLUGS[key][ind["number"] - 1]


def clean_note(note: str) -> str:
    """Research notes without the links and English working notes they cite."""
    note = note.split("MHLW quote")[0]
    note = re.sub(r"[（(][^（()）]*https?://[^）)]*[）)]", "", note)
    note = re.sub(r"[（(][^（()）]*find_string[^）)]*[）)]", "", note)
    note = re.sub(r";?\s*https?://\S+", "", note)
    note = re.sub(r"\s+", " ", note).strip()
    return note.rstrip(" ;")


def rate(value) -> str:
    return "null" if value is None else f"{value:g}"


class Writer:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def emit_items(w: Writer, ind: dict, ind_id: str, year: str, indent: int) -> None:
    subs = ind["sub_items"]
    group = ind["group"]
    state_scored = group in ("activity", "outcome")
    w(indent, "items:")
    if group == "outcome_oriented_frame":
        view = subs[0]["content_hint"]
        w(indent, f"  - id: {ind_id}.points")
        w(indent, "    label: 得点")
        w(indent, "    rule: external")
        w(indent, "    points: 100")
        w(indent, f"    hint: {q(view)}")
        w(
            indent,
            "    notes: "
            + q("採点の内訳（部分点の有無）は未確認。国の通知の得点、または見込みを入力する。"),
        )
        return
    if state_scored:
        by_letter: dict[str, list[dict]] = defaultdict(list)
        for sub in subs:
            by_letter[sub["label"][0]].append(sub)
        single_series = all(len(v) == 1 for v in by_letter.values()) and len(by_letter) > 1
        if single_series:
            notes = (
                POSITIVE_NOTES
                if ind_id in POSITIVE_ONLY
                else (None if ind_id in UNKNOWN_TIER_BASIS else RANK_NOTES)
            )
            w(indent, f"  - id: {ind_id}.tier")
            w(indent, f"    label: {q(subs[0]['label'] + '〜' + subs[-1]['label'])}")
            w(indent, "    rule: tiers")
            w(indent, "    options:")
            for n, sub in enumerate(subs):
                note = notes[n] if notes and n < len(notes) else None
                hint = sub.get("content_hint")
                note = note or hint
                parts = [
                    f"label: {sub['label']}",
                    f"points: {sub['points']}",
                    f"rate: {rate(sub['national_rate_pct'])}",
                ]
                if note:
                    parts.append(f"note: {q(note)}")
                w(indent, "      - {" + ", ".join(parts) + "}")
            return
        for letter, cols in by_letter.items():
            w(indent, f"  - id: {ind_id}.{item_suffix(letter)}")
            w(indent, f"    label: {letter}")
            w(indent, "    rule: tiers")
            hint = cols[0].get("content_hint")
            if hint:
                series = hint.split("：")[0] if "：" in hint else hint
                w(indent, f"    hint: {q(series)}")
            w(indent, "    options:")
            for n, sub in enumerate(cols):
                note = RANK_NOTES[n] if len(cols) == 4 and ind_id not in BEST_OF else None
                parts = [
                    f"label: {sub['label']}",
                    f"points: {sub['points']}",
                    f"rate: {rate(sub['national_rate_pct'])}",
                ]
                if note:
                    parts.append(f"note: {q(note)}")
                w(indent, "      - {" + ", ".join(parts) + "}")
        return
    # Process group: self-assessed checks, with the few structured items the research found.
    count_done = False
    for sub in subs:
        label = sub["label"]
        suffix = item_suffix(label)
        item_id = f"{ind_id}.{suffix}"
        if ind_id == "suishin.II.process.optimization-programs" and label.startswith("イ"):
            if count_done:
                continue
            count_done = True
            cols = [s for s in subs if s["label"].startswith("イ")]
            w(indent, f"  - id: {ind_id}.b")
            w(indent, "    label: イ")
            w(indent, "    rule: count")
            w(indent, f"    hint: {q('縦覧点検（効果の高い4帳票）のうち点検している帳票の数')}")
            w(
                indent,
                "    notes: "
                + q("2帳票・3帳票・4帳票の累積閾値（推定）。4帳票なら①〜③すべてを得点。"),
            )
            w(indent, "    options:")
            for n, col in enumerate(cols):
                at = n + 2
                w(
                    indent,
                    "      - {"
                    + f"label: {col['label']}, points: {col['points']}, rate: {rate(col['national_rate_pct'])}, "
                    + f"at: {at}, note: {q(f'{at}帳票を点検')}"
                    + "}",
                )
            continue
        if ind_id == "suishin.II.process.optimization-programs" and label == "ア" and year != "R6":
            w(indent, f"  - id: {item_id}")
            w(indent, "    label: ア")
            w(indent, "    rule: all_of")
            w(indent, f"    points: {sub['points']}")
            w(indent, f"    rate: {rate(sub['national_rate_pct'])}")
            w(indent, f"    hint: {q('主要3事業の全てを実施している')}")
            w(indent, "    parts:")
            for pid, plabel, phint in ALL_OF_PARTS:
                w(indent, f"      - {{id: {item_id}.{pid}, label: {plabel}, hint: {q(phint)}}}")
            continue
        w(indent, f"  - id: {item_id}")
        w(indent, f"    label: {label}")
        w(indent, f"    points: {sub['points']}")
        w(indent, f"    rate: {rate(sub['national_rate_pct'])}")
        if sub.get("content_hint") and not (
            ind_id == "suishin.II.process.optimization-programs" and label.startswith("ア")
        ):
            w(indent, f"    hint: {q(sub['content_hint'])}")
        if item_id in REQUIRES:
            refs = ", ".join(f"{ind_id}.{r}" for r in REQUIRES[item_id])
            w(indent, f"    requires: [{refs}]")
            w(indent, "    requires_inferred: true")


def emit_indicator(w: Writer, ind: dict, ind_id: str, year: str, indent: int) -> None:
    w(indent, f"- id: {ind_id}")
    number = ind["number"]
    if not isinstance(number, int):  # "（R6列順2）": the column order of the R6 tables
        number = str(number).split("列順")[-1].strip("（）() ")
    w(indent, f"  number: {q(number)}")
    w(indent, f"  title: {q(ind['title'])}")
    w(indent, f"  title_source: {q(ind['title_source'].split(' (')[0].split('（')[0][:80])}")
    w(indent, f"  max: {ind['max_points']}")
    if ind_id in BEST_OF:
        w(indent, "  combine: best_of")
    if ind["national_avg_points"] is not None:
        w(indent, f"  national_avg: {ind['national_avg_points']:g}")
    w(indent, f"  notes: {q(clean_note(ind['rule_notes']))}")
    emit_items(w, ind, ind_id, year, indent + 2)


def build(data: dict, year: str) -> str:
    inds = [i for i in data["indicators"] if i["fiscal_year"] == year]
    fy = YEARS[year]
    reiwa = fy - 2018
    w = Writer()
    w(
        0,
        f"# 令和{reiwa}年度 保険者機能強化推進交付金・介護保険保険者努力支援交付金 評価指標（市町村分）",
    )
    w(
        0,
        "# 書式: docs/catalog-format.md。ID は一度出荷したら変えないこと（番号や文言は変えてよい）。",
    )
    w(
        0,
        "# 小項目の公式文言の多くは未入手: hint は「参考（公式文言ではありません）」として表示される。",
    )
    w(0, f"catalog: municipal-r{reiwa}")
    w(0, f"title: {q(f'令和{reiwa}年度 評価指標（市町村分）')}")
    w(0, f"fiscal_year: {fy}")
    w(0, "level: municipal")
    w(0, "revision: 1")
    w(0, "status: draft")
    w(0, "sources:")
    for source in SOURCES[year]:
        w(0, f"  - {q(source)}")
    w(0, "total_max: 800")
    if year == "R6":
        w(0, f"national_avg: {R6_AVERAGES['total']}")

    def group_avg(group_inds: list[dict], group_id: str):
        if year == "R6":
            return R6_AVERAGES.get(group_id)
        return None

    def emit_goal(goal_code: str, grant_key: str, goal_inds: list[dict], indent: int, goal_id: str):
        name = goal_inds[0]["goal_name"].split(" ", 1)[1]
        w(indent, f"id: {goal_id}")
        w(indent, f"code: {goal_code}")
        w(indent, f"name: {q(name)}")
        w(indent, f"max: {sum(i['max_points'] for i in goal_inds)}")
        avg = R6_AVERAGES.get(goal_id) if year == "R6" else None
        if avg is not None:
            w(indent, f"national_avg: {avg}")
        w(indent, "groups:")
        for kind in ("process", "activity", "outcome"):
            kind_inds = [i for i in goal_inds if i["group"] == kind]
            if not kind_inds:
                continue
            group_id = f"{goal_id}.{kind}"
            w(indent, f"  - id: {group_id}")
            w(indent, f"    kind: {kind}")
            w(indent, f"    max: {sum(i['max_points'] for i in kind_inds)}")
            avg = group_avg(kind_inds, group_id)
            if avg is not None:
                w(indent, f"    national_avg: {avg}")
            w(indent, "    indicators:")
            for ind in kind_inds:
                ind_id = f"{group_id}.{indicator_slug(ind)}"
                emit_indicator(w, ind, ind_id, year, indent + 6)

    w(0, "grants:")
    for grant_key, (name, short) in GRANTS.items():
        w(0, f"  - id: {grant_key}")
        w(0, f"    name: {q(name)}")
        w(0, f"    short: {q(short)}")
        w(0, "    max: 400")
        if year == "R6":
            w(0, f"    national_avg: {R6_AVERAGES[grant_key]}")
        w(0, "    goals:")
        for goal_code in ("I", "II", "III"):
            goal_inds = [i for i in inds if i["grant"] == grant_key and i["goal"] == goal_code]
            w(0, "      -")
            lines_before = len(w.lines)
            emit_goal(goal_code, grant_key, goal_inds, 8, f"{grant_key}.{goal_code}")
            # fold the "-" with the first key for readability
            first = w.lines[lines_before]
            w.lines[lines_before - 1] = "      - " + first.strip()
            del w.lines[lines_before]
    w(0, "# 目標Ⅳ: 一つの得点が両交付金に算入される（各交付金の 400 点の内数）。")
    w(0, "common:")
    emit_goal("IV", "common", [i for i in inds if i["grant"] == "common"], 2, "common.IV")
    frames = [i for i in inds if i["group"] == "outcome_oriented_frame"]
    if frames:
        w(0, "# 成果指向配分枠: 推進交付金の 400 点・合計 800 点とは別枠。")
        w(0, "frames:")
        w(0, "  - id: suishin.outcome-frame")
        w(0, "    grant: suishin")
        w(0, f"    name: {q('成果指向配分枠')}")
        w(0, "    max: 100")
        w(0, "    indicators:")
        for ind in frames:
            emit_indicator(w, ind, "suishin.outcome-frame.efforts", year, 6)
    return w.text()


def main(argv: list[str]) -> int:
    source, out_dir = Path(argv[1]), Path(argv[2])
    data = json.loads(source.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    for year in YEARS:
        (out_dir / f"r{YEARS[year] - 2018}.yaml").write_text(build(data, year), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
