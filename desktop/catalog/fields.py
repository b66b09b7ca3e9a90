"""Reading the fields of a catalog YAML file: required and optional values of the right
kind, texts users read, ids; every problem is recorded (with its line and a stable
code) and reading goes on, so that an author sees the whole list in one run.
"""

from __future__ import annotations

import re
from pathlib import Path

from desktop.catalog import errors as E
from desktop.catalog.user_text import maintainer_text_problems
from desktop.catalog.yamlsource import LocatedDict, line_of

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# A field's kind → (accepts the value, the value kept, what to write instead).
_KINDS = {
    int: (
        lambda v: isinstance(v, int) and not isinstance(v, bool),
        lambda v: v,
        lambda v: f"は整数で書いてください（いまは「{v}」）。",
    ),
    float: (_number, float, lambda v: f"は数値で書いてください（いまは「{v}」）。"),
    bool: (lambda v: isinstance(v, bool), lambda v: v, lambda v: "は true か false で書いてください。"),
    str: (lambda v: not isinstance(v, dict | list), str, lambda v: "は文字列で書いてください。"),
    list: (
        lambda v: isinstance(v, list),
        lambda v: v,
        lambda v: "は一覧（- で始まる行）で書いてください。",
    ),
}


class FieldReader:
    """Reads fields of a catalog file, recording every problem with its line and code."""

    def __init__(self, name: str):
        self.name = name
        self.file = Path(name).name if name and not name.startswith("<") else name
        self.problems: list[E.CatalogProblem] = []
        self.ids: dict[str, int] = {}

    # --- reporting ------------------------------------------------------------
    def problem(self, line: int, code: str, message: str) -> None:
        self.problems.append(E.CatalogProblem(self.file, line, code, message))

    def check_keys(self, data: LocatedDict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                known = "、".join(sorted(allowed))
                self.problem(
                    data.line_of(key),
                    E.UNKNOWN_KEY,
                    f"{what}に知らない項目「{key}」があります（使える項目: {known}）。",
                )

    def require(self, data: LocatedDict, key: str, what: str, kind=str):
        if key not in data or data[key] is None or data[key] == "":
            self.problem(data.line, E.MISSING, f"{what}に必須項目「{key}」がありません。")
            return None
        value = data[key]
        return self.coerce(data, key, value, kind, what)

    def optional(self, data: LocatedDict, key: str, what: str, kind=str, default=None):
        if key not in data or data[key] is None:
            return default
        return self.coerce(data, key, data[key], kind, what)

    def coerce(self, data: LocatedDict, key: str, value, kind, what: str):
        accepts, keep, advice = _KINDS[kind]
        if not accepts(value):
            self.problem(data.line_of(key), E.BAD_VALUE, f"{what}の「{key}」" + advice(value))
            return None
        return keep(value)

    def user_text(self, data: LocatedDict, key: str, what: str) -> str | None:
        """A text users read (note, hint, wording): no URL, English word or file path."""
        text = self.optional(data, key, what)
        reasons = maintainer_text_problems(text, note=key == "note") if text else []
        if reasons:
            self.problem(
                data.line_of(key),
                E.MAINTAINER_TEXT,
                f"{what}の「{key}」は利用者に表示されます。{''.join(reasons)}"
                "出典や確かさについてのメモは provenance に書いてください。",
            )
        return text

    def provenance(self, data: LocatedDict, what: str) -> str | None:
        """Maintainers' note; ``notes`` (older files) mixed both kinds and is kept here."""
        parts = [
            self.optional(data, key, what) for key in ("provenance", "notes") if key in data
        ]
        parts = [part for part in parts if part]
        return "\n".join(parts) or None

    def entries(
        self,
        data: LocatedDict,
        key: str,
        what: str,
        entry_what: str,
        build,
        *,
        required=True,
        empty: str | None = None,
    ) -> list:
        """``build(mapping)`` of each entry (``entry_what``) listed under ``key``, leaving out
        the ones that are no mapping or fail to build (their problems are recorded).
        ``empty``: the message for an empty list, where an empty list is a problem."""
        read = self.require if required else self.optional
        raw_list = read(data, key, what, list) or []
        if not raw_list and empty and key in data:
            self.problem(data.line_of(key), E.EMPTY_LIST, empty)
        built = []
        for raw in raw_list:
            mapping = self.mapping(raw, data.line_of(key), entry_what)
            if mapping is not None and (value := build(mapping)):
                built.append(value)
        return built

    def complete(self, model, data: LocatedDict, required: dict, **fields):
        """The ``model`` object of the entry at ``data``; None where a ``required`` field is
        missing or wrong (its problem is already recorded), so that the entry is left out."""
        if None in required.values():
            return None
        return model(**required, **fields, line=data.line)

    def mapping(self, value, line: int, what: str) -> LocatedDict | None:
        if not isinstance(value, LocatedDict):
            self.problem(
                line_of(value, line), E.BAD_VALUE, f"{what}は「項目: 値」の形で書いてください。"
            )
            return None
        return value

    def entry_id(self, data: LocatedDict, allowed: set[str], what: str) -> str | None:
        """Check an entry's keys and read its id, which must be unique in the file."""
        self.check_keys(data, allowed, what)
        return self.register_id(self.require(data, "id", what), data.line_of("id"), what)

    def register_id(self, node_id: str | None, line: int, what: str) -> str | None:
        if node_id is None:
            return None
        if not ID_PATTERN.match(node_id):
            self.problem(
                line,
                E.BAD_ID,
                f"{what}の ID「{node_id}」には半角の英字・数字・「.」「-」「_」だけを使ってください。",
            )
        if node_id in self.ids:
            self.problem(
                line,
                E.DUPLICATE_ID,
                f"ID「{node_id}」が重複しています（最初の定義は {self.ids[node_id]} 行目）。",
            )
        else:
            self.ids[node_id] = line
        return node_id
