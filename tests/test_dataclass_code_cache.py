"""The compiled dataclass methods kept between starts: reused, identical, never trusted blindly."""

from __future__ import annotations

import dataclasses
import marshal

import pytest

from desktop import dataclass_code_cache as cache

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
        marshal.dumps(("1\nanother python\ncpython-00", {})),
        marshal.dumps((cache._HEADER, ["a list, not a dict"])),
        marshal.dumps((cache._HEADER, {"def f(): pass": 42})),  # a value that is not code
    ],
    ids=["garbage", "empty", "other-python", "not-a-dict", "not-code"],
)
def test_a_damaged_or_foreign_file_is_ignored_and_replaced(folder, content):
    cache.stop()
    (folder / cache.FILE_NAME).write_bytes(content)
    cache.use_folder(folder)
    assert cache.cached_texts() == 0
    namespace = define()
    assert namespace["Point"](3) == namespace["Point"](3)  # classes still work
    cache.save()
    header, codes = marshal.loads((folder / cache.FILE_NAME).read_bytes())
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


def test_without_a_folder_dataclasses_compile_as_before():
    cache.stop()
    assert "exec" not in vars(dataclasses)
