"""The municipalities the user chose to compare with (比較する市町村を自分で選ぶ), found in a
year's dataset (no Qt, no I/O).

The evaluation keeps the list (:meth:`desktop.evaluation.session.Session.peer_choices`) by
通し番号, prefecture and name. 通し番号 is stable across R6–R8; where a year's row under that
number names another municipality, the prefecture and name decide. A chosen municipality
absent from the year is reported, never guessed. Like the automatic groups, the chosen
group includes the municipality itself, so its rank reads 「N位 / 選んだ数+1」.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.national.dataset import NationalDataset, NationalMunicipality
from desktop.national.text import norm
from desktop.records import PeerChoice

CHOSEN_KIND = "chosen"
CHOSEN_LABEL = "自分で選んだ市町村"


def choice_of(municipality: NationalMunicipality) -> PeerChoice:
    return PeerChoice(municipality.serial, municipality.prefecture, municipality.name)


@dataclass(frozen=True)
class ChosenPeers:
    members: list[NationalMunicipality]  # the municipality itself first, then the found choices
    missing: list[PeerChoice]  # chosen, but not in this year's results

    @property
    def chosen_count(self) -> int:
        return len(self.members) - 1

    def missing_line(self) -> str:
        """「この年度の全国集計結果にない市町村: 〇〇県〇〇町」, or "" when all were found."""
        if not self.missing:
            return ""
        names = "、".join(c.display_name for c in self.missing)
        return f"この年度の全国集計結果にない市町村（比較から外しています）: {names}"


def find_choice(dataset: NationalDataset, choice: PeerChoice) -> NationalMunicipality | None:
    """The dataset's row for ``choice``: by 通し番号 when it names the same municipality,
    else by prefecture and name (None when neither matches exactly one row)."""
    match = dataset.by_serial().get(choice.serial)
    if match is not None and (norm(match.prefecture), norm(match.name)) == (
        norm(choice.prefecture),
        norm(choice.name),
    ):
        return match
    found = [
        m
        for m in dataset.municipalities
        if norm(m.prefecture) == norm(choice.prefecture) and norm(m.name) == norm(choice.name)
    ]
    return found[0] if len(found) == 1 else None


def chosen_peers(
    dataset: NationalDataset, municipality: NationalMunicipality, choices: list[PeerChoice]
) -> ChosenPeers:
    members = [municipality]
    seen = {municipality.serial}
    missing = []
    for choice in choices:
        found = find_choice(dataset, choice)
        if found is None:
            missing.append(choice)
        elif found.serial not in seen:
            seen.add(found.serial)
            members.append(found)
    return ChosenPeers(members, missing)
