"""How numbers and years are written for people, in one place.

Every screen, workbook, report and command-line line writes points and fiscal years
the same way; the differences are only what an empty value looks like. No Qt here.
"""

from __future__ import annotations

from datetime import datetime

# The Reiwa era began in 2019, so fiscal year 2019 is 令和元年 = 1 and 2026 is 令和8.
_REIWA_OFFSET = 2018


def reiwa_year(fiscal_year: int) -> int:
    return fiscal_year - _REIWA_OFFSET


def year_code(fiscal_year: int) -> str:
    """R8 for FY2026: what users and the command line call a fiscal year."""
    return f"R{reiwa_year(fiscal_year)}"


def year_label(fiscal_year: int) -> str:
    """令和8年度 for FY2026."""
    return f"令和{reiwa_year(fiscal_year)}年度"


def fiscal_year_of_reiwa(reiwa: int) -> int:
    return reiwa + _REIWA_OFFSET


class NamedFiscalYear:
    """Mixed into anything with a ``fiscal_year`` (a catalog, an evaluation, a manifest):
    the ways people name that year."""

    fiscal_year: int

    @property
    def reiwa_year(self) -> int:
        return reiwa_year(self.fiscal_year)

    @property
    def year_code(self) -> str:
        """R8 for FY2026: what users and the command line call a fiscal year."""
        return year_code(self.fiscal_year)

    @property
    def year_label(self) -> str:
        """令和8年度 for FY2026."""
        return year_label(self.fiscal_year)


def now_iso() -> str:
    """The local time with its offset, to the second: how the file and workbooks stamp times."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def fmt_points(value: float | int | None, *, empty: str = "") -> str:
    """4, 2.5: whole numbers without a decimal point; ``empty`` for no value."""
    if value is None:
        return empty
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))
