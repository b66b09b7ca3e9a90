"""Which text describes a sub-item: one rule for the window, the workbooks and the report.

The official wording wins; where the catalog has none, the municipality's own wording
(recorded in the app); else the catalog's short unofficial hint, which every view must
mark as 参考（公式文言ではありません）.
"""

from __future__ import annotations

from desktop.catalog.model import Item, Part

OFFICIAL = "official"
OWN = "own"
REFERENCE = "reference"


def sub_item_wording(target: Item | Part, own_wording: str | None) -> tuple[str | None, str | None]:
    """(text, kind) for an item or all-of part; kind is OFFICIAL, OWN, REFERENCE or None."""
    if target.wording:
        return target.wording, OFFICIAL
    if own_wording:
        return own_wording, OWN
    if target.hint:
        return target.hint, REFERENCE
    return None, None
