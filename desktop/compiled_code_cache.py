"""Code that Python compiles from the same text at every start, compiled once and kept.

Two things compile the same texts at every start of the window:

* **PySide's support modules.** ``shiboken6`` carries its Python helpers (signatures,
  the ``__feature__`` switch) as source text inside its library, and its importer
  compiles them at every ``import shiboken6``: 14 texts, ≈ 12 ms before the window can
  appear; those modules then compile 17 regular expressions, ≈ 9 ms more
  (benchmarks/README.md). :func:`compiling_from_cache` covers that import.
* **dataclasses.** For every class it decorates, ``dataclasses`` writes the source of
  ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and, for frozen classes,
  ``__setattr__`` and ``__delattr__``, and compiles it: ≈ 0.3 ms a class, for some 30
  classes before the evaluation is on screen. :func:`use_folder` covers those.

The same text compiled with the same settings always gives the same code. So the window
keeps the compiled code in the user's cache folder, found by its exact source text, file
name, mode, compiler flags and optimisation level, and reuses it on the next start. A
text not in the cache is compiled as before; nothing else changes.

How:

* ``dataclasses`` runs its texts through the name ``exec``, which it looks up in its own
  module first and then in builtins. :func:`use_folder` puts a module-level ``exec``
  there that compiles each text through the cache, exactly as the built-in would (file
  name ``<string>``, no inherited ``__future__`` flags), and then runs the code.
* shiboken's importer calls the built-in ``compile``, and ``re`` compiles a pattern
  through ``re._compiler.compile``. :func:`compiling_from_cache` replaces both for the
  length of the import only, and restores them. For a pattern the cache keeps what
  ``re._compiler.compile`` hands to ``_sre.compile`` (the pattern's program, a list of
  numbers, and its groups), and builds the pattern from it as that function does. Should
  a Python lack those internals, patterns are compiled as before.

The file is written when the process exits, and only when a new text was compiled; it
then holds what that process used.

Trust: the entries are code objects (``marshal``), so they run. They are read only from
the user's own cache folder (under the user's profile, :func:`desktop.paths.user_cache_folder`),
which only the app writes. Whoever can write there can also change the program, which the
per-user installer puts in the same profile (as for ``desktop.catalog.parsed_cache``).
Code objects are specific to the Python version: a file written by another version, or one
that cannot be read, is ignored and replaced.
"""

from __future__ import annotations
import __future__

import _sre
import atexit
import builtins
import contextlib
import dataclasses
import marshal
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType

FORMAT = 2  # raise when what is stored changes shape (1: dataclass texts only)
FILE_NAME = "compiled-code.marshal"
MAX_ENTRIES = 4000  # far above the app's few hundred texts: a bound, not a working size
_HEADER = f"{FORMAT}\n{sys.version}\n{sys.implementation.cache_tag}\n{_sre.MAGIC}"

# The flags a ``from __future__ import`` sets: what ``compile`` inherits from its caller.
_FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag

# (source, file name, mode, flags, optimisation level) → code
Key = tuple[str | bytes, str, str, int, int]
_codes: dict[Key, CodeType] = {}
# (pattern, flags) → the arguments of _sre.compile after the pattern: flags, program,
# number of groups, name → group, group → name
PatternKey = tuple[str | bytes, int]
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
_programs: dict[PatternKey, Program] = {}
_used: set = set()  # what this process compiled or took from the file: what is written
_learnt = 0  # texts compiled since the file was read or written
_reused = 0  # texts taken from the cache instead of compiled
_file: Path | None = None
_save_at_exit = False
_builtin_compile = builtins.compile
_regex_compiler = getattr(re, "_compiler", None)
_regex_compile = getattr(_regex_compiler, "compile", None)
# What a pattern's program is made from: the internals re._compiler.compile uses.
_KNOWS_REGEX_INTERNALS = all(
    callable(getattr(_regex_compiler, name, None)) for name in ("compile", "_code")
) and callable(getattr(getattr(_regex_compiler, "_parser", None), "parse", None))


def read_folder(folder: str | os.PathLike | None) -> None:
    """Reuse the compiled code kept in ``folder`` (read once); nothing is written.

    For a start that must not write (a PyInstaller build's run-time hook, before the
    command line is read: packaging/pyi_rth_compiled_code.py).
    """
    global _file
    if folder is None:
        return
    file = Path(folder) / FILE_NAME
    if file == _file:
        return
    _file = file
    codes, programs = _read(file)
    _codes.update(codes)
    _programs.update(programs)


def use_folder(folder: str | os.PathLike | None) -> None:
    """Reuse (and keep) compiled code in ``folder``; written when the process exits.

    Without a folder nothing is read or written, and dataclasses compile as before.
    """
    global _save_at_exit
    if folder is None:
        return
    read_folder(folder)
    dataclasses.exec = _exec_cached
    if not _save_at_exit:
        atexit.register(save)
        _save_at_exit = True


@contextlib.contextmanager
def compiling_from_cache() -> Iterator[None]:
    """Within the block, the built-in ``compile`` uses the cache (for ``import shiboken6``).

    Without a folder (:func:`read_folder`, :func:`use_folder`) the block changes nothing.
    """
    if _file is None or builtins.compile is not _builtin_compile:
        yield
        return
    builtins.compile = _compile_cached
    if _KNOWS_REGEX_INTERNALS:
        _regex_compiler.compile = _regex_compile_cached
    try:
        yield
    finally:
        builtins.compile = _builtin_compile
        if _KNOWS_REGEX_INTERNALS:
            _regex_compiler.compile = _regex_compile


def stop() -> None:
    """Compile as Python does without a cache again (tests)."""
    global _file, _learnt
    if getattr(dataclasses, "exec", None) is _exec_cached:
        del dataclasses.exec
    builtins.compile = _builtin_compile
    if _KNOWS_REGEX_INTERNALS:
        _regex_compiler.compile = _regex_compile
    _file, _learnt, _reused = None, 0, 0
    _codes.clear()
    _programs.clear()
    _used.clear()


def cached_texts() -> int:
    """How many texts (code and patterns) the cache holds (read and learnt)."""
    return len(_codes) + len(_programs)


def reused_texts() -> int:
    """How many times a text was taken from the cache instead of compiled."""
    return _reused


def new_texts() -> int:
    """How many texts had to be compiled since the file was read or last written."""
    return _learnt


def _compiled(source, filename: str, mode: str, flags: int, optimize: int) -> CodeType:
    global _learnt, _reused
    key = (source, filename, mode, flags, sys.flags.optimize if optimize == -1 else optimize)
    code = _codes.get(key)
    _used.add(key)
    if code is not None:
        _reused += 1
    else:
        code = _builtin_compile(source, filename, mode, flags, dont_inherit=True, optimize=optimize)
        if len(_codes) < MAX_ENTRIES:
            _codes[key] = code
            _learnt += 1
    return code


def _compile_cached(source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **kwargs):
    """The built-in ``compile``, answered from the cache for plain texts."""
    if not dont_inherit:
        # What the built-in inherits: the __future__ flags of the code calling compile.
        flags |= sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
    plain = (
        not kwargs
        and isinstance(source, (str, bytes))
        and isinstance(filename, str)
        and isinstance(flags, int)
        and not flags & ~_FUTURE_FLAGS  # no AST, no type comments: the result is code
    )
    if not plain:
        return _builtin_compile(source, filename, mode, flags, True, optimize, **kwargs)
    return _compiled(source, filename, mode, flags, optimize)


def _regex_compile_cached(pattern, flags=0):
    """``re._compiler.compile``, with the pattern's program from the cache."""
    global _learnt, _reused
    if not isinstance(pattern, (str, bytes)) or not isinstance(flags, int) or flags & re.DEBUG:
        return _regex_compile(pattern, flags)
    key = (pattern, flags)
    program = _programs.get(key)
    _used.add(key)
    if program is not None:
        _reused += 1
    else:
        # What re._compiler.compile does before it calls _sre.compile.
        parsed = _regex_compiler._parser.parse(pattern, flags)
        code = _regex_compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        # Plain ints: the program holds re's named opcodes (an int subclass marshal refuses).
        program = (
            int(flags | parsed.state.flags),
            [int(number) for number in code],
            int(parsed.state.groups - 1),
            {name: int(index) for name, index in groupindex.items()},
            tuple(indexgroup),
        )
        if len(_programs) < MAX_ENTRIES:
            _programs[key] = program
            _learnt += 1
    final_flags, code, groups, groupindex, indexgroup = program
    return _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)


def _exec_cached(source, globals=None, locals=None, /):
    if isinstance(source, str):
        # What the built-in exec does with a string: the caller's (dataclasses')
        # flags, which are none; never this module's ``from __future__`` import.
        source = _compiled(source, "<string>", "exec", 0, -1)
    return builtins.exec(source, globals, locals)


def _read(path: Path) -> tuple[dict[Key, CodeType], dict[PatternKey, Program]]:
    try:
        header, codes, programs = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}, {}
    if header != _HEADER or not isinstance(codes, dict) or not isinstance(programs, dict):
        return {}, {}
    return (
        {key: code for key, code in codes.items() if _is_key(key) and isinstance(code, CodeType)},
        {key: program for key, program in programs.items() if _is_program(key, program)},
    )


def _is_key(key) -> bool:
    return (
        isinstance(key, tuple)
        and len(key) == 5
        and isinstance(key[0], (str, bytes))
        and all(isinstance(part, str) for part in key[1:3])
        and all(isinstance(part, int) for part in key[3:])
    )


def _is_program(key, program) -> bool:
    return (
        isinstance(key, tuple)
        and len(key) == 2
        and isinstance(key[0], (str, bytes))
        and isinstance(key[1], int)
        and isinstance(program, tuple)
        and len(program) == 5
        and isinstance(program[0], int)
        and isinstance(program[1], list)
        and all(isinstance(number, int) for number in program[1])
        and isinstance(program[2], int)
        and isinstance(program[3], dict)
        and isinstance(program[4], tuple)
    )


def save() -> None:
    """Write the cache if it learnt a text; a failure only costs the next start its speed.

    Only the texts this process used are written: those of an earlier version of the app
    or of Python do not pile up.
    """
    global _learnt
    if _file is None or not _learnt:
        return
    temporary = _file.with_name(f"{_file.name}.{os.getpid()}.tmp")
    try:
        _file.parent.mkdir(parents=True, exist_ok=True)
        codes = {key: code for key, code in _codes.items() if key in _used}
        programs = {key: program for key, program in _programs.items() if key in _used}
        temporary.write_bytes(marshal.dumps((_HEADER, codes, programs)))
        os.replace(temporary, _file)  # another window writing at once: one of them wins
        _learnt = 0
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
