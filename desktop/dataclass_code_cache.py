"""The methods ``dataclasses`` writes for each class, compiled once and kept between starts.

For every class it decorates, ``dataclasses`` writes the source of ``__init__``,
``__repr__``, ``__eq__``, ``__hash__`` and, for frozen classes, ``__setattr__`` and
``__delattr__``, and compiles that text, on every start: about 0.3 ms per class, and
the window needs some 30 classes between its first paint and the evaluation on screen
(benchmarks/README.md). The text depends only on the class definition, and the same
text always compiles to the same code. So the window keeps the compiled code, found by
its exact source text, in the user's cache folder and reuses it on the next start.

How: ``dataclasses`` runs its text through the name ``exec``, which it looks up in its
own module first and then in builtins. :func:`use_folder` puts a module-level ``exec``
there that compiles each text once, exactly as the built-in would (file name
``<string>``, no inherited ``__future__`` flags), and then runs the code as before. A
text not in the cache is compiled as before; nothing else changes. The cache is written
when the process exits, and only when it learnt a new text.

Trust: the entries are code objects (``marshal``), so they run. They are read only from
the user's own cache folder (QStandardPaths.CacheLocation, under the user's profile),
which only the app writes. Whoever can write there can also change the program, which
the per-user installer puts in the same profile (as for ``desktop.catalog.parsed_cache``).
Code objects are specific to the Python version: a file written by another version, or
one that cannot be read, is ignored and replaced.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import marshal
import os
import sys
from pathlib import Path
from types import CodeType

FORMAT = 1  # raise when what is stored changes shape
FILE_NAME = "dataclass-methods.marshal"
MAX_ENTRIES = 4000  # far above the app's few hundred texts: a bound, not a working size
_HEADER = f"{FORMAT}\n{sys.version}\n{sys.implementation.cache_tag}"

_codes: dict[str, CodeType] = {}
_learnt = 0  # texts compiled since the file was read
_file: Path | None = None
_save_at_exit = False


def use_folder(folder: str | os.PathLike) -> None:
    """Reuse (and keep) the compiled methods in ``folder``; written when the process exits."""
    global _file, _save_at_exit
    _file = Path(folder) / FILE_NAME
    _codes.update(_read(_file))
    dataclasses.exec = _exec_cached
    if not _save_at_exit:
        atexit.register(save)
        _save_at_exit = True


def stop() -> None:
    """Compile as ``dataclasses`` does without a cache again (tests)."""
    global _file, _learnt
    if getattr(dataclasses, "exec", None) is _exec_cached:
        del dataclasses.exec
    _file, _learnt = None, 0
    _codes.clear()


def cached_texts() -> int:
    """How many texts the cache holds (read and learnt)."""
    return len(_codes)


def new_texts() -> int:
    """How many texts had to be compiled since the file was read or last written."""
    return _learnt


def _exec_cached(source, globals=None, locals=None, /):
    global _learnt
    if isinstance(source, str):
        code = _codes.get(source)
        if code is None:
            # What the built-in exec does with a string: the caller's (dataclasses')
            # flags, which are none; never this module's ``from __future__`` import.
            code = compile(source, "<string>", "exec", dont_inherit=True)
            if len(_codes) < MAX_ENTRIES:
                _codes[source] = code
                _learnt += 1
        source = code
    return builtins.exec(source, globals, locals)


def _read(path: Path) -> dict[str, CodeType]:
    try:
        header, codes = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if header != _HEADER or not isinstance(codes, dict):
        return {}
    return {
        text: code
        for text, code in codes.items()
        if isinstance(text, str) and isinstance(code, CodeType)
    }


def save() -> None:
    """Write the cache if it learnt a text; a failure only costs the next start its speed."""
    global _learnt
    if _file is None or not _learnt:
        return
    temporary = _file.with_name(f"{_file.name}.{os.getpid()}.tmp")
    try:
        _file.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(marshal.dumps((_HEADER, dict(_codes))))
        os.replace(temporary, _file)  # another window writing at once: one of them wins
        _learnt = 0
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
