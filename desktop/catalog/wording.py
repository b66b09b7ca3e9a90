"""Which text describes a sub-item: one rule for the window, the workbooks and the report.

Precedence, everywhere a sub-item's text is shown:

1. the official wording shipped in the catalog (``official``);
2. an official text this evaluation holds: pasted from the ministry's document
   (``pasted``) or imported from a wording pack (``pack``);
3. the municipality's own summary recorded in the app (要旨, ``own``);
4. the catalog's short unofficial hint (参考, ``hint``).

The source always travels with the text so that every view can show it as a small
mark (:data:`SOURCE_MARKS`); a hint must never look official.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop.catalog.model import Item, Part

OFFICIAL = "official"
PASTED = "pasted"
PACK = "pack"
OWN = "own"
HINT = "hint"
REFERENCE = HINT  # the older name of the hint kind, kept for existing callers
SOURCES = (OFFICIAL, PASTED, PACK, OWN, HINT)

# The small mark each view puts beside the text (window, workbooks, report).
SOURCE_MARKS = {
    OFFICIAL: "公式",
    PASTED: "公式・貼り付け",
    PACK: "公式・文言集",
    OWN: "要旨",
    HINT: "参考",
}
# What the mark means, for a tooltip or a legend.
SOURCE_EXPLANATIONS = {
    OFFICIAL: "国の評価指標の文言（同梱）",
    PASTED: "国の資料から貼り付けた公式文言（この評価に保存）",
    PACK: "文言集から取り込んだ公式文言（この評価に保存、または共有の文言集）",
    OWN: "自分たちで記録した要旨（公式文言ではありません）",
    HINT: "アプリの参考の説明（公式文言ではありません）",
}

Copy = tuple[str, str]  # (text, PASTED or PACK)


@dataclass(frozen=True)
class TextLayers:
    """What an evaluation adds to the catalog's texts: official copies and its own summaries."""

    copies: Mapping[str, Copy] = field(default_factory=dict)
    own: Mapping[str, str] = field(default_factory=dict)

    def wording(self, target: Item | Part) -> tuple[str | None, str | None]:
        return sub_item_wording(target, self.own.get(target.id), self.copies.get(target.id))


def wording_for(
    target: Item | Part, layers: TextLayers | Mapping[str, str] | None
) -> tuple[str | None, str | None]:
    """(text, source) given an evaluation's layers, or just its own summaries (a plain dict)."""
    if isinstance(layers, TextLayers):
        return layers.wording(target)
    return sub_item_wording(target, (layers or {}).get(target.id))


def own_summaries(layers: TextLayers | Mapping[str, str] | None) -> Mapping[str, str]:
    """The municipality's own summaries alone (what it may edit)."""
    if isinstance(layers, TextLayers):
        return layers.own
    return layers or {}


def sub_item_wording(
    target: Item | Part, own_wording: str | None, copy: Copy | None = None
) -> tuple[str | None, str | None]:
    """(text, source) for an item or all-of part; source is one of SOURCES, or None."""
    if target.wording:
        return target.wording, OFFICIAL
    if copy and copy[0]:
        return copy[0], copy[1]
    if own_wording:
        return own_wording, OWN
    if target.hint:
        return target.hint, HINT
    return None, None


def marked(text: str | None, source: str | None) -> str:
    """「〔公式・貼り付け〕…」: the text with its source mark, as workbooks and the report print it."""
    if not text:
        return ""
    return f"〔{SOURCE_MARKS[source]}〕{text}"
