"""What the answer sheets contain: their names, columns and one row per indicator or sub-item.

Both the submission workbook and the section workbooks are built from these rows,
and the manifest records them, so that an import finds each row by sheet name and
row number and checks it by its visible 目標・指標群・番号・小項目 cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.catalog.model import (
    ALL_OF,
    COMBINE_BEST_OF,
    EXTERNAL,
    OPTION_RULES,
    Catalog,
    Frame,
    Group,
    Indicator,
    Item,
)
from desktop.catalog.wording import HINT, marked, wording_for
from desktop.records import IndicatorNote
from desktop.scoring.tree import BLOCKED, ScoreTree

# --- sheet names (all ≤ 31 characters, Excel's limit) ------------------------------------
SHEET_COVER = "表紙"
SHEET_SUMMARY = "集計"
SHEET_COMMON = "目標Ⅳ（両交付金共通）"
SHEET_FRAMES = "成果指向配分枠（別枠）"
SHEET_MANIFEST = "取込用情報"
SHEET_CHOICES = "選択肢"

# --- columns of an answer sheet -------------------------------------------------------------
# Sized for A4 landscape at 10 pt (desktop/workbook/styles.py: print_scale >= 0.9). The
# indicator's title sits in 内容 on its own row; 参考・注記 holds what is not the ministry's
# text: the catalog's hints (参考) and the app's remarks, in grey, apart from 内容.
COLUMNS = (
    "目標",
    "指標群",
    "番号",
    "小項目",
    "内容",
    "回答",
    "配点",
    "得点",
    "見込み",
    "根拠資料",
    "担当課",
    "備考",
    "参考・注記",
)
COLUMN_WIDTHS = [6, 9, 4.5, 5.5, 34, 7, 4.5, 4.5, 5.5, 12, 8, 10, 24]
COL = {name: index for index, name in enumerate(COLUMNS, start=1)}
# The cells that identify a row; an import rejects a row whose cells no longer match.
KEY_COLUMNS = ("目標", "指標群", "番号", "小項目")
# Indicator-level text a colleague may fill in, and the note field each one is stored in.
NOTE_COLUMNS = {"根拠資料": "evidence", "担当課": "section", "備考": "memo"}
CONTENT_COLUMN = "内容"
REMARK_COLUMN = "参考・注記"

TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4

# --- row kinds ---------------------------------------------------------------------------------
ROW_INDICATOR = "indicator"  # the indicator: subtotal, 根拠資料, 担当課, 備考 (memo)
ROW_ITEM = "item"  # a sub-item answered on this row
ROW_ALL_OF = "all_of"  # an all-of sub-item: its answer follows from its parts (read only)
ROW_PART = "part"  # one part (①, ②…) of an all-of sub-item
ROW_KINDS = (ROW_INDICATOR, ROW_ITEM, ROW_ALL_OF, ROW_PART)
ANSWER_ROWS = (ROW_ITEM, ROW_PART)

STATE_SCORED_NOTE = "国が算定（回答は見込み）"
UNANSWERED_NOTE = "未回答"


@dataclass(frozen=True)
class SheetPlan:
    """One answer sheet: its title, heading and the groups it lists, in order."""

    title: str
    heading: str
    groups: tuple[tuple[str, Group | Frame], ...]  # (目標 label, group or frame)
    node_id: str | None = None  # the score node whose figures the sheet's subtitle shows


@dataclass
class SheetRow:
    """One row of an answer sheet, before it is written."""

    kind: str
    target: str  # indicator, item or part id
    item: Item | None = None
    indicator: Indicator | None = None
    texts: dict[str, str] = field(default_factory=dict)  # column → text
    numbers: dict[str, tuple[int | float, str]] = field(
        default_factory=dict
    )  # column → (value, format)
    answer: str | None = None  # what the 回答 cell shows
    state_scored: bool = False

    def key(self) -> tuple[str, ...]:
        return tuple(self.texts.get(name, "") for name in KEY_COLUMNS)

    @property
    def unanswered(self) -> bool:
        """A sub-item (or part) the municipality answers itself and has not answered yet."""
        return self.kind in ANSWER_ROWS and not self.state_scored and self.answer is None


def sheet_plans(catalog: Catalog) -> list[SheetPlan]:
    """推進交付金, 努力支援交付金, 目標Ⅳ（両交付金共通）, then the frames outside the total."""
    plans = []
    for grant in catalog.grants:
        groups = tuple((goal.label, group) for goal in grant.goals for group in goal.groups)
        plans.append(
            SheetPlan(
                grant.short_name,
                f"{grant.name}（{grant.max_points}点。目標Ⅳは「{SHEET_COMMON}」のシート）",
                groups,
                grant.id,
            )
        )
    if catalog.common is not None:
        common = catalog.common
        plans.append(
            SheetPlan(
                SHEET_COMMON,
                f"{common.label} {common.name}（両交付金に同じ得点で計上）",
                tuple((common.label, group) for group in common.groups),
                common.id,
            )
        )
    if catalog.frames:
        plans.append(
            SheetPlan(
                SHEET_FRAMES,
                f"成果指向配分枠（{catalog.total_max}点とは別枠で配分）",
                tuple(("別枠", frame) for frame in catalog.frames),
                catalog.frames[0].id if len(catalog.frames) == 1 else None,
            )
        )
    return plans


def item_content(item: Item, wordings: dict[str, str]) -> tuple[str, str]:
    """(内容, 参考): official or own wording with the choices, and the hint if that is all."""
    text, hint = _wording(item, wordings)
    if item.rule in OPTION_RULES and item.options:
        choices = "／".join(
            f"{option.label}＝{option.note}" if option.note else option.label
            for option in item.options
        )
        text = f"{text}\n選択肢: {choices}" if text else f"選択肢: {choices}"
    return text, hint


def part_content(part, wordings: dict[str, str]) -> tuple[str, str]:
    return _wording(part, wordings)


def _wording(target, wordings) -> tuple[str, str]:
    """(the text with its source mark, "") or ("", the hint marked 〔参考〕): never mixed.

    ``wordings``: TextLayers, or own summaries as a dict. The hint is not the ministry's
    text, so it goes to the grey 参考・注記 column, never into 内容.
    """
    text, source = wording_for(target, wordings)
    if source == HINT:
        return "", marked(text, source)
    return marked(text, source), ""


def _lines(*texts: str) -> str:
    return "\n".join(text for text in texts if text)


def build_rows(
    plan: SheetPlan,
    tree: ScoreTree,
    notes: dict[str, IndicatorNote],
    wordings: dict[str, str],
    *,
    carried: set[str] = frozenset(),
    include: set[str] | None = None,
) -> list[SheetRow]:
    """The rows of one answer sheet; ``include`` limits it to those indicator ids."""
    rows: list[SheetRow] = []
    for goal_label, group in plan.groups:
        for indicator in group.indicators:
            if include is not None and indicator.id not in include:
                continue
            rows.extend(
                _indicator_rows(
                    goal_label, group, indicator, tree, notes.get(indicator.id), wordings, carried
                )
            )
    return rows


def _indicator_rows(goal_label, group, indicator, tree, note, wordings, carried) -> list[SheetRow]:
    base = {"目標": goal_label, "指標群": group.name, "番号": indicator.number}
    node = tree.node(indicator.id)
    has_estimates = any(item.state_scored for item in indicator.items)
    head = SheetRow(kind=ROW_INDICATOR, target=indicator.id, indicator=indicator)
    head.texts = {**base, CONTENT_COLUMN: indicator.title}
    if note is not None:
        head.texts.update({column: note.get(name) for column, name in NOTE_COLUMNS.items()})
    head.texts[REMARK_COLUMN] = _indicator_remark(indicator, note)
    head.numbers = {"配点": (indicator.max_points, "0"), "得点": (node.points, "0")}
    if has_estimates:
        head.numbers["見込み"] = (node.projected_points, "0")
    rows = [head]
    for item in indicator.items:
        item_node = tree.node(item.id)
        row = SheetRow(
            kind=ROW_ALL_OF if item.rule == ALL_OF else ROW_ITEM,
            target=item.id,
            item=item,
            indicator=indicator,
            answer=item_node.answer,
            state_scored=item.state_scored,
        )
        # The indicator's title is on its own row above; sub-item rows repeat only the
        # short cells that identify them (目標・指標群・番号・小項目).
        content, hint = item_content(item, wordings)
        row.texts = {
            **base,
            "小項目": item.label,
            CONTENT_COLUMN: content,
            REMARK_COLUMN: _lines(
                UNANSWERED_NOTE if row.unanswered else "",
                hint,
                _item_remark(item, item_node, carried),
            ),
        }
        row.numbers = {"配点": (item.points, "0"), "得点": (item_node.points, "0")}
        if item.state_scored:
            row.numbers["見込み"] = (item_node.projected_points, "0")
        rows.append(row)
        for part, part_state in zip(item.parts, item_node.parts or [], strict=False):
            part_row = SheetRow(
                kind=ROW_PART,
                target=part.id,
                item=item,
                indicator=indicator,
                answer=part_state.get("answer"),
                state_scored=item.state_scored,
            )
            content, hint = part_content(part, wordings)
            part_row.texts = {
                **base,
                "小項目": f"{item.label}{part.label}",
                CONTENT_COLUMN: content,
                REMARK_COLUMN: _lines(
                    UNANSWERED_NOTE if part_row.unanswered else "",
                    hint,
                    "引継ぎ・要確認" if part.id in carried else "",
                ),
            }
            rows.append(part_row)
    return rows


def _indicator_remark(indicator: Indicator, note: IndicatorNote | None) -> str:
    remarks = []
    if indicator.combine == COMBINE_BEST_OF:
        labels = "・".join(item.label for item in indicator.items)
        remarks.append(f"{labels}のうち得点の高い方のみ計上")
    if note is not None and note.assignee:
        remarks.append(f"担当者: {note.assignee}")
    if note is not None and note.status:
        remarks.append(f"状況: {note.status}")
    return "\n".join(remarks)


def _item_remark(item: Item, node, carried: set[str]) -> str:
    remarks = []
    if item.state_scored:
        remarks.append(STATE_SCORED_NOTE)
    if item.rule == ALL_OF:
        labels = "・".join(f"{item.label}{part.label}" for part in item.parts)
        remarks.append(f"{labels}の行で回答（すべて該当で得点）")
    if item.rule == EXTERNAL:
        remarks.append(f"0〜{item.points} の整数で入力")
    if node.status == BLOCKED and node.reason:
        remarks.append(node.reason)
    if item.id in carried:
        remarks.append("前年度から引継ぎ・要確認")
    return "\n".join(remarks)
