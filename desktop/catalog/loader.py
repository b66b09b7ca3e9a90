"""Load a catalog YAML file into the immutable model, reporting every problem at once.

The builder never stops at the first problem: it records each one with its line and
a stable code (see :mod:`desktop.catalog.errors`) and goes on, so that an author
fixing next year's file sees the whole list in one run.
"""

from __future__ import annotations

from pathlib import Path

from desktop.catalog import errors as E
from desktop.catalog.checks import CrossChecks
from desktop.catalog.fields import FieldReader
from desktop.catalog.model import (
    ALL_OF,
    CHECK,
    COMBINE_BEST_OF,
    COMBINE_RULES,
    COMBINE_SUM,
    COUNT,
    CUMULATIVE_RULES,
    EXTERNAL,
    GROUP_KINDS,
    ITEM_RULES,
    OPTION_RULES,
    STATE_SCORED_KINDS,
    Catalog,
    Frame,
    Goal,
    Grant,
    Group,
    Indicator,
    Item,
    Option,
    Part,
)
from desktop.catalog.yamlsource import LocatedDict, YamlSyntaxError, parse
from desktop.hashing import content_hash

LEVELS = ("municipal", "prefectural")
STATUSES = ("draft", "final")
GOAL_CODES = ("I", "II", "III", "IV")

HEADER_KEYS = {
    "catalog",
    "title",
    "fiscal_year",
    "level",
    "revision",
    "status",
    "sources",
    "total_max",
    "national_avg",
    "grants",
    "common",
    "frames",
    "notes",
}
GRANT_KEYS = {"id", "name", "short", "max", "national_avg", "goals"}
GOAL_KEYS = {"id", "code", "name", "max", "national_avg", "groups"}
GROUP_KEYS = {"id", "kind", "max", "national_avg", "indicators"}
FRAME_KEYS = {"id", "grant", "name", "max", "indicators"}
INDICATOR_KEYS = {
    "id",
    "number",
    "title",
    "title_source",
    "max",
    "combine",
    "national_avg",
    "note",
    "provenance",
    "notes",  # older files: read as provenance (it mixed both kinds of note)
    "items",
}
ITEM_KEYS = {
    "id",
    "label",
    "rule",
    "points",
    "rate",
    "wording",
    "wording_source",
    "hint",
    "options",
    "parts",
    "requires",
    "requires_inferred",
    "state_scored",
    "note",
    "provenance",
    "notes",  # older files: read as provenance (it mixed both kinds of note)
}
OPTION_KEYS = {"label", "points", "rate", "note", "at"}
PART_KEYS = {"id", "label", "wording", "hint"}


def load_catalog(path: str | Path) -> Catalog:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise E.CatalogError(
            str(path),
            [
                E.CatalogProblem(
                    str(path), 0, E.UNREADABLE, f"ファイルを読めません（{exc.strerror}）"
                )
            ],
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise E.CatalogError(
            str(path),
            [
                E.CatalogProblem(
                    str(path),
                    0,
                    E.UNREADABLE,
                    "文字コードが UTF-8 ではありません。UTF-8 で保存してください。",
                )
            ],
        ) from None
    return load_catalog_text(text, str(path))


def load_catalog_text(text: str, name: str = "<catalog>") -> Catalog:
    builder = _Builder(name)
    catalog = builder.build(text)
    if builder.problems or catalog is None:
        raise E.CatalogError(name, builder.problems)
    return catalog


class _Builder(FieldReader, CrossChecks):
    """Builds the model from the parsed YAML, one level at a time."""

    # --- building -------------------------------------------------------------
    def build(self, text: str) -> Catalog | None:
        try:
            parsed = parse(text)
        except YamlSyntaxError as exc:
            self.problem(exc.line, E.SYNTAX, str(exc))
            return None
        for key, line in parsed.repeated_keys:
            self.problem(
                line, E.DUPLICATE_ID, f"同じ項目名「{key}」が一つの場所に二度書かれています。"
            )
        root = parsed.data
        if not isinstance(root, LocatedDict):
            self.problem(1, E.BAD_HEADER, "ファイルの先頭に catalog: などのヘッダーがありません。")
            return None
        self.check_keys(root, HEADER_KEYS, "ヘッダー")
        catalog_id = self.require(root, "catalog", "ヘッダー")
        if catalog_id:
            self.register_id(catalog_id, root.line_of("catalog"), "評価指標ファイル")
        title = self.optional(root, "title", "ヘッダー", default="")
        fiscal_year = self.require(root, "fiscal_year", "ヘッダー", int)
        if fiscal_year is not None and not 2019 <= fiscal_year <= 2100:
            self.problem(
                root.line_of("fiscal_year"),
                E.BAD_HEADER,
                f"fiscal_year は西暦の年度で書いてください（令和8年度なら 2026。いまは {fiscal_year}）。",
            )
        level = self.require(root, "level", "ヘッダー")
        if level is not None and level not in LEVELS:
            self.problem(
                root.line_of("level"),
                E.BAD_HEADER,
                f"level は municipal（市町村分）か prefectural（都道府県分）です（いまは「{level}」）。",
            )
        revision = self.require(root, "revision", "ヘッダー", int)
        if revision is not None and revision < 1:
            self.problem(root.line_of("revision"), E.BAD_HEADER, "revision は 1 以上の整数です。")
        status = self.require(root, "status", "ヘッダー")
        if status is not None and status not in STATUSES:
            self.problem(
                root.line_of("status"),
                E.BAD_HEADER,
                f"status は draft（暫定）か final（確定）です（いまは「{status}」）。",
            )
        sources = self.optional(root, "sources", "ヘッダー", list, default=[])
        if not sources:
            self.problem(
                root.line, E.MISSING, "ヘッダーに出典（sources）を一つ以上書いてください。"
            )
        total_max = self.require(root, "total_max", "ヘッダー", int)
        national_avg = self.optional(root, "national_avg", "ヘッダー", float)

        common = None
        if "common" in root and root["common"] is not None:
            data = self.mapping(root["common"], root.line_of("common"), "common（目標Ⅳ）")
            if data is not None:
                common = self.goal(data)
        grants = self.entries(root, "grants", "ヘッダー", "交付金", lambda g: self.grant(g, common))
        frames = self.entries(root, "frames", "ヘッダー", "配分枠", self.frame, required=False)

        self.check_allocation(
            root.line_of("total_max"),
            total_max,
            grants,
            lambda actual: f"合計の配点 total_max={total_max} と交付金の配点の合計 {actual} が一致しません。",
        )
        if not all([catalog_id, fiscal_year, level, revision, status, total_max is not None]):
            return None
        catalog = Catalog(
            id=catalog_id,
            title=title or "",
            fiscal_year=fiscal_year,
            level=level,
            revision=revision,
            status=status,
            sources=tuple(str(s) for s in sources),
            total_max=total_max,
            grants=tuple(grants),
            common=common,
            frames=tuple(frames),
            national_avg_total=national_avg,
            content_hash=content_hash(text),
            path=self.name,
        )
        self.check_references(catalog)
        return catalog

    def grant(self, data: LocatedDict, common: Goal | None) -> Grant | None:
        grant_id = self.entry_id(data, GRANT_KEYS, "交付金")
        what = f"交付金 {grant_id}"
        name = self.require(data, "name", what)
        short = self.optional(data, "short", what, default=name)
        max_points = self.require(data, "max", what, int)
        national_avg = self.optional(data, "national_avg", what, float)
        goals = self.entries(data, "goals", what, "目標", self.goal)
        if max_points is not None:
            actual = sum(g.max_points for g in goals) + (common.max_points if common else 0)
            if actual != max_points:
                self.problem(
                    data.line_of("max"),
                    E.ALLOCATION_MISMATCH,
                    f"交付金「{name}」の配点 {max_points} と目標の配点の合計 {actual}"
                    "（目標Ⅳを含む）が一致しません。",
                )
        return self.complete(
            Grant,
            data,
            {"id": grant_id, "name": name, "max_points": max_points},
            short_name=short,
            goals=tuple(goals),
            national_avg_points=national_avg,
        )

    def goal(self, data: LocatedDict) -> Goal | None:
        goal_id = self.entry_id(data, GOAL_KEYS, "目標")
        what = f"目標 {goal_id}"
        code = self.require(data, "code", what)
        if code is not None and code not in GOAL_CODES:
            self.problem(
                data.line_of("code"), E.BAD_VALUE, f"{what}の code は I・II・III・IV のどれかです。"
            )
        name = self.require(data, "name", what)
        max_points = self.require(data, "max", what, int)
        national_avg = self.optional(data, "national_avg", what, float)
        groups = self.entries(data, "groups", what, "指標群", self.group)
        self.check_sum(data, what, max_points, groups, "指標群")
        return self.complete(
            Goal,
            data,
            {"id": goal_id, "code": code, "name": name, "max_points": max_points},
            groups=tuple(groups),
            national_avg_points=national_avg,
        )

    def group(self, data: LocatedDict) -> Group | None:
        group_id = self.entry_id(data, GROUP_KEYS, "指標群")
        what = f"指標群 {group_id}"
        kind = self.require(data, "kind", what)
        if kind is not None and kind not in GROUP_KINDS:
            self.problem(
                data.line_of("kind"),
                E.BAD_VALUE,
                f"{what} の kind「{kind}」は使えません（process・activity・outcome のどれか）。",
            )
            kind = None
        max_points = self.require(data, "max", what, int)
        national_avg = self.optional(data, "national_avg", what, float)
        indicators = self.indicators(data, what, kind in STATE_SCORED_KINDS if kind else False)
        self.check_sum(data, what, max_points, indicators, "評価指標")
        return self.complete(
            Group,
            data,
            {"id": group_id, "kind": kind, "max_points": max_points},
            indicators=tuple(indicators),
            national_avg_points=national_avg,
        )

    def frame(self, data: LocatedDict) -> Frame | None:
        frame_id = self.entry_id(data, FRAME_KEYS, "配分枠")
        what = f"配分枠 {frame_id}"
        grant = self.require(data, "grant", what)
        name = self.require(data, "name", what)
        max_points = self.require(data, "max", what, int)
        indicators = self.indicators(data, what, True)
        self.check_sum(data, what, max_points, indicators, "評価指標")
        required = {"id": frame_id, "grant": grant, "name": name, "max_points": max_points}
        return self.complete(Frame, data, required, indicators=tuple(indicators))

    def indicators(
        self, data: LocatedDict, what: str, state_scored_default: bool
    ) -> list[Indicator]:
        return self.entries(
            data,
            "indicators",
            what,
            "評価指標",
            lambda indicator: self.indicator(indicator, state_scored_default),
            empty=f"{what} に評価指標がありません。",
        )

    def indicator(self, data: LocatedDict, state_scored_default: bool) -> Indicator | None:
        indicator_id = self.entry_id(data, INDICATOR_KEYS, "評価指標")
        what = f"評価指標 {indicator_id}"
        number = self.require(data, "number", what)
        title = self.require(data, "title", what)
        max_points = self.require(data, "max", what, int)
        combine = self.optional(data, "combine", what, default=COMBINE_SUM)
        if combine not in COMBINE_RULES:
            self.problem(
                data.line_of("combine"),
                E.UNKNOWN_RULE,
                f"{what} の combine「{combine}」は使えません（sum か best_of）。",
            )
            combine = COMBINE_SUM
        national_avg = self.optional(data, "national_avg", what, float)
        items = self.entries(
            data, "items", what, "小項目", lambda item: self.item(item, state_scored_default)
        )
        if max_points is not None and items:
            reachable = (
                max(i.points for i in items)
                if combine == COMBINE_BEST_OF
                else sum(i.points for i in items)
            )
            if reachable < max_points:
                self.problem(
                    data.line_of("max"),
                    E.UNREACHABLE_MAX,
                    f"{what} の配点 {max_points} に小項目の配点（最大 {reachable}）が届きません。",
                )
        if None in (indicator_id, number, title, max_points):
            return None
        return Indicator(
            id=indicator_id,
            number=str(number),
            title=title,
            max_points=max_points,
            items=tuple(items),
            combine=combine,
            title_source=self.optional(data, "title_source", what),
            national_avg_points=national_avg,
            note=self.user_text(data, "note", what),
            provenance=self.provenance(data, what),
            line=data.line,
        )

    def item(self, data: LocatedDict, state_scored_default: bool) -> Item | None:
        item_id = self.entry_id(data, ITEM_KEYS, "小項目")
        what = f"小項目 {item_id}"
        label = self.require(data, "label", what)
        rule = self.optional(data, "rule", what, default=CHECK)
        if rule not in ITEM_RULES:
            self.problem(
                data.line_of("rule"),
                E.UNKNOWN_RULE,
                f"{what} の rule「{rule}」は使えません（使えるのは {'・'.join(ITEM_RULES)}）。",
            )
            return None
        rate = self.optional(data, "rate", what, float)
        self.check_rate(data, "rate", rate, what)
        options: list[Option] = []
        parts: list[Part] = []
        points = None
        if rule in OPTION_RULES:
            if "points" in data:
                self.problem(
                    data.line_of("points"),
                    E.BAD_VALUE,
                    f"{what} は選択肢ごとに配点を書きます（小項目の points は書きません）。",
                )
            options = self.options(data, what, rule)
            if options:
                cumulative = rule in CUMULATIVE_RULES
                points = (
                    sum(o.points for o in options) if cumulative else max(o.points for o in options)
                )
            else:
                points = 0
        elif rule == EXTERNAL:
            points = self.require(data, "points", what, int)
        else:
            points = self.require(data, "points", what, int)
            if rule == ALL_OF:
                parts = self.parts(data, what)
        if points is not None and points < 0:
            self.problem(data.line_of("points"), E.BAD_VALUE, f"{what} の配点が負の数です。")
        requires = self.optional(data, "requires", what, list, default=[]) or []
        state_scored = self.optional(data, "state_scored", what, bool, default=state_scored_default)
        if None in (item_id, label, points):
            return None
        return Item(
            id=item_id,
            label=str(label),
            rule=rule,
            points=points,
            wording=self.user_text(data, "wording", what),
            wording_source=self.optional(data, "wording_source", what),
            hint=self.user_text(data, "hint", what),
            national_rate_pct=rate,
            options=tuple(options),
            parts=tuple(parts),
            requires=tuple(str(r) for r in requires),
            requires_inferred=bool(
                self.optional(data, "requires_inferred", what, bool, default=False)
            ),
            state_scored=bool(state_scored),
            note=self.user_text(data, "note", what),
            provenance=self.provenance(data, what),
            line=data.line,
        )

    def options(self, data: LocatedDict, what: str, rule: str) -> list[Option]:
        seen: set[str] = set()
        return self.entries(
            data,
            "options",
            what,
            f"{what} の選択肢",
            lambda option: self.option(option, what, rule, seen),
            empty=f"{what} に選択肢がありません。",
        )

    def option(self, data: LocatedDict, what: str, rule: str, seen: set[str]) -> Option | None:
        self.check_keys(data, OPTION_KEYS, f"{what} の選択肢")
        label = self.require(data, "label", f"{what} の選択肢")
        option_what = f"{what} の選択肢「{label}」"
        if "points" not in data or data["points"] is None:
            self.problem(
                data.line,
                E.OPTION_WITHOUT_POINTS,
                f"{option_what}に配点（points）がありません。",
            )
            points = None
        else:
            points = self.coerce(data, "points", data["points"], int, option_what)
        rate = self.optional(data, "rate", option_what, float)
        self.check_rate(data, "rate", rate, option_what)
        at = self.optional(data, "at", option_what, int)
        if rule == COUNT and at is None:
            self.problem(data.line, E.MISSING, f"{option_what}に件数の基準（at）がありません。")
        if label in seen:
            self.problem(data.line, E.DUPLICATE_ID, f"{what} に選択肢「{label}」が二つあります。")
        seen.add(label)
        if label is None or points is None:
            return None
        return Option(
            label=str(label),
            points=points,
            note=self.user_text(data, "note", option_what),
            national_rate_pct=rate,
            at=at,
            line=data.line,
        )

    def parts(self, data: LocatedDict, what: str) -> list[Part]:
        part_what = f"{what} の条件"
        parts = self.entries(data, "parts", what, part_what, lambda p: self.part(p, part_what))
        if len(parts) < 2:
            self.problem(
                data.line, E.EMPTY_LIST, f"{what}（all_of）には条件（parts）が二つ以上必要です。"
            )
        return parts

    def part(self, data: LocatedDict, what: str) -> Part | None:
        part_id = self.entry_id(data, PART_KEYS, what)
        label = self.require(data, "label", what)
        if part_id is None or label is None:
            return None
        return Part(
            id=part_id,
            label=str(label),
            wording=self.user_text(data, "wording", what),
            hint=self.user_text(data, "hint", what),
            line=data.line,
        )
