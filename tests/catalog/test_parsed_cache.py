"""Parsed catalogs kept between starts: used when current, never when stale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.catalog import loader, parsed_cache

REPO_ROOT = Path(__file__).resolve().parents[2]
NAME = "r8（評価ファイル内の控え）"


@pytest.fixture
def text(r8) -> str:
    return Path(r8.path).read_text(encoding="utf-8-sig")


@pytest.fixture
def parses(monkeypatch):
    """Counts the real parses (the YAML loader), cache or not."""
    calls = []
    real = loader.load_catalog_text

    def counting(text, name="<catalog>"):
        calls.append(name)
        return real(text, name)

    monkeypatch.setattr(loader, "load_catalog_text", counting)
    return calls


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(parsed_cache, "_folder", None)
    monkeypatch.setattr(parsed_cache, "_fingerprint", None)
    parsed_cache.use_folder(folder)
    return folder


def test_without_a_folder_every_opening_parses_and_nothing_is_written(text, parses, tmp_path):
    parsed_cache.use_folder(None)
    first = parsed_cache.load_catalog_text(text, NAME)
    second = parsed_cache.load_catalog_text(text, NAME)
    assert first == second
    assert len(parses) == 2


def test_a_cached_catalog_is_read_back_equal_without_parsing(text, parses, cache, r8):
    first = parsed_cache.load_catalog_text(text, NAME)
    assert len(parses) == 1
    assert len(list(cache.glob("catalog-*.pickle"))) == 1
    second = parsed_cache.load_catalog_text(text, NAME)
    assert len(parses) == 1  # read from the cache
    assert second == first
    assert second.content_hash == r8.content_hash
    # Lookups work on the object read back (its index is built afresh).
    item = next(second.all_items())
    assert second.item(item.id) == item
    assert second.indicator_of(item.id).id == first.indicator_of(item.id).id


def test_another_text_never_gets_the_cached_catalog(text, parses, cache):
    parsed_cache.load_catalog_text(text, NAME)
    changed = text.replace("title:", "title: 改", 1)
    assert changed != text
    other = parsed_cache.load_catalog_text(changed, NAME)
    assert len(parses) == 2
    assert other.title.startswith("改")
    assert len(list(cache.glob("catalog-*.pickle"))) == 2


def test_changed_catalog_code_or_version_is_a_different_entry(text, parses, cache, monkeypatch):
    parsed_cache.load_catalog_text(text, NAME)
    # As after editing the loader (or installing another version): another fingerprint.
    monkeypatch.setattr(parsed_cache, "_fingerprint", parsed_cache._code_fingerprint() + "x")
    parsed_cache.load_catalog_text(text, NAME)
    assert len(parses) == 2


def test_the_fingerprint_follows_the_catalog_sources(cache, monkeypatch):
    fingerprint = parsed_cache._code_fingerprint()
    assert "loader.py:" in fingerprint and "model.py:" in fingerprint
    assert "formats.py:" in fingerprint


@pytest.mark.parametrize(
    "content",
    [b"", b"not a pickle", None],  # None: a pickle of something that is not a catalog
    ids=["empty", "garbage", "foreign"],
)
def test_a_damaged_or_foreign_entry_is_parsed_again_and_replaced(
    text, parses, cache, content
):
    import pickle

    first = parsed_cache.load_catalog_text(text, NAME)
    (entry,) = cache.glob("catalog-*.pickle")
    entry.write_bytes(pickle.dumps({"id": "偽"}) if content is None else content)
    again = parsed_cache.load_catalog_text(text, NAME)
    assert len(parses) == 2
    assert again == first
    assert parsed_cache.load_catalog_text(text, NAME) == first
    assert len(parses) == 2  # the replaced entry is good again


def test_a_catalog_error_is_raised_and_never_cached(text, parses, cache):
    from desktop.catalog.errors import CatalogError

    with pytest.raises(CatalogError):
        parsed_cache.load_catalog_text("id: [", NAME)
    assert not list(cache.glob("catalog-*.pickle"))


def test_an_unwritable_folder_still_opens(text, parses, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    parsed_cache.use_folder(blocker / "cache")  # cannot be created under a file
    assert parsed_cache.load_catalog_text(text, NAME).id
    parsed_cache.use_folder(None)


def test_opening_with_a_warm_cache_needs_neither_yaml_nor_the_loader(tmp_path, session_r8, store):
    """A fresh process opens the evaluation from the cache: no PyYAML, no parse."""
    store.close()
    script = (
        "import json, sys\n"
        "from desktop.catalog import parsed_cache\n"
        "from desktop.evaluation.document import Document\n"
        "parsed_cache.use_folder(sys.argv[2])\n"
        "with Document.open(sys.argv[1], read_only=True) as doc:\n"
        "    session = doc.session()\n"
        "    points = session.score().root.points\n"
        "print(json.dumps({'yaml': 'yaml' in sys.modules,\n"
        "                  'loader': 'desktop.catalog.loader' in sys.modules,\n"
        "                  'id': session.catalog.id, 'points': points}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    runs = []
    for _ in range(2):  # the first fills the cache, the second reads it
        completed = subprocess.run(
            [sys.executable, "-c", script, str(store.path), str(tmp_path / "cache")],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=REPO_ROOT,
            timeout=120,
        )
        assert completed.returncode == 0, completed.stderr
        runs.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    assert runs[0]["loader"] is True
    assert runs[1] == {**runs[0], "yaml": False, "loader": False}
