"""`hyoka-desk catalogs`: list the shipped catalogs and validate them."""

from __future__ import annotations

import argparse
import itertools
import sys

from desktop.catalog import registry
from desktop.cli.common import add_json, print_json


def register(subparsers) -> None:
    parser = subparsers.add_parser("catalogs", help="同梱の評価指標の一覧と検証")
    add_json(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    entries = registry.entries()
    rows = []
    failed = False
    for entry in entries:
        if entry.catalog is not None:
            catalog = entry.catalog
            rows.append(
                {
                    "id": catalog.id,
                    "fiscal_year": catalog.fiscal_year,
                    "year": catalog.year_code,
                    "year_label": catalog.year_label,
                    "level": catalog.level,
                    "revision": catalog.revision,
                    "status": catalog.status,
                    "items": sum(1 for _ in catalog.all_items()),
                    "content_hash": catalog.content_hash,
                    "file": entry.path.name,
                    # For maintainers and scripts only: never shown in the app or outputs.
                    "provenance": _provenance(catalog),
                    "valid": True,
                    "problems": [],
                }
            )
        else:
            failed = True
            rows.append(
                {
                    "file": entry.path.name,
                    "valid": False,
                    "problems": [
                        {"file": p.file, "line": p.line, "code": p.code, "message": p.message}
                        for p in entry.error.problems
                    ],
                }
            )
    crosswalk_rows = _check_crosswalks()
    failed = failed or any(not row["valid"] for row in crosswalk_rows)
    if not entries:
        failed = True
    if args.json:
        print_json({"catalogs": rows, "crosswalks": crosswalk_rows, "valid": not failed})
    else:
        if not entries:
            print("同梱の評価指標が見つかりません。", file=sys.stderr)
        for row in rows:
            if row["valid"]:
                print(
                    f"{row['id']}\t{row['year_label']}（{row['fiscal_year']}年度）\t{row['level']}\t"
                    f"第{row['revision']}版\t{row['status']}\t小項目 {row['items']}\tOK"
                )
            else:
                print(f"{row['file']}\t問題 {len(row['problems'])} 件", file=sys.stderr)
                for problem in row["problems"]:
                    print(
                        f"  {problem['file']}:{problem['line']}: [{problem['code']}] {problem['message']}",
                        file=sys.stderr,
                    )
        for row in crosswalk_rows:
            status = "OK" if row["valid"] else "問題あり"
            print(f"対応表 {row['from']} → {row['to']}\t{status}")
            for problem in row["problems"]:
                print(f"  {problem}", file=sys.stderr)
    return 1 if failed else 0


def _check_crosswalks() -> list[dict]:
    catalogs = sorted(registry.catalogs(), key=lambda c: (c.level, c.fiscal_year))
    rows = []
    for older, newer in itertools.pairwise(catalogs):
        if older.level != newer.level or newer.fiscal_year != older.fiscal_year + 1:
            continue
        try:
            found = registry.crosswalk(older, newer)
        except Exception as exc:  # a CatalogError with its problems
            problems = [str(p) for p in getattr(exc, "problems", [exc])]
            rows.append({"from": older.id, "to": newer.id, "valid": False, "problems": problems})
            continue
        if found is None:
            rows.append(
                {
                    "from": older.id,
                    "to": newer.id,
                    "valid": False,
                    "problems": ["対応表がありません。"],
                }
            )
        else:
            rows.append({"from": older.id, "to": newer.id, "valid": True, "problems": []})
    return rows


def _provenance(catalog) -> dict[str, str]:
    """Where each indicator's and sub-item's figures and rules came from, by id."""
    notes = {}
    for indicator in catalog.all_indicators():
        if indicator.provenance:
            notes[indicator.id] = indicator.provenance
        for item in indicator.items:
            if item.provenance:
                notes[item.id] = item.provenance
    return notes
