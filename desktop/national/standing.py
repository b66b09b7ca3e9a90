"""The municipality's place among all municipalities, for the report, 伸びしろ and the
dashboard (no Qt): ranks, the distribution of totals as histogram bins with its own bin
marked, and what one point is worth (試算).

Everything here needs the national dataset of the evaluation's year, stored beside the
evaluation file, and the municipality: the one picked in the national view, else the
evaluation's own (by 保険者番号, else prefecture and name). Without either,
:func:`session_standing` returns None and nothing national is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.catalog.model import Catalog
from desktop.national.analysis import amount_estimate, find_municipality, standing
from desktop.national.dataset import NationalDataset, NationalMunicipality
from desktop.national.errors import NationalFileError
from desktop.national.frames import frames_for

BIN_WIDTH = 50  # points per histogram bar: 16 bars over 800 points fit a page and a sheet
GRANT_SHORT_NAMES = {"suishin": "推進", "shien": "支援"}
# The ranks and the distribution, as :func:`~desktop.national.analysis.standing` names them.
_STANDING_FIGURES = (
    "rank",
    "of",
    "prefecture_rank",
    "prefecture_of",
    "band_rank",
    "band_of",
    "kaso_rank",
    "kaso_of",
    "mean",
    "median",
    "q1",
    "q3",
)


@dataclass(frozen=True)
class HistogramBin:
    low: int  # inclusive
    high: int  # exclusive, except the last bin, which includes the full score
    count: int
    marked: bool  # the municipality's total falls in this bin

    @property
    def label(self) -> str:
        return f"{self.low}〜{self.high}点"


@dataclass(frozen=True)
class GroupSpread:
    """A comparison group's distribution of totals: mean, median and quartiles."""

    mean: float
    median: float
    q1: float
    q3: float

    @property
    def text(self) -> str:
        return (
            f"平均 {self.mean:.1f}点、中央値 {self.median:g}点、四分位 {self.q1:g}〜{self.q3:g}点"
        )


SPREAD_GROUPS = ("prefecture", "band", "kaso")


@dataclass(frozen=True)
class NationalStanding:
    year_label: str
    name: str  # 「北海道 〇〇町」
    total: float
    rank: int
    of: int
    prefecture: str
    prefecture_rank: int
    prefecture_of: int
    band: int | None
    band_rank: int
    band_of: int
    kaso: bool
    kaso_rank: int
    kaso_of: int
    mean: float
    median: float
    q1: float
    q3: float
    bins: tuple[HistogramBin, ...]
    # 1点あたりの試算額（千円）per grant, None where the year's frame is not known.
    per_point: dict[str, float | None] = field(default_factory=dict)
    # Each comparison group's own distribution (prefecture, band, kaso), as for the nation.
    spreads: dict[str, GroupSpread] = field(default_factory=dict)

    @property
    def rank_lines(self) -> list[str]:
        """The ranks as plain sentences (the same in the PDF and the workbook)."""
        band = "同じ規模区分" if self.band is None else f"規模区分{self.band}"
        kaso = "過疎地域" if self.kaso else "過疎地域以外"
        worth = per_point_line(self.per_point)

        def spread(group: str) -> str:
            found = self.spreads.get(group)
            return f"（{found.text}）" if found is not None else ""

        return [
            f"全国 {self.rank}位／{self.of}市町村（合計 {self.total:g}点）",
            f"{self.prefecture}内 {self.prefecture_rank}位／{self.prefecture_of}市町村"
            + spread("prefecture"),
            f"{band}の中で {self.band_rank}位／{self.band_of}市町村" + spread("band"),
            f"{kaso}の中で {self.kaso_rank}位／{self.kaso_of}市町村" + spread("kaso"),
            f"全国の平均 {self.mean:.1f}点、中央値 {self.median:g}点、"
            f"四分位 {self.q1:g}〜{self.q3:g}点",
            *([f"{worth}（基本配分枠による。実際の交付額とは異なります）"] if worth else []),
        ]



def per_point_text(value: float | None) -> str | None:
    """「1点あたり 約12千円（試算）」, or None when the frame is unknown."""
    if value is None:
        return None
    shown = f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"  # small values keep a digit
    return f"1点あたり 約{shown}千円（試算）"


def per_point_line(per_point: dict[str, float | None]) -> str:
    """「推進 1点あたり 約12千円（試算）　支援 1点あたり 約25千円（試算）」 (known grants only)."""
    parts = [
        f"{GRANT_SHORT_NAMES[grant]} {text}"
        for grant in GRANT_SHORT_NAMES
        if (text := per_point_text(per_point.get(grant))) is not None
    ]
    return "　".join(parts)


def histogram_bins(
    values: list[float], marked: float, maximum: int, width: int = BIN_WIDTH
) -> tuple[HistogramBin, ...]:
    """Counts per ``width`` points from 0 to ``maximum``; the full score counts in the last bin."""
    count = max(1, -(-maximum // width))
    counts = [0] * count

    def index(value: float) -> int:
        return min(count - 1, max(0, int(value // width)))

    for value in values:
        counts[index(value)] += 1
    mark = index(marked)
    return tuple(
        HistogramBin(i * width, min(maximum, (i + 1) * width), n, i == mark)
        for i, n in enumerate(counts)
    )


def per_point_values(
    dataset: NationalDataset,
    municipality: NationalMunicipality,
    frames: dict[str, float | None] | None,
) -> dict[str, float | None]:
    """Grant → what one more point is worth (千円, 試算); None where the frame is unknown."""
    if not frames:
        return {}
    estimate = amount_estimate(dataset, municipality, frames)
    return {grant: estimate[grant]["per_point_thousand_yen"] for grant in frames}


def build_standing(
    dataset: NationalDataset,
    municipality: NationalMunicipality,
    catalog: Catalog,
    frames: dict[str, float | None] | None = None,
) -> NationalStanding:
    figures = standing(dataset, municipality, catalog)
    per_point = per_point_values(dataset, municipality, frames)
    return NationalStanding(
        year_label=dataset.year_label,
        name=municipality.display_name,
        total=municipality.total,
        prefecture=municipality.prefecture,
        band=municipality.band,
        kaso=bool(municipality.kaso),
        bins=histogram_bins(
            [m.total for m in dataset.municipalities], municipality.total, catalog.total_max
        ),
        per_point=per_point,
        spreads={
            group: GroupSpread(
                figures[f"{group}_mean"],
                figures[f"{group}_median"],
                figures[f"{group}_q1"],
                figures[f"{group}_q3"],
            )
            for group in SPREAD_GROUPS
        },
        **{name: figures[name] for name in _STANDING_FIGURES},
    )


def picked_municipality(
    dataset: NationalDataset, picked: tuple[int, str, str] | None
) -> NationalMunicipality | None:
    """The municipality picked in the national view (通し番号, else prefecture and name)."""
    if picked is None:
        return None
    serial, prefecture, name = picked
    match = dataset.by_serial().get(serial)
    if match is not None and (match.prefecture, match.name) == (prefecture, name):
        return match
    try:
        return find_municipality(dataset, name=f"{prefecture}/{name}")
    except NationalFileError:
        return None


def own_municipality(dataset: NationalDataset, session) -> NationalMunicipality | None:
    """The evaluation's own municipality in the dataset: by 保険者番号, else by
    prefecture and name (as the national view picks it until the user picks another)."""
    own = session.municipality()
    if own is None:
        return None
    attempts = []
    if own.code:
        attempts.append({"insurer": own.code})
    if own.name:
        attempts.append({"name": f"{own.prefecture or ''}/{own.name}"})
    for kwargs in attempts:
        try:
            return find_municipality(dataset, **kwargs)
        except NationalFileError:
            continue
    return None


@dataclass(frozen=True)
class SessionNational:
    """The dataset of the session's year and the picked municipality (both present)."""

    dataset: NationalDataset
    municipality: NationalMunicipality
    frames: dict[str, float | None]


def session_national(session) -> SessionNational | None:
    """The stored dataset for the session's year and its picked municipality, or None."""
    from desktop.national.library import NationalLibrary, session_library

    found = session_library(session)
    if found is None:
        return None
    _evaluation, library_path, year = found
    try:
        with NationalLibrary.open(library_path, create=False) as library:
            picked = library.picked(str(found.evaluation_path.resolve()))
            dataset = library.load(year)
            entered = library.entered_frames(year)
    except NationalFileError:
        return None  # an unreadable library: the report and views go on without it
    municipality = picked_municipality(dataset, picked) or own_municipality(dataset, session)
    if municipality is None:
        return None
    return SessionNational(dataset, municipality, frames_for(year, entered))


def session_standing(session) -> NationalStanding | None:
    found = session_national(session)
    if found is None:
        return None
    return build_standing(found.dataset, found.municipality, session.catalog, found.frames)


def session_per_point(session) -> dict[str, float | None]:
    """Grant → one point's worth (千円, 試算) for the session's picked municipality; {} without."""
    found = session_national(session)
    if found is None:
        return {}
    return per_point_values(found.dataset, found.municipality, found.frames)
