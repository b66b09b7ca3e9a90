"""Parsed catalogs kept between starts, so that opening an evaluation skips the YAML.

Opening an evaluation parses and checks the catalog text pinned in its file (about
15 ms, plus about 30 ms to import PyYAML and the loader the first time). The pinned
text of an evaluation never changes, so the window keeps the parsed catalog in the
user's cache folder and reads it back on the next start (under 1 ms).

An entry is found by a hash of everything its content depends on: the catalog text
itself and the name it was loaded under, the app version and the code that builds a
catalog (each source file of ``desktop.catalog`` and ``desktop.formats`` by size and
time, or the program file of a frozen build). Another text, an edited loader or a
new version looks for another entry, so a stale entry is never used; an entry that
cannot be read, or does not hold a catalog, is parsed again and replaced. Nothing is
cached until :func:`use_folder` names a folder (the window does; the command line
and the tests parse every time).

Trust: entries are pickles, and unpickling runs code, so an entry is read only from
the user's own cache folder (QStandardPaths.CacheLocation, under the user's profile),
which the app alone writes. Whoever can write there can equally change the program,
which the per-user installer puts in the same profile; no file that travels between
people (evaluation files, workbooks, packs) is ever read this way. The type check
below only catches entries that are damaged or from another version.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.catalog.model import Catalog

FORMAT = 1  # raise when what is stored changes shape
_folder: Path | None = None
_fingerprint: str | None = None


def use_folder(folder: str | os.PathLike | None) -> None:
    """Keep parsed catalogs in ``folder`` (created when first written); None: not at all."""
    global _folder
    _folder = Path(folder) if folder is not None else None


def _code_fingerprint() -> str:
    """What building a catalog depends on besides its text (computed once per process)."""
    global _fingerprint
    if _fingerprint is None:
        from desktop import __version__

        parts = [__version__, str(FORMAT), sys.version]
        if getattr(sys, "frozen", False):
            sources = [Path(sys.executable)]
        else:
            package = Path(__file__).resolve().parent
            sources = [*sorted(package.glob("*.py")), package.parent / "formats.py"]
        for source in sources:
            try:
                stat = source.stat()
            except OSError:
                parts.append(f"{source.name}:-")
                continue
            parts.append(f"{source.name}:{stat.st_size}:{stat.st_mtime_ns}")
        _fingerprint = "\n".join(parts)
    return _fingerprint


def _entry(text: str, name: str) -> Path:
    try:  # hashlib would load OpenSSL first (about 4 ms at start-up)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - CPython builds it in
        from hashlib import blake2b

    digest = blake2b(digest_size=20)
    for part in (_code_fingerprint(), name, text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return _folder / f"catalog-{digest.hexdigest()}.pickle"


def load_catalog_text(text: str, name: str) -> Catalog:
    """``desktop.catalog.loader.load_catalog_text``, read from the cache when it holds it."""
    entry = _entry(text, name) if _folder is not None else None
    if entry is not None:
        cached = _read(entry)
        if cached is not None:
            return cached
    from desktop.catalog.loader import load_catalog_text as parse

    catalog = parse(text, name)  # a CatalogError is raised, never cached
    if entry is not None:
        _write(entry, catalog)
    return catalog


def _read(entry: Path) -> Catalog | None:
    try:  # the C unpickler alone: pickle.py and its pure-Python fallback cost ≈ 1.3 ms
        from _pickle import loads
    except ImportError:  # pragma: no cover - CPython builds it in
        from pickle import loads

    from desktop.catalog.model import Catalog

    try:
        data = entry.read_bytes()
    except OSError:
        return None
    try:
        catalog = loads(data)
    except Exception:  # a damaged entry or another version's: parse again and replace it
        return None
    return catalog if type(catalog) is Catalog else None


def _write(entry: Path, catalog: Catalog) -> None:
    """Write the entry whole or not at all (another window may read it meanwhile)."""
    import pickle
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".catalog-", dir=entry.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(catalog, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # no cache this time: the catalog was parsed and is used as it is
