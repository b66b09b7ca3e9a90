"""Catalog problems: every one carries file, line and a stable code, in plain Japanese."""

from __future__ import annotations

from dataclasses import dataclass

# Stable codes: scripts and the documentation (docs/catalog-format.md) refer to them.
SYNTAX = "C001"  # YAML として読めない
MISSING = "C002"  # 必須項目がない
BAD_VALUE = "C003"  # 値の型・形式が正しくない
UNKNOWN_KEY = "C004"  # 知らない項目名（綴り誤りの可能性）
DUPLICATE_ID = "C010"
BAD_ID = "C011"
UNKNOWN_REFERENCE = "C012"
REQUIRES_CYCLE = "C013"
ALLOCATION_MISMATCH = "C020"
OPTION_WITHOUT_POINTS = "C021"
UNKNOWN_RULE = "C022"
UNREACHABLE_MAX = "C023"
EMPTY_LIST = "C024"
BAD_RATE = "C025"
MAINTAINER_TEXT = "C026"  # 利用者向けの文に URL・英語・ファイルの場所・出典への疑問
BAD_HEADER = "C030"
UNREADABLE = "C031"
CROSSWALK = "C040"  # 対応表（crosswalk）の誤り


@dataclass(frozen=True)
class CatalogProblem:
    """One problem found in a catalog file, with its place."""

    file: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: [{self.code}] {self.message}"


class CatalogError(Exception):
    """A catalog file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, path: str, problems: list[CatalogProblem]):
        self.path = path
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"評価指標ファイル {path} に {count} 件の問題があります。\n" + self.details()
        )

    def details(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
