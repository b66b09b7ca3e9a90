"""Compiled code kept between starts (dataclass methods, PySide's support modules):
reused, identical to what Python compiles, never trusted blindly."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import compiled_code_cache as cache

REPO_ROOT = Path(__file__).resolve().parents[1]

# Defined afresh by each exec, as a module defines its classes on import. No
# ``from __future__ import annotations`` here: the annotations are real objects.
CLASSES = """
from dataclasses import dataclass, field

@dataclass(frozen=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False)

@dataclass
class Bag:
    items: list[int] = field(default_factory=list)
    label: str | None = None
"""


def define() -> dict:
    namespace: dict = {}
    # Compiled on its own: exec of a string would inherit this file's __future__ import.
    exec(compile(CLASSES, "<classes>", "exec", dont_inherit=True), namespace)
    return namespace


@pytest.fixture
def folder(tmp_path):
    yield tmp_path
    cache.stop()


def test_a_second_start_compiles_nothing_and_gets_the_same_classes(folder):
    cache.stop()
    plain = define()  # dataclasses without the cache
    cache.use_folder(folder)
    assert dataclasses.exec is not exec
    define()
    learnt = cache.new_texts()
    assert learnt >= 8  # Point: init, repr, eq, hash, setattr, delattr; Bag: init, repr, eq
    cache.save()
    assert (folder / cache.FILE_NAME).is_file()
    assert cache.new_texts() == 0

    cache.stop()  # as a new process: nothing in memory, the file read again
    cache.use_folder(folder)
    assert cache.cached_texts() == learnt
    cached = define()
    assert cache.new_texts() == 0  # every method came from the file

    Point, PlainPoint = cached["Point"], plain["Point"]
    point = Point(1, tags=("a",), note="x")
    assert repr(point) == repr(PlainPoint(1, tags=("a",), note="x")).replace("PlainPoint", "Point")
    assert point == Point(1, 0, ("a",), note="other")  # note is not compared
    assert point != Point(2)
    assert hash(point) == hash(Point(1, 0, ("a",)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 5
    assert Point.__init__.__annotations__ == PlainPoint.__init__.__annotations__
    assert Point.__init__.__annotations__["x"] is int  # not a string: no inherited __future__
    assert Point.__init__.__code__.co_filename == PlainPoint.__init__.__code__.co_filename
    first, second = cached["Bag"](), cached["Bag"]()
    first.items.append(1)
    assert second.items == []  # default_factory still runs per instance
    assert cached["Bag"]([1], "b") == cached["Bag"]([1], "b")


@pytest.mark.parametrize(
    "content",
    [
        b"not marshal at all",
        b"",
        marshal.dumps(("1\nanother python\ncpython-00", {}, {})),
        marshal.dumps((cache._HEADER, {})),  # the shape of an older format
        marshal.dumps((cache._HEADER, ["a list, not a dict"], {})),
        marshal.dumps((cache._HEADER, {("def f(): pass", "<string>", "exec", 0, 0): 42}, {})),
        marshal.dumps((cache._HEADER, {"def f(): pass": compile("pass", "<s>", "exec")}, {})),
        marshal.dumps((cache._HEADER, {}, {("a+", 0): (0, ["not", "numbers"], 0, {}, ())})),
    ],
    ids=[
        "garbage",
        "empty",
        "other-python",
        "older-format",
        "not-a-dict",
        "not-code",
        "key-not-a-key",
        "program-not-numbers",
    ],
)
def test_a_damaged_or_foreign_file_is_ignored_and_replaced(folder, content):
    cache.stop()
    (folder / cache.FILE_NAME).write_bytes(content)
    cache.use_folder(folder)
    assert cache.cached_texts() == 0
    namespace = define()
    assert namespace["Point"](3) == namespace["Point"](3)  # classes still work
    cache.save()
    header, codes, _programs = marshal.loads((folder / cache.FILE_NAME).read_bytes())
    assert header == cache._HEADER
    assert cache.new_texts() == 0
    assert len(codes) >= 8 and all(isinstance(code, type(define.__code__)) for code in codes.values())


def test_a_cache_that_cannot_be_written_costs_nothing_but_speed(folder):
    cache.stop()
    blocked = folder / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    cache.use_folder(blocked)
    define()
    cache.save()  # no exception
    assert cache.new_texts() > 0  # still to be written another time
    assert list(folder.iterdir()) == [blocked]


def test_without_a_folder_nothing_changes(tmp_path):
    cache.stop()
    cache.use_folder(None)
    assert "exec" not in vars(dataclasses)
    with cache.compiling_from_cache():
        assert builtins.compile is cache._builtin_compile
        compile("x = 1", "<t>", "exec")
    assert cache.cached_texts() == 0
    cache.save()
    assert list(tmp_path.iterdir()) == []


# A module as shiboken's importer compiles it: source text with a file name.
SUPPORT_MODULE = "def answer(a: int) -> int:\n    return a * 2\n"


def test_compile_within_the_block_is_kept_and_reused(folder):
    cache.stop()
    cache.use_folder(folder)
    with cache.compiling_from_cache():
        assert builtins.compile is not cache._builtin_compile
        first = compile(SUPPORT_MODULE, "support/answer.py", "exec", dont_inherit=True)
    assert builtins.compile is cache._builtin_compile  # only for the length of the block
    assert cache.new_texts() == 1
    cache.save()

    cache.stop()
    cache.use_folder(folder)
    with cache.compiling_from_cache():
        again = compile(SUPPORT_MODULE, "support/answer.py", "exec", dont_inherit=True)
        assert cache.new_texts() == 0  # it came from the file
        other_name = compile(SUPPORT_MODULE, "support/other.py", "exec", dont_inherit=True)
        assert cache.new_texts() == 1  # another file name is another entry
    assert again == first and again.co_filename == "support/answer.py"
    assert other_name.co_filename == "support/other.py"
    namespace: dict = {}
    exec(again, namespace)
    assert namespace["answer"](21) == 42


# Compiled by code with and without ``from __future__ import annotations``: the built-in
# compile gives each caller's __future__ flags to what it compiles (unless dont_inherit).
CALLERS = {
    "with_future": "from __future__ import annotations\n"
    "def compile_it(text):\n    return compile(text, '<t>', 'exec')\n",
    "plain": "def compile_it(text):\n    return compile(text, '<t>', 'exec')\n",
}
ANNOTATED = "def f(a: undefined_name) -> None:\n    pass\n"


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_the_callers_future_flags_are_inherited_as_by_the_built_in(folder, caller):
    cache.stop()
    namespace: dict = {}
    exec(builtins.compile(CALLERS[caller], "<caller>", "exec", dont_inherit=True), namespace)
    expected = namespace["compile_it"](ANNOTATED)  # the built-in
    cache.use_folder(folder)
    with cache.compiling_from_cache():
        cached = namespace["compile_it"](ANNOTATED)
        cached_again = namespace["compile_it"](ANNOTATED)
    assert cached.co_flags == expected.co_flags
    assert cached_again is cached
    run: dict = {}
    if caller == "plain":  # the annotation is evaluated, as the built-in would
        with pytest.raises(NameError):
            exec(cached, run)
    else:  # postponed: a string
        exec(cached, run)
        assert run["f"].__annotations__["a"] == "undefined_name"


def test_the_other_uses_of_compile_are_passed_through_uncached(folder):
    cache.stop()
    cache.use_folder(folder)
    with cache.compiling_from_cache():
        tree = compile("x = 1", "<t>", "exec", ast.PyCF_ONLY_AST)
        with pytest.raises(SyntaxError):
            compile("x = (", "<t>", "exec")
    assert isinstance(tree, ast.Module)
    assert cache.cached_texts() == 0


def test_an_error_in_the_block_restores_the_built_in(folder):
    cache.stop()
    cache.use_folder(folder)
    with pytest.raises(RuntimeError), cache.compiling_from_cache():
        raise RuntimeError("an import failed")
    assert builtins.compile is cache._builtin_compile


def test_only_what_the_process_used_is_written_again(folder):
    cache.stop()
    cache.use_folder(folder)
    with cache.compiling_from_cache():
        compile("old = 1", "<t>", "exec")
        compile("kept = 1", "<t>", "exec")
    cache.save()

    cache.stop()  # a later version: "old" is no longer compiled
    cache.use_folder(folder)
    with cache.compiling_from_cache():
        compile("kept = 1", "<t>", "exec")
        compile("new = 1", "<t>", "exec")
    cache.save()
    _, codes, _programs = marshal.loads((folder / cache.FILE_NAME).read_bytes())
    assert sorted(key[0] for key in codes) == ["kept = 1", "new = 1"]


# Patterns as PySide's support modules and the standard library write them: groups,
# names, inline and passed flags, verbose layout, look-behind, back references, bytes.
PATTERNS = [
    (r"(?P<name>\w+)\s*=\s*(?P<value>[^;]+);", 0),
    (r"(?i)^qt(core|gui)\.(?P<cls>[A-Z]\w*)$", 0),
    (r"""
        (?P<key> [a-z_]+ )   # a key
        \s* : \s*
        (?P<rest> .* )
     """, re.VERBOSE),
    (r"(?<=\d)(?=(\d{3})+$)", 0),
    (r"(['\"])(.*?)\1", re.DOTALL),
    (rb"\x00(?P<tag>[\x01-\x7f]{2})", 0),
    ("令和(\\d+)年度", re.ASCII),
]
SAMPLES = ["width = 10;", "QtCore.QTimer", "key : value", "1234567", "'a' \"b\"", "令和8年度"]


def test_patterns_within_the_block_are_kept_and_the_same_as_re_makes(folder):
    cache.stop()
    plain = []
    for pattern, flags in PATTERNS:
        re.purge()
        plain.append(re.compile(pattern, flags))
    cache.use_folder(folder)
    re.purge()
    with cache.compiling_from_cache():
        learning = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    assert cache.new_texts() == len(PATTERNS)
    cache.save()

    cache.stop()  # as a new process
    cache.use_folder(folder)
    re.purge()
    with cache.compiling_from_cache():
        kept = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    assert cache.new_texts() == 0  # every program came from the file
    re.purge()
    for expected, *others in zip(plain, learning, kept, strict=True):
        for other in others:
            assert other is not expected
            assert (other.pattern, other.flags, other.groups, other.groupindex) == (
                expected.pattern,
                expected.flags,
                expected.groups,
                expected.groupindex,
            )
            for sample in SAMPLES:
                text = sample.encode("utf-8") if isinstance(expected.pattern, bytes) else sample
                found = [(*m.groups(), m.span()) for m in expected.finditer(text)]
                assert [(*m.groups(), m.span()) for m in other.finditer(text)] == found
    # re.ASCII: a full-width digit is no \d, for both
    assert [p.fullmatch("令和８年度") for p in (plain[-1], kept[-1])] == [None, None]


def test_debug_patterns_and_compiled_patterns_are_left_to_re(folder, capsys):
    cache.stop()
    cache.use_folder(folder)
    re.purge()
    with cache.compiling_from_cache():
        debugged = re.compile("a+b", re.DEBUG)
        again = re.compile(debugged)
    assert "LITERAL" in capsys.readouterr().out  # re printed its program, as always
    assert again is debugged
    assert cache.cached_texts() == 0
    assert re._compiler.compile is cache._regex_compile  # restored after the block


# What the one-folder build does before the program starts (packaging/pyi_rth_compiled_code.py),
# in a fresh process each: a window's start that kept the cache, then the hook alone.
KEEPING_START = """
from desktop import compiled_code_cache
from desktop.paths import user_cache_folder
compiled_code_cache.use_folder(user_cache_folder())
with compiled_code_cache.compiling_from_cache():
    import PySide6.QtCore
print(compiled_code_cache.new_texts())
"""
HOOK_THEN_REPORT = """
import runpy, sys
runpy.run_path(sys.argv[1])
from desktop import compiled_code_cache
reused = compiled_code_cache.reused_texts()
print(compiled_code_cache.new_texts(), reused > 10, "PySide6.QtCore" in sys.modules)
"""


def test_the_builds_run_time_hook_imports_pyside_from_the_cache_and_writes_nothing(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "LOCALAPPDATA": str(tmp_path / "local"),
    }

    def run(script: str, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.split()

    assert int(run(KEEPING_START)[0]) > 0  # PySide's texts compiled and kept at exit
    (kept,) = tmp_path.rglob(cache.FILE_NAME)
    written = kept.stat().st_mtime_ns, kept.read_bytes()
    hook = REPO_ROOT / "packaging" / "pyi_rth_compiled_code.py"
    # Nothing compiled, more than ten texts (PySide's modules, patterns) from the file.
    assert run(HOOK_THEN_REPORT, str(hook)) == ["0", "True", "True"]
    assert (kept.stat().st_mtime_ns, kept.read_bytes()) == written
