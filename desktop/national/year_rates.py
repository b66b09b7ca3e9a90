"""The year's real 該当率 of every sub-item, where its national results are imported (no Qt).

The share (%) of all municipalities scoring each sub-item, from the national results of
the evaluation's own year stored beside the evaluation file. Unlike the rank and the
peers, it needs no municipality: it is the same for everyone. Which rates 伸びしろ shows
(these, else the catalog's stored ones) is decided once, in
:func:`desktop.report.gaps.session_rate_source`.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.national.analysis import item_rates
from desktop.national.errors import NationalFileError


@dataclass(frozen=True)
class YearRates:
    year_label: str  # 令和8年度
    rates: dict[str, float]  # item id (and item id:option) → % of all municipalities


def session_year_rates(session) -> YearRates | None:
    """The rates of ``session``'s fiscal year, or None where that year is not imported."""
    from desktop.national.library import NationalLibrary, session_library

    found = session_library(session)
    if found is None:
        return None
    _evaluation, library_path, year = found
    try:
        with NationalLibrary.open(library_path, create=False) as library:
            dataset = library.load(year)
    except NationalFileError:
        return None  # an unreadable library: 伸びしろ goes on with the catalog's rates
    return YearRates(dataset.year_label, item_rates(dataset))
