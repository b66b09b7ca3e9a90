"""Read YAML into plain dicts and lists that remember the line each value came from.

PyYAML's own loaders forget positions and let a repeated key silently win; catalog
authors need both the line of every problem and a warning for a repeated key, so
this walks the composed node tree itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:  # the C parser is several times faster; the pure one gives the same nodes
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - wheels ship libyaml
    from yaml import SafeLoader as _Loader


class LocatedDict(dict):
    """A mapping with the (1-based) line of itself and of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    line: int = 0


@dataclass
class ParseResult:
    data: object
    repeated_keys: list[tuple[str, int]] = field(default_factory=list)


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def parse(text: str) -> ParseResult:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlSyntaxError(_describe(exc), line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc), 0) from None
    finally:
        loader.dispose()
    result = ParseResult(data=None)
    if node is not None:
        constructor = yaml.SafeLoader("")  # scalar resolution (int/float/bool/null) only
        result.data = _convert(node, constructor, result.repeated_keys)
    return result


def _describe(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    context = exc.context or ""
    started = ""
    marks = (exc.context_mark, exc.problem_mark)
    if None not in marks and marks[0].line != marks[1].line:
        started = f"。{marks[0].line + 1} 行目から始まる部分が閉じていない可能性があります"
    return f"YAML の書式が正しくありません（{problem}{'、' + context if context else ''}）{started}"


def _convert(node, constructor, repeated: list[tuple[str, int]]):
    if isinstance(node, yaml.MappingNode):
        result = LocatedDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            key = str(key)
            key_line = key_node.start_mark.line + 1
            if key in result:
                repeated.append((key, key_line))
            result[key] = _convert(value_node, constructor, repeated)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        result = LocatedList(_convert(child, constructor, repeated) for child in node.value)
        result.line = node.start_mark.line + 1
        return result
    return constructor.construct_object(node, deep=True)


def line_of(value, default: int = 0) -> int:
    return getattr(value, "line", default) or default
