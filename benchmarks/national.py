"""The ministry's national results workbook: read + check, store, load, first views.

The parent writes one synthetic workbook in the documented layout (1,800 municipality
rows × 1,563 columns: ~340 score and subtotal columns, then ~1,200 trailing columns
that are not scores, filled sparsely as the real ~2 MB file must be; see
``tests/national/synthetic.py``). Each run is a fresh process with the modules and
the shipped catalogs already loaded (as in the open app), timing:

* **read_check_s**: ``read_national`` (python-calamine load, header by label, column
  mapping, every self-check) — target < 3 s;
* **store_s**: ``NationalLibrary.store`` into a new library file — target < 1 s more;
* **load_s** and **views_s**: loading the stored year and computing the rank, the
  prefecture view and the peers table (what opening the national view does);
* **peak_rss_mb**: the child's peak RSS after all of it — target < 300 MB (the workbook
  is written by a child of its own, see :func:`measure`).
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import REPO_ROOT, child_main, peak_rss_mb, run_module, summary

ROWS = 1_800
COLUMNS = 1_563


def make_workbook(workdir: Path) -> dict:
    import sys

    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from tests.national.synthetic import make_workbook as make

    path = workdir / "national-r8.xlsx"
    begun = time.perf_counter()
    # 14 left-block columns + 339 scores and subtotals + trailing = 1,563 columns.
    info = make(path, year=2026, count=ROWS, trailing=COLUMNS - 14 - 339, trailing_every=10, seed=8)
    return {
        "path": str(path),
        "rows": len(info.municipalities),
        "columns": COLUMNS,
        "bytes": path.stat().st_size,
        "write_s": round(time.perf_counter() - begun, 2),
    }


def one_run(xlsx: str, library: str) -> dict:
    from desktop.catalog import registry
    from desktop.national import analysis
    from desktop.national.library import NationalLibrary
    from desktop.national.reader import read_national
    from desktop.national.views import peer_table

    registry.catalogs()  # loaded before the clock, as in the open app
    begun = time.perf_counter()
    dataset = read_national(xlsx)
    read_check = time.perf_counter() - begun
    Path(library).unlink(missing_ok=True)
    begun = time.perf_counter()
    with NationalLibrary.open(library) as lib:
        lib.store(dataset)
    store = time.perf_counter() - begun
    count = dataset.count
    del dataset  # the window keeps only what it loads from the library
    begun = time.perf_counter()
    with NationalLibrary.open(library, create=False) as lib:
        loaded = lib.load(2026)
    load = time.perf_counter() - begun
    begun = time.perf_counter()
    catalog = registry.find(loaded.catalog_id)
    me = loaded.municipalities[len(loaded.municipalities) // 2]
    analysis.standing(loaded, me, catalog)
    analysis.prefecture_view(loaded, catalog, me.prefecture)
    peer_table(loaded, catalog, analysis.peers(loaded, me, "band"), "peers")
    views = time.perf_counter() - begun
    return {
        "municipalities": count,
        "read_check_s": read_check,
        "store_s": store,
        "load_s": load,
        "views_s": views,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure(workdir: str, runs: int, env: dict) -> dict:
    # Written by a child: Linux keeps a process's peak RSS across fork and exec, so a
    # parent that built the 2.8-million-cell grid would inflate every child's figure.
    book = run_module("national", {"make": workdir}, env)
    samples = [
        run_module(
            "national",
            {"xlsx": book["path"], "library": str(Path(workdir) / "national.sqlite")},
            env,
        )
        for _ in range(runs)
    ]
    return {
        "workbook": book,
        "runs": runs,
        "municipalities": samples[0]["municipalities"],
        **{
            key: summary([s[key] for s in samples])
            for key in ("read_check_s", "store_s", "load_s", "views_s")
        },
        "peak_rss_mb": max(s["peak_rss_mb"] or 0 for s in samples) or None,
    }


def child(make: str | None = None, **params) -> dict:
    return make_workbook(Path(make)) if make else one_run(**params)


if __name__ == "__main__":
    child_main(child)
